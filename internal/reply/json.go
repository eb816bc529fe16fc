package reply

import (
	"strconv"

	"github.com/symscore/symscore/protocol"
)

// jsonObject appends one JSON object to b, member by member, with the protocol encoders:
// strings escaped, non-finite numbers written as null. Not for the hot path (it is used by
// the REST replies that describe projects and models).
type jsonObject struct {
	b []byte
	n int // members written
}

// openObject starts an object at the end of b.
func openObject(b []byte) jsonObject { return jsonObject{b: append(b, '{')} }

// close ends the object and returns the extended buffer.
func (o *jsonObject) close() []byte { return append(o.b, '}') }

// key writes the member name; its value must follow.
func (o *jsonObject) key(k string) {
	if o.n > 0 {
		o.b = append(o.b, ',')
	}
	o.n++
	o.b = protocol.AppendJSONString(o.b, k)
	o.b = append(o.b, ':')
}

func (o *jsonObject) str(k, v string) { o.key(k); o.b = protocol.AppendJSONString(o.b, v) }

func (o *jsonObject) num(k string, v float64) { o.key(k); o.b = protocol.AppendFloat(o.b, v) }

func (o *jsonObject) int(k string, v int64) { o.key(k); o.b = strconv.AppendInt(o.b, v, 10) }

func (o *jsonObject) bool(k string, v bool) { o.key(k); o.b = strconv.AppendBool(o.b, v) }

func (o *jsonObject) strs(k string, v []string) { o.key(k); o.b = appendJSONStrings(o.b, v) }

func (o *jsonObject) nums(k string, v []float64) { o.key(k); o.b = appendJSONNumbers(o.b, v) }

func (o *jsonObject) ints(k string, v []int) {
	o.key(k)
	o.b = append(o.b, '[')
	for i, x := range v {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = strconv.AppendInt(o.b, int64(x), 10)
	}
	o.b = append(o.b, ']')
}

// object starts a member whose value is an object; close it with close and give its buffer
// back with end.
func (o *jsonObject) object(k string) jsonObject {
	o.key(k)
	return openObject(o.b)
}

// end takes back the buffer of a nested object that was closed.
func (o *jsonObject) end(b []byte) { o.b = b }

// appendJSONStrings appends a JSON array of strings ([] for none).
func appendJSONStrings(dst []byte, v []string) []byte { return protocol.AppendJSONStrings(dst, v) }

// appendJSONNumbers appends a JSON array of numbers, non-finite ones as null.
func appendJSONNumbers(dst []byte, v []float64) []byte {
	dst = append(dst, '[')
	for i, f := range v {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = protocol.AppendFloat(dst, f)
	}
	return append(dst, ']')
}
