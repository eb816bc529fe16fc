package config

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// sizeUnits are the suffixes ParseSize accepts, longest first so "KiB" wins over "B".
var sizeUnits = []struct {
	suffix string
	factor int64
}{
	{"TiB", 1 << 40},
	{"GiB", 1 << 30},
	{"MiB", 1 << 20},
	{"KiB", 1 << 10},
	{"B", 1},
}

// ParseSize parses a byte size: a non-negative integer with an optional binary unit, "B",
// "KiB", "MiB", "GiB" or "TiB" (case-sensitive, optional space before it), e.g. "16MiB",
// "512 KiB", "4096". Decimal units (KB, MB) are refused rather than guessed.
func ParseSize(s string) (int64, error) {
	num, factor := strings.TrimSpace(s), int64(1)
	for _, u := range sizeUnits {
		if rest, ok := strings.CutSuffix(num, u.suffix); ok {
			num, factor = strings.TrimSpace(rest), u.factor
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a size: want a non-negative integer with an optional unit B, KiB, MiB, GiB or TiB", s)
	}
	if n > math.MaxInt64/factor {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return n * factor, nil
}

// FormatSize writes n with the largest binary unit that divides it exactly ("16MiB"),
// or as a plain integer.
func FormatSize(n int64) string {
	for _, u := range sizeUnits[:len(sizeUnits)-1] {
		if n != 0 && n%u.factor == 0 {
			return strconv.FormatInt(n/u.factor, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

var durationType = reflect.TypeFor[time.Duration]()

// decodeHook converts configuration values into Config's field types beyond what
// mapstructure does by itself: strings into durations ("5m") and into sizes (every other
// int64 field, the *_bytes keys, "16MiB"). A bare number is refused for a duration, except
// 0: "300" would otherwise mean 300 nanoseconds.
func decodeHook(from, to reflect.Type, data any) (any, error) {
	switch {
	case to == durationType && from.Kind() == reflect.String:
		d, err := time.ParseDuration(strings.TrimSpace(data.(string)))
		if err != nil {
			return nil, fmt.Errorf("%q is not a duration: want e.g. \"500ms\", \"5m\" or \"1h30m\"", data)
		}
		return d, nil
	case to == durationType && from != durationType && from.Kind() >= reflect.Int && from.Kind() <= reflect.Float64:
		if !reflect.ValueOf(data).IsZero() {
			return nil, fmt.Errorf("%v is not a duration: write its unit, e.g. \"5m\"", data)
		}
		return time.Duration(0), nil
	case to.Kind() == reflect.Int64 && to != durationType && from.Kind() == reflect.String:
		return ParseSize(data.(string))
	}
	return data, nil
}
