package config

import (
	"reflect"
	"strconv"
	"strings"
	"time"
)

// MaskedSecret replaces every secret in Masked.
const MaskedSecret = "****"

// Masked returns a copy of c with every secret replaced by MaskedSecret, for display.
func (c Config) Masked() Config {
	cs := make([]Customer, len(c.Customers))
	for i, cust := range c.Customers {
		secrets := make([]string, len(cust.Secrets))
		for j := range secrets {
			secrets[j] = MaskedSecret
		}
		cs[i] = Customer{ID: cust.ID, Secrets: secrets}
	}
	c.Customers = cs
	if user, _, ok := SplitNATSCredentials(c.Cluster.Credentials); ok {
		c.Cluster.Credentials = user + ":" + MaskedSecret
	}
	return c
}

// AppendYAML appends c as YAML, every key in declaration order, sizes with their unit and
// durations as text; the result loads back to c. It prints secrets as they are: call it on
// Masked() for display.
func (c Config) AppendYAML(dst []byte) []byte {
	return appendStructYAML(dst, reflect.ValueOf(c), "", "")
}

// appendStructYAML writes the fields of struct v, the first line prefixed by first, the
// others by indent.
func appendStructYAML(dst []byte, v reflect.Value, first, indent string) []byte {
	prefix := first
	for i := range v.NumField() {
		name, ok := fieldKey(v.Type().Field(i))
		if !ok {
			continue
		}
		dst = append(dst, prefix...)
		prefix = indent
		dst = append(dst, name...)
		dst = append(dst, ':')
		f := v.Field(i)
		switch {
		case f.Type() == durationType:
			dst = append(dst, ' ')
			dst = strconv.AppendQuote(dst, time.Duration(f.Int()).String())
			dst = append(dst, '\n')
		case f.Kind() == reflect.Struct:
			dst = append(dst, '\n')
			dst = appendStructYAML(dst, f, indent+"  ", indent+"  ")
		case f.Kind() == reflect.Slice:
			if f.Len() == 0 {
				dst = append(dst, " []\n"...)
				continue
			}
			dst = append(dst, '\n')
			for j := range f.Len() {
				e := f.Index(j)
				if e.Kind() == reflect.Struct {
					dst = appendStructYAML(dst, e, indent+"  - ", indent+"    ")
				} else {
					dst = append(dst, indent+"  - "...)
					dst = appendScalarYAML(dst, e)
					dst = append(dst, '\n')
				}
			}
		default:
			dst = append(dst, ' ')
			dst = appendScalarYAML(dst, f)
			dst = append(dst, '\n')
		}
	}
	return dst
}

func appendScalarYAML(dst []byte, v reflect.Value) []byte {
	switch v.Kind() {
	case reflect.String:
		return strconv.AppendQuote(dst, v.String())
	case reflect.Bool:
		return strconv.AppendBool(dst, v.Bool())
	case reflect.Int64:
		s := FormatSize(v.Int())
		if strings.HasSuffix(s, "B") {
			return strconv.AppendQuote(dst, s)
		}
		return append(dst, s...)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32:
		return strconv.AppendInt(dst, v.Int(), 10)
	}
	panic("config: no YAML form for " + v.Type().String())
}
