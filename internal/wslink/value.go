package wslink

import (
	"errors"
	"math"

	"github.com/tinylib/msgp/msgp"
	"github.com/valyala/fastjson"

	"github.com/symscore/symscore/protocol"
)

// Kind is the kind of a Value.
type Kind uint8

// The kinds of values.
const (
	KindInvalid Kind = iota
	KindNil
	KindBool
	KindNumber
	KindString
	KindBytes
	KindArray
	KindMap
)

var kindNames = [...]string{"nothing", "null", "a boolean", "a number", "a string", "binary data", "an array", "a map"}

// String names the kind for messages ("a string", "binary data", ...).
func (k Kind) String() string { return kindNames[k] }

// Value is one value of a call: a MessagePack value of a wslink 2.x message, or a JSON
// value of a wslink 1.x message, read through the same methods. Binary data is a
// MessagePack bin in 2.x, and in 1.x a string naming an attachment the client sent before
// the message (Attachments). A Value borrows the message it comes from and is valid as
// long as it; the zero Value is KindInvalid.
type Value struct {
	mp  []byte          // 2.x: the (checked) encoding, starting at the value
	js  *fastjson.Value // 1.x
	att *Attachments    // 1.x: what attachment keys stand for
}

// Member is one member of a map.
type Member struct {
	Key []byte
	Val Value
}

// Kind is v's kind.
func (v Value) Kind() Kind {
	if v.js != nil {
		switch v.js.Type() {
		case fastjson.TypeNull:
			return KindNil
		case fastjson.TypeTrue, fastjson.TypeFalse:
			return KindBool
		case fastjson.TypeNumber:
			return KindNumber
		case fastjson.TypeString:
			if _, ok := v.att.Lookup(v.js.GetStringBytes()); ok {
				return KindBytes
			}
			return KindString
		case fastjson.TypeArray:
			return KindArray
		case fastjson.TypeObject:
			return KindMap
		}
		return KindInvalid
	}
	if len(v.mp) == 0 {
		return KindInvalid
	}
	switch msgp.NextType(v.mp) {
	case msgp.NilType:
		return KindNil
	case msgp.BoolType:
		return KindBool
	case msgp.IntType, msgp.UintType, msgp.Float32Type, msgp.Float64Type:
		return KindNumber
	case msgp.StrType:
		return KindString
	case msgp.BinType:
		return KindBytes
	case msgp.ArrayType:
		return KindArray
	case msgp.MapType:
		return KindMap
	}
	return KindInvalid
}

// Str returns a string's bytes (unescaped; aliasing the message or the JSON parser's
// memory), or false when v is not a string.
func (v Value) Str() ([]byte, bool) {
	if v.js != nil {
		if v.js.Type() != fastjson.TypeString {
			return nil, false
		}
		return v.js.GetStringBytes(), true
	}
	s, _, err := msgp.ReadStringZC(v.mp)
	return s, err == nil
}

// Float returns a number (an integer or a float alike), or false.
func (v Value) Float() (float64, bool) {
	if v.js != nil {
		f, err := v.js.Float64()
		return f, err == nil
	}
	f, _, _, ok := mpNumber(v.mp)
	return f, ok
}

// Int returns a whole number: an integer, or a float with no fraction within ±2⁵³ (JSON
// has only numbers; JavaScript's MessagePack encoder writes 1.0 as 1 but another client
// may write 1000 as 1000.0); false for anything else.
func (v Value) Int() (int64, bool) {
	if v.js == nil {
		f, i, isInt, ok := mpNumber(v.mp)
		if isInt || !ok {
			return i, ok
		}
		return wholeNumber(f)
	}
	f, ok := v.Float()
	if !ok {
		return 0, false
	}
	return wholeNumber(f)
}

