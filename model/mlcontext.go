package model

import (
	"strconv"
	"strings"

	"github.com/valyala/fastjson"

	"github.com/symscore/symscore/jsonstrict"
)

// MLContext names the attributes a build or an exploration works on, and its parameters.
// Attributes are given by project index (Inputs, Targets: decimal strings) or by name
// (InputNames, TargetNames), not both.
type MLContext struct {
	Targets     []string
	Inputs      []string
	TargetNames []string
	InputNames  []string
	// Extra holds extraParameters, e.g. "alpha": "1.0".
	Extra map[string]string
}

// maxQuote is how many bytes of client input an error message quotes.
const maxQuote = 40

// quote quotes s for an error message, cut at maxQuote bytes.
func quote(s string) string {
	if len(s) > maxQuote {
		return strconv.Quote(s[:maxQuote]) + "..."
	}
	return strconv.Quote(s)
}

// ParseMLContext parses one MLContext JSON object:
//
//	{"targets":["12"],"inputAttributes":["0","1"],"extraParameters":{"alpha":"1.0"}}
//
// plus the optional "inputAttributeNames" and "targetAttributeNames". Indexes may be JSON
// strings or numbers; extraParameters values may be strings, numbers or booleans (kept as
// their JSON text). null stands for an absent field. As every JSON object symscore reads
// (package jsonstrict), it refuses any other key, a key that appears twice (in
// extraParameters too) and a string escape JSON does not define. Errors are *Error.
func ParseMLContext(body []byte) (MLContext, error) {
	var p fastjson.Parser
	v, err := p.ParseBytes(body)
	if err != nil {
		return MLContext{}, errorf("MLContext is not valid JSON: %v", err)
	}
	if err := jsonstrict.CheckEscapes(body); err != nil {
		return MLContext{}, errorf("MLContext is not valid JSON: %v", err)
	}
	return mlContextFromValue(v)
}

// mlContextKeys are the keys of an MLContext object.
var mlContextKeys = []string{"targets", "inputAttributes", "targetAttributeNames", "inputAttributeNames", "extraParameters"}

// mlContextFromValue reads an MLContext from a parsed JSON value (also used for the
// "values" list of an exploration request). The result copies everything it keeps.
func mlContextFromValue(v *fastjson.Value) (MLContext, error) {
	var c MLContext
	o, err := v.Object()
	if err != nil {
		return c, errorf("MLContext must be a JSON object, not %s", v.Type())
	}
	if err := jsonstrict.CheckKeys(o, "MLContext", mlContextKeys...); err != nil {
		return c, errorf("%v", err)
	}
	lists := []struct {
		key   string
		dst   *[]string
		index bool
	}{
		{"targets", &c.Targets, true},
		{"inputAttributes", &c.Inputs, true},
		{"targetAttributeNames", &c.TargetNames, false},
		{"inputAttributeNames", &c.InputNames, false},
	}
	for _, l := range lists {
		f := o.Get(l.key)
		if f == nil || f.Type() == fastjson.TypeNull {
			continue
		}
		a, err := f.Array()
		if err != nil {
			return c, errorf("MLContext %q must be an array, not %s", l.key, f.Type())
		}
		out := make([]string, 0, len(a))
		for i, e := range a {
			s, ok := listItem(e, l.index)
			if !ok {
				if l.index {
					return c, errorf("MLContext %q[%d] must be an attribute index (string or number), not %s", l.key, i, e.Type())
				}
				return c, errorf("MLContext %q[%d] must be a string, not %s", l.key, i, e.Type())
			}
			out = append(out, s)
		}
		*l.dst = out
	}
	if f := o.Get("extraParameters"); f != nil && f.Type() != fastjson.TypeNull {
		eo, err := f.Object()
		if err != nil {
			return c, errorf("MLContext \"extraParameters\" must be an object, not %s", f.Type())
		}
		if err := jsonstrict.CheckNoDuplicateKeys(eo, "extraParameters"); err != nil {
			return c, errorf("%v", err)
		}
		c.Extra = make(map[string]string, eo.Len())
		eo.Visit(func(k []byte, e *fastjson.Value) {
			if err != nil {
				return
			}
			switch e.Type() {
			case fastjson.TypeString:
				c.Extra[string(k)] = string(e.GetStringBytes())
			case fastjson.TypeNumber, fastjson.TypeTrue, fastjson.TypeFalse:
				c.Extra[string(k)] = e.String()
			case fastjson.TypeNull:
			default:
				err = errorf("extra parameter %s must be a string or a number, not %s", quote(string(k)), e.Type())
			}
		})
		if err != nil {
			return MLContext{}, err
		}
	}
	return c, nil
}

