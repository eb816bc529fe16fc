package wslink

import (
	"math"
	"strconv"
	"sync/atomic"

	"github.com/tinylib/msgp/msgp"
	"github.com/valyala/fastjson"

	"github.com/symscore/symscore/protocol"
)

// Format is a connection's framing, chosen by its first frame.
type Format uint8

const (
	// FormatUnknown: no frame yet.
	FormatUnknown Format = iota
	// FormatMsgpack is wslink 2.x: MessagePack envelopes in chunked binary frames.
	FormatMsgpack
	// FormatJSON is wslink 1.x: JSON envelopes in text frames, binary data as attachments.
	FormatJSON
)

// Encoder writes one message in a connection's format, value by value: maps and arrays
// are given their length up front (MessagePack needs it) and closed with End (JSON needs
// it). Non-finite numbers are written as nil/null, as in every symscore reply. Binary data
// is a MessagePack bin in 2.x; in 1.x it becomes an attachment, written in the message as
// its key, to be sent before it (Attachments). The zero value is not ready: use Reset.
// Not safe for concurrent use.
type Encoder struct {
	f     Format
	b     []byte
	stack [MaxDepth + 1]level
	depth int
	keys  *atomic.Uint64 // 1.x: the connection's attachment counter
	bins  []Bin          // 1.x: attachments of this message
	fj    fastjson.Parser
	key   []byte // 1.x: scratch for attachment keys
}

// level is an open map or array of a JSON message.
type level struct {
	isMap bool
	n     int // values (map: keys and values) written
}

// Bin is an attachment of a 1.x message: its key and bytes (borrowed from the value).
type Bin struct {
	Key  []byte
	Data []byte
}

// Reset starts a message in format f at the end of dst. keys numbers a 1.x connection's
// attachments (shared by its encoders; nil in 2.x).
func (e *Encoder) Reset(f Format, dst []byte, keys *atomic.Uint64) {
	e.f, e.b, e.depth, e.keys = f, dst, 0, keys
	e.bins = e.bins[:0]
	e.key = e.key[:0]
	e.stack[0] = level{}
}

// Bytes is the message written so far (dst and what was appended).
func (e *Encoder) Bytes() []byte { return e.b }

// Attachments are the 1.x attachments of the message, in the order written.
func (e *Encoder) Attachments() []Bin { return e.bins }

// sep writes what JSON needs before a value: a comma between array elements or map
// members, a colon between a key and its value.
func (e *Encoder) sep() {
	if e.f != FormatJSON || e.depth == 0 {
		return
	}
	l := &e.stack[e.depth]
	switch {
	case l.isMap && l.n%2 == 1:
		e.b = append(e.b, ':')
	case l.n > 0:
		e.b = append(e.b, ',')
	}
	l.n++
}

// Map opens a map of n members.
func (e *Encoder) Map(n int) {
	if e.f == FormatMsgpack {
		e.b = msgp.AppendMapHeader(e.b, uint32(n))
		return
	}
	e.sep()
	e.depth++
	e.stack[e.depth] = level{isMap: true}
	e.b = append(e.b, '{')
}

// Array opens an array of n elements.
func (e *Encoder) Array(n int) {
	if e.f == FormatMsgpack {
		e.b = msgp.AppendArrayHeader(e.b, uint32(n))
		return
	}
	e.sep()
	e.depth++
	e.stack[e.depth] = level{}
	e.b = append(e.b, '[')
}

// End closes the map or array opened last.
func (e *Encoder) End() {
	if e.f == FormatMsgpack {
		return
	}
	if e.stack[e.depth].isMap {
		e.b = append(e.b, '}')
	} else {
		e.b = append(e.b, ']')
	}
	e.depth--
}

// Key writes a map key.
func (e *Encoder) Key(k string) { e.Str(k) }

// Str writes a string.
func (e *Encoder) Str(s string) {
	if e.f == FormatMsgpack {
		e.b = msgp.AppendString(e.b, s)
		return
	}
	e.sep()
	e.b = protocol.AppendJSONString(e.b, s)
}

// StrBytes writes a string given as bytes.
func (e *Encoder) StrBytes(s []byte) {
	if e.f == FormatMsgpack {
		e.b = msgp.AppendStringFromBytes(e.b, s)
		return
	}
	e.sep()
	e.b = protocol.AppendJSONStringBytes(e.b, s)
}

// Int writes an integer.
func (e *Encoder) Int(i int64) {
	if e.f == FormatMsgpack {
		e.b = msgp.AppendInt64(e.b, i)
		return
	}
	e.sep()
	e.b = strconv.AppendInt(e.b, i, 10)
}

// Float writes a number; NaN and ±Inf as nil/null.
func (e *Encoder) Float(f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		e.Nil()
		return
	}
	if e.f == FormatMsgpack {
		e.b = msgp.AppendFloat64(e.b, f)
		return
	}
	e.sep()
	e.b = strconv.AppendFloat(e.b, f, 'g', -1, 64)
}

// Bool writes a boolean.
func (e *Encoder) Bool(v bool) {
	if e.f == FormatMsgpack {
		e.b = msgp.AppendBool(e.b, v)
		return
	}
	e.sep()
	e.b = strconv.AppendBool(e.b, v)
}