func wholeNumber(f float64) (int64, bool) {
	if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// Bool returns a boolean, or false, false.
func (v Value) Bool() (b, ok bool) {
	if v.js != nil {
		switch v.js.Type() {
		case fastjson.TypeTrue:
			return true, true
		case fastjson.TypeFalse:
			return false, true
		}
		return false, false
	}
	b, _, err := msgp.ReadBoolBytes(v.mp)
	return b, err == nil
}

// Bytes returns binary data (aliasing the message, or the attachment), or false.
func (v Value) Bytes() ([]byte, bool) {
	if v.js != nil {
		if v.js.Type() != fastjson.TypeString {
			return nil, false
		}
		return v.att.Lookup(v.js.GetStringBytes())
	}
	b, _, err := msgp.ReadBytesZC(v.mp)
	return b, err == nil
}

// AppendElems appends an array's elements to dst, or returns false when v is not an array.
func (v Value) AppendElems(dst []Value) ([]Value, bool) {
	if v.js != nil {
		items, err := v.js.Array()
		if err != nil {
			return dst, false
		}
		for _, it := range items {
			dst = append(dst, Value{js: it, att: v.att})
		}
		return dst, true
	}
	n, rest, err := msgp.ReadArrayHeaderBytes(v.mp)
	if err != nil {
		return dst, false
	}
	for range n {
		dst = append(dst, Value{mp: rest})
		rest = mpNext(rest)
	}
	return dst, true
}

// Len is the number of an array's elements or a map's members (0 for other kinds).
func (v Value) Len() int {
	if v.js != nil {
		switch v.js.Type() {
		case fastjson.TypeArray:
			return len(v.js.GetArray())
		case fastjson.TypeObject:
			return v.js.GetObject().Len()
		}
		return 0
	}
	switch msgp.NextType(v.mp) {
	case msgp.ArrayType:
		n, _, _ := msgp.ReadArrayHeaderBytes(v.mp)
		return int(n)
	case msgp.MapType:
		n, _, _ := msgp.ReadMapHeaderBytes(v.mp)
		return int(n)
	}
	return 0
}

// AppendMembers appends a map's members, in order, to dst, or returns false when v is not a
// map. Keys may repeat: the caller decides.
func (v Value) AppendMembers(dst []Member) ([]Member, bool) {
	if v.js != nil {
		o, err := v.js.Object()
		if err != nil {
			return dst, false
		}
		att := v.att
		o.Visit(func(k []byte, e *fastjson.Value) {
			dst = append(dst, Member{Key: k, Val: Value{js: e, att: att}})
		})
		return dst, true
	}
	n, rest, err := msgp.ReadMapHeaderBytes(v.mp)
	if err != nil {
		return dst, false
	}
	for range n {
		k, after, _ := msgp.ReadStringZC(rest)
		dst = append(dst, Member{Key: k, Val: Value{mp: after}})
		rest = mpNext(after)
	}
	return dst, true
}

// AppendJSON appends v as JSON text (a DataFrame or an MLContext for the parsers of
// package dataframe and model): in 1.x the value as received, re-encoded; in 2.x the
// MessagePack value transcoded (NaN as null; binary data, an infinite float and a value
// nested past MaxDepth refused).
func (v Value) AppendJSON(dst []byte) ([]byte, error) {
	if v.js != nil {
		return appendJSONValue(dst, v.js, v.att)
	}
	dst, _, err := appendMPAsJSON(dst, v.mp, 0)
	return dst, err
}

// errBinaryInJSON refuses binary data where a JSON value is expected.
var errBinaryInJSON = errors.New("binary data where a JSON value is expected")

// appendJSONValue appends a parsed JSON value as JSON, strings and keys escaped by the
// protocol's encoder (fastjson's MarshalTo writes some control characters in keys as Go
// escapes, which JSON does not have). A string that stands for an attachment of att is
// binary data, refused as in 2.x.
func appendJSONValue(dst []byte, v *fastjson.Value, att *Attachments) ([]byte, error) {
	var err error
	switch v.Type() {
	case fastjson.TypeString:
		if _, ok := att.Lookup(v.GetStringBytes()); ok {
			return dst, errBinaryInJSON
		}
		return protocol.AppendJSONStringBytes(dst, v.GetStringBytes()), nil
	case fastjson.TypeArray:
		dst = append(dst, '[')
		for i, e := range v.GetArray() {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = appendJSONValue(dst, e, att); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	case fastjson.TypeObject:
		dst = append(dst, '{')
		n := 0
		v.GetObject().Visit(func(k []byte, e *fastjson.Value) {
			if err != nil {
				return
			}
			if n > 0 {
				dst = append(dst, ',')
			}
			n++
			dst = protocol.AppendJSONStringBytes(dst, k)
			dst = append(dst, ':')
			dst, err = appendJSONValue(dst, e, att)
		})
		return append(dst, '}'), err
	}
	return v.MarshalTo(dst), nil // numbers as received, true, false, null
}
