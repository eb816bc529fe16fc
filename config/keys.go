package config

import (
	"reflect"
	"strings"
	"time"
)

// EnvPrefix prefixes every environment variable symscore reads: the key limits.max_rows is
// SYMSCORE_LIMITS_MAX_ROWS. Every SYMSCORE_* variable must name a key; others are errors.
const EnvPrefix = "SYMSCORE"

// key is one leaf configuration key, as written in YAML, with its environment variable.
type key struct {
	Name string // dotted, e.g. "limits.max_rows"
	Env  string // e.g. "SYMSCORE_LIMITS_MAX_ROWS"; "" when the key is file-only
}

// keys lists every leaf key of Config in declaration order. Lists of structures
// (customers) are file-only: an environment variable cannot express them.
var keys = structKeys(reflect.TypeFor[Config](), "")

// sections are the keys that hold nested keys (e.g. "limits").
var sections = structSections(reflect.TypeFor[Config](), "")

func structKeys(t reflect.Type, prefix string) []key {
	var out []key
	for i := range t.NumField() {
		f := t.Field(i)
		name, ok := fieldKey(f)
		if !ok {
			continue
		}
		full := prefix + name
		switch {
		case f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[time.Duration]():
			out = append(out, structKeys(f.Type, full+".")...)
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			out = append(out, key{Name: full})
		default:
			out = append(out, key{Name: full, Env: envName(full)})
		}
	}
	return out
}

func structSections(t reflect.Type, prefix string) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, ok := fieldKey(f)
		if !ok || f.Type.Kind() != reflect.Struct {
			continue
		}
		out = append(out, prefix+name)
		out = append(out, structSections(f.Type, prefix+name+".")...)
	}
	return out
}

// fieldKey is the mapstructure key of f; false for fields that are not configuration keys.
func fieldKey(f reflect.StructField) (string, bool) {
	tag := f.Tag.Get("mapstructure")
	name, _, _ := strings.Cut(tag, ",")
	if name == "" || name == "-" || !f.IsExported() {
		return "", false
	}
	return name, true
}

// envName is the environment variable of a dotted key.
func envName(dotted string) string {
	return EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(dotted, ".", "_"))
}