// Nil writes nil (null).
func (e *Encoder) Nil() {
	if e.f == FormatMsgpack {
		e.b = msgp.AppendNil(e.b)
		return
	}
	e.sep()
	e.b = append(e.b, "null"...)
}

// BinHeader writes the header of binary data of n bytes, which the caller appends to
// Bytes() itself (2.x only: in place, with no copy). It reports false in 1.x, where binary
// data goes through Bin.
func (e *Encoder) BinHeader(n int) bool {
	if e.f != FormatMsgpack {
		return false
	}
	e.b = msgp.AppendBytesHeader(e.b, uint32(n))
	return true
}

// AppendRaw appends bytes to the message as they are (after BinHeader).
func (e *Encoder) AppendRaw(b []byte) { e.b = append(e.b, b...) }

// SetBytes replaces the message buffer (after the caller appended to Bytes() itself).
func (e *Encoder) SetBytes(b []byte) { e.b = b }

// Bin writes binary data: a bin in 2.x, an attachment key in 1.x (data is then borrowed
// until the message is sent).
func (e *Encoder) Bin(data []byte) {
	if e.f == FormatMsgpack {
		e.b = msgp.AppendBytes(e.b, data)
		return
	}
	start := len(e.key)
	e.key = append(e.key, "wslink_bin"...)
	e.key = strconv.AppendUint(e.key, e.keys.Add(1), 10)
	key := e.key[start:len(e.key):len(e.key)]
	e.bins = append(e.bins, Bin{Key: key, Data: data})
	e.sep()
	e.b = append(e.b, '"')
	e.b = append(e.b, key...)
	e.b = append(e.b, '"')
}

// JSON writes a JSON value given as text (a symscore reply's values): as it is in 1.x,
// transcoded to MessagePack in 2.x (integers as integers, other numbers as floats, null
// as nil). json must be valid JSON.
func (e *Encoder) JSON(json []byte) error {
	if e.f == FormatJSON {
		e.sep()
		e.b = append(e.b, json...)
		return nil
	}
	v, err := e.fj.ParseBytes(json)
	if err != nil {
		return err
	}
	e.jsonValue(v)
	return nil
}

func (e *Encoder) jsonValue(v *fastjson.Value) {
	switch v.Type() {
	case fastjson.TypeNull:
		e.Nil()
	case fastjson.TypeTrue:
		e.Bool(true)
	case fastjson.TypeFalse:
		e.Bool(false)
	case fastjson.TypeNumber:
		if i, err := v.Int64(); err == nil {
			e.Int(i)
		} else {
			e.Float(v.GetFloat64())
		}
	case fastjson.TypeString:
		e.StrBytes(v.GetStringBytes())
	case fastjson.TypeArray:
		items := v.GetArray()
		e.Array(len(items))
		for _, it := range items {
			e.jsonValue(it)
		}
		e.End()
	case fastjson.TypeObject:
		o := v.GetObject()
		e.Map(o.Len())
		o.Visit(func(k []byte, m *fastjson.Value) {
			e.StrBytes(k)
			e.jsonValue(m)
		})
		e.End()
	}
}

// The wslink envelopes. A result or an error is a map of three members, wslink, id and
// result or error; the caller writes the result value (or the error's data value) between
// Begin and End.

// BeginResult opens the result of request id (nil: null).
func (e *Encoder) BeginResult(id []byte) {
	e.Map(3)
	e.Key("wslink")
	e.Str(Version)
	e.Key("id")
	e.id(id)
	e.Key("result")
}

// BeginError opens the error of request id: its code and message, then the caller writes
// its data value.
func (e *Encoder) BeginError(id []byte, code int, message string) {
	e.Map(3)
	e.Key("wslink")
	e.Str(Version)
	e.Key("id")
	e.id(id)
	e.Key("error")
	e.Map(3)
	e.Key("code")
	e.Int(int64(code))
	e.Key("message")
	e.Str(message)
	e.Key("data")
}

// EndError closes an error opened by BeginError.
func (e *Encoder) EndError() {
	e.End()
	e.End()
}

// BeginPublish opens a publication on topic, whose message the caller writes.
func (e *Encoder) BeginPublish(topic string) {
	e.Map(3)
	e.Key("wslink")
	e.Str(Version)
	e.Key("id")
	start := len(e.key)
	e.key = append(e.key, "publish:"...)
	e.key = append(e.key, topic...) // topics are letters, digits, '_' and '.': nothing to escape
	e.key = append(e.key, ":0"...)
	e.StrBytes(e.key[start:])
	e.Key("result")
}

func (e *Encoder) id(id []byte) {
	if id == nil {
		e.Nil()
		return
	}
	e.StrBytes(id)
}

// AppendAttachmentHeader appends the 1.x text message that announces bins:
// {"wslink":"1.0","method":"wslink.binary.attachment","args":[keys]}.
func AppendAttachmentHeader(dst []byte, bins []Bin) []byte {
	dst = append(dst, `{"wslink":"1.0","method":"wslink.binary.attachment","args":[`...)
	for i, b := range bins {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '"')
		dst = append(dst, b.Key...)
		dst = append(dst, '"')
	}
	return append(dst, "]}"...)
}
