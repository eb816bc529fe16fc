package protocol

import (
	"math"
	"unicode/utf8"
	"unsafe"
)

const hexDigits = "0123456789abcdef"

// jsonSafe[b] is true for the ASCII bytes written as they are inside a JSON string.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\'
	}
	return t
}()

// AppendJSONString appends s to dst as a quoted JSON string and returns the result.
// It escapes '"', '\\', every control character (U+0000–U+001F) and U+2028/U+2029 (which
// JavaScript does not allow raw in strings); it writes invalid UTF-8 as U+FFFD.
// It allocates only when dst must grow.
func AppendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0 // s[start:i] is pending, to be copied as is
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\ufffd"...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendJSONStringBytes is AppendJSONString for a byte slice. b is only read.
func AppendJSONStringBytes(dst []byte, b []byte) []byte {
	return AppendJSONString(dst, unsafe.String(unsafe.SliceData(b), len(b)))
}

// AppendFloat appends f as a JSON number, exactly as strconv.AppendFloat(dst, f, 'g', -1,
// 64) writes it (the shortest representation that round-trips; appendShortest), and
// returns the result. NaN and ±Inf are written as null.
func AppendFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	return appendShortest(dst, f)
}

// AppendFloatString appends f as a JSON string holding the number, e.g. "0.29", the way
// KSVSMap values are written (the digits of AppendFloat). NaN and ±Inf are written as null
// (no quotes).
func AppendFloatString(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	dst = append(dst, '"')
	dst = appendShortest(dst, f)
	return append(dst, '"')
}

// AppendJSONStrings appends a JSON array of the strings v ([] for none), each as
// AppendJSONString writes it.
func AppendJSONStrings(dst []byte, v []string) []byte {
	dst = append(dst, '[')
	for i, s := range v {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendJSONString(dst, s)
	}
	return append(dst, ']')
}