// listItem returns the text of one list element: a string, or for index lists also a
// number (its JSON text).
func listItem(e *fastjson.Value, index bool) (string, bool) {
	switch e.Type() {
	case fastjson.TypeString:
		return string(e.GetStringBytes()), true
	case fastjson.TypeNumber:
		return e.String(), index
	}
	return "", false
}

// resolved is an MLContext resolved against a snapshot.
type resolved struct {
	inputs  []int
	targets []int
	// partition is set when the target is the partition column itself (classes are the
	// partitions); targets then holds its T-derived columns, if it has any.
	partition bool
}

// Resolve maps the context's attributes to project indexes. Attributes come by index or by
// name, not both. A T attribute's base name stands for all its "name$value" columns, in
// project order. Out-of-range indexes, unknown names, an attribute given twice and an
// attribute both input and target are errors (*Error). Empty lists are not errors here:
// each build or exploration says what it needs.
func (c MLContext) Resolve(s *Snapshot) (inputs, targets []int, err error) {
	r, err := c.resolve(s)
	if err != nil {
		return nil, nil, err
	}
	if r.partition && len(r.targets) == 0 {
		return nil, nil, errorf("%s is the partition column, not an attribute: only mlda, mqda and bayes take it as target", quote(s.PartitionColumn))
	}
	return r.inputs, r.targets, nil
}

func (c MLContext) resolve(s *Snapshot) (resolved, error) {
	var r resolved
	byIndex := len(c.Inputs) > 0 || len(c.Targets) > 0
	byName := len(c.InputNames) > 0 || len(c.TargetNames) > 0
	if byIndex && byName {
		return r, errorf("give attributes by index (inputAttributes, targets) or by name (inputAttributeNames, targetAttributeNames), not both")
	}
	var err error
	if byIndex {
		if r.inputs, err = indexes(s, "input", c.Inputs); err != nil {
			return r, err
		}
		if r.targets, err = indexes(s, "target", c.Targets); err != nil {
			return r, err
		}
	} else {
		if r.inputs, _, err = names(s, "input", c.InputNames); err != nil {
			return r, err
		}
		if r.targets, r.partition, err = names(s, "target", c.TargetNames); err != nil {
			return r, err
		}
	}
	seen := make(map[int]string, len(r.inputs)+len(r.targets))
	for _, l := range []struct {
		role string
		idx  []int
	}{{"input", r.inputs}, {"target", r.targets}} {
		for _, i := range l.idx {
			switch prev, ok := seen[i]; {
			case ok && prev == l.role:
				return r, errorf("%s attribute %s is given twice", l.role, quote(s.Names[i]))
			case ok:
				return r, errorf("attribute %s is both an input and a target", quote(s.Names[i]))
			}
			seen[i] = l.role
		}
	}
	if r.partition {
		for _, i := range r.inputs {
			if baseName(s, i) == s.PartitionColumn {
				return r, errorf("input %s is a column of the partition column %s, the target", quote(s.Names[i]), quote(s.PartitionColumn))
			}
		}
	}
	return r, nil
}

// indexes parses decimal attribute indexes.
func indexes(s *Snapshot, role string, list []string) ([]int, error) {
	out := make([]int, 0, len(list))
	for _, t := range list {
		i, err := strconv.Atoi(t)
		if err != nil || strings.HasPrefix(t, "+") {
			return nil, errorf("%s attribute index %s is not an integer", role, quote(t))
		}
		if i < 0 || i >= len(s.Names) {
			return nil, errorf("%s attribute index %d is out of range (the project has %d attributes)", role, i, len(s.Names))
		}
		out = append(out, i)
	}
	return out, nil
}

// names looks attribute names up. An exact attribute name wins; otherwise a T base name
// expands into its columns; a target may also be the partition column.
func names(s *Snapshot, role string, list []string) (idx []int, partition bool, err error) {
	for _, name := range list {
		if i, ok := s.Index(name); ok {
			idx = append(idx, i)
			continue
		}
		n := len(idx)
		for i, b := range s.Base {
			if b == name && b != "" {
				idx = append(idx, i)
			}
		}
		isPartition := role == "target" && s.PartitionColumn != "" && name == s.PartitionColumn
		if isPartition {
			partition = true
		}
		if len(idx) == n && !isPartition {
			return nil, false, errorf("unknown %s attribute %s", role, quote(name))
		}
	}
	return idx, partition, nil
}

// baseName is the T base name of project attribute i, "" for C and B attributes.
func baseName(s *Snapshot, i int) string {
	if i < len(s.Base) {
		return s.Base[i]
	}
	return ""
}
