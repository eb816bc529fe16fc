package client

import (
	"sort"
	"strconv"

	"github.com/symscore/symscore/protocol"
)

// MLContext names the attributes a build or an exploration works on, and its parameters
// (docs/protocol.md 2). Attributes are given by name or by project index (ProjectInfo's
// attribute order), not both: the server refuses a context that mixes them.
type MLContext struct {
	Inputs  []string // input attribute names: "inputAttributeNames"
	Targets []string // target attribute names: "targetAttributeNames"
	// InputIndexes and TargetIndexes are project indexes: "inputAttributes", "targets".
	InputIndexes  []int
	TargetIndexes []int
	// Params are the "extraParameters", e.g. {"alpha": "1.0"} for ridge.
	Params map[string]string
}

// AppendJSON appends the context as JSON, leaving out empty lists;
// "extraParameters" is always present, its keys sorted.
func (m MLContext) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	dst = appendIndexList(dst, "targets", m.TargetIndexes)
	dst = appendIndexList(dst, "inputAttributes", m.InputIndexes)
	dst = appendNameList(dst, "targetAttributeNames", m.Targets)
	dst = appendNameList(dst, "inputAttributeNames", m.Inputs)
	dst = append(dst, `"extraParameters":`...)
	dst = appendStringMap(dst, m.Params)
	return append(dst, '}')
}

// MarshalJSON is AppendJSON for encoding/json.
func (m MLContext) MarshalJSON() ([]byte, error) { return m.AppendJSON(nil), nil }

func appendIndexList(dst []byte, key string, idx []int) []byte {
	if len(idx) == 0 {
		return dst
	}
	dst = append(dst, '"')
	dst = append(dst, key...)
	dst = append(dst, `":[`...)
	for i, x := range idx {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '"')
		dst = strconv.AppendInt(dst, int64(x), 10)
		dst = append(dst, '"')
	}
	return append(dst, "],"...)
}

func appendNameList(dst []byte, key string, names []string) []byte {
	if len(names) == 0 {
		return dst
	}
	dst = append(dst, '"')
	dst = append(dst, key...)
	dst = append(dst, `":`...)
	dst = appendStrings(dst, names)
	return append(dst, ',')
}

// appendStrings appends a JSON array of strings.
func appendStrings(dst []byte, ss []string) []byte {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = protocol.AppendJSONString(dst, s)
	}
	return append(dst, ']')
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// appendStringMap appends m as a JSON object of strings, keys sorted.
func appendStringMap(dst []byte, m map[string]string) []byte {
	dst = append(dst, '{')
	for i, k := range sortedKeys(m) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = protocol.AppendJSONString(dst, k)
		dst = append(dst, ':')
		dst = protocol.AppendJSONString(dst, m[k])
	}
	return append(dst, '}')
}
