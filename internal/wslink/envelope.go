package wslink

import (
	"fmt"
	"strconv"

	"github.com/tinylib/msgp/msgp"
	"github.com/valyala/fastjson"

	"github.com/symscore/symscore/jsonstrict"
)

// Bounds of an envelope's id and method name.
const (
	MaxIDBytes     = 256
	MaxMethodBytes = 128
)

// Version is the only envelope version ("wslink":"1.0").
const Version = "1.0"

// MethodAttachment is the method of a wslink 1.x attachment header (a message without id).
const MethodAttachment = "wslink.binary.attachment"

// Envelope is a decoded request, {"wslink":"1.0","id":..,"method":..,"args":[..],"kwargs":{}}.
// It borrows the message and the Decoder's memory: valid until the Decoder's next decode.
type Envelope struct {
	// ID is the request id (a string), nil when the message has none (a 1.x attachment
	// header, or a message that cannot be answered).
	ID []byte
	// Method names the method.
	Method []byte
	// Args are the positional arguments.
	Args []Value
	// Kwargs is the number of keyword arguments (symscore takes none).
	Kwargs int
}

// EnvelopeError is a message that is not a request envelope. ID is its id when it could
// be read (the error can then be answered), nil otherwise.
type EnvelopeError struct {
	ID  []byte
	Msg string
}

func (e *EnvelopeError) Error() string { return e.Msg }

// Decoder decodes the envelopes of one connection. Not safe for concurrent use.
type Decoder struct {
	env  Envelope
	fj   fastjson.Parser
	seen [5]bool
}

// envelopeKeys are the keys of an envelope, in the order of Decoder.seen.
var envelopeKeys = [...]string{"wslink", "id", "method", "args", "kwargs"}

// Msgpack decodes a wslink 2.x message (a whole, reassembled MessagePack map). The whole
// message is checked first (mpSkip): lengths, UTF-8, string keys, nesting, no extension
// type, nothing after the map.
func (d *Decoder) Msgpack(msg []byte) (*Envelope, error) {
	d.reset()
	rest, err := mpSkip(msg, 0)
	if err != nil {
		return nil, &EnvelopeError{Msg: "the message is not MessagePack: " + err.Error()}
	}
	if len(rest) > 0 {
		return nil, &EnvelopeError{Msg: strconv.Itoa(len(rest)) + " bytes after the message's MessagePack value"}
	}
	if msgp.NextType(msg) != msgp.MapType {
		return nil, &EnvelopeError{Msg: "the message is " + Value{mp: msg}.Kind().String() + ", not a map"}
	}
	var members [len(envelopeKeys)]Member
	n, body, _ := msgp.ReadMapHeaderBytes(msg)
	if int(n) > len(envelopeKeys) {
		return nil, d.fail("the message has " + strconv.Itoa(int(n)) + " keys; an envelope's are wslink, id, method, args, kwargs")
	}
	for i := range n {
		k, after, _ := msgp.ReadStringZC(body)
		members[i] = Member{Key: k, Val: Value{mp: after}}
		body = mpNext(after)
	}
	return d.members(members[:n])
}

// JSON decodes a wslink 1.x text message. Strings equal to the keys of att stand for
// those attachments (att may be nil).
func (d *Decoder) JSON(msg []byte, att *Attachments) (*Envelope, error) {
	d.reset()
	v, err := d.fj.ParseBytes(msg)
	if err != nil {
		return nil, &EnvelopeError{Msg: "the message is not JSON: " + err.Error()}
	}
	if err := jsonstrict.CheckEscapes(msg); err != nil {
		return nil, &EnvelopeError{Msg: "the message is not JSON: " + err.Error()}
	}
	o, err := v.Object()
	if err != nil {
		return nil, &EnvelopeError{Msg: "the message is " + Value{js: v}.Kind().String() + ", not an object"}
	}
	if o.Len() > len(envelopeKeys) {
		return nil, d.fail("the message has " + strconv.Itoa(o.Len()) + " keys; an envelope's are wslink, id, method, args, kwargs")
	}
	var members [len(envelopeKeys)]Member
	n := 0
	o.Visit(func(k []byte, e *fastjson.Value) {
		members[n] = Member{Key: k, Val: Value{js: e, att: att}}
		n++
	})
	if err := checkDepth(v, 0); err != nil {
		return nil, d.fail(err.Error())
	}
	return d.members(members[:n])
}

// checkDepth refuses JSON nested deeper than MaxDepth.
func checkDepth(v *fastjson.Value, depth int) error {
	if depth > MaxDepth {
		return fmt.Errorf("values nested deeper than %d", MaxDepth)
	}
	switch v.Type() {
	case fastjson.TypeArray:
		for _, e := range v.GetArray() {
			if err := checkDepth(e, depth+1); err != nil {
				return err
			}
		}
	case fastjson.TypeObject:
		var err error
		v.GetObject().Visit(func(_ []byte, e *fastjson.Value) {
			if err == nil {
				err = checkDepth(e, depth+1)
			}
		})
		return err
	}
	return nil
}

func (d *Decoder) reset() {
	d.env = Envelope{Args: d.env.Args[:0]}
	d.seen = [5]bool{}
}

// fail is the error of an envelope whose id, if read already, can be answered.
func (d *Decoder) fail(msg string) *EnvelopeError { return &EnvelopeError{ID: d.env.ID, Msg: msg} }

// members reads an envelope's members: the id first, so that an error can be answered.
func (d *Decoder) members(ms []Member) (*Envelope, error) {
	for _, m := range ms {
		if string(m.Key) == "id" {
			if id, ok := m.Val.Str(); ok && len(id) <= MaxIDBytes {
				d.env.ID = id
			}
		}
	}
	e := &d.env
	for _, m := range ms {
		k := -1
		for i, name := range envelopeKeys {
			if string(m.Key) == name {
				k = i
			}
		}
		switch {
		case k < 0:
			return nil, d.fail("unknown envelope key " + strconv.Quote(clip(m.Key)) + "; an envelope's keys are wslink, id, method, args, kwargs")
		case d.seen[k]:
			return nil, d.fail("envelope key " + envelopeKeys[k] + " appears twice")
		}
		d.seen[k] = true
		v := m.Val
		switch k {
		case 0:
			if s, ok := v.Str(); !ok || string(s) != Version {
				return nil, d.fail(`"wslink" must be "1.0"`)
			}
		case 1:
			s, ok := v.Str()
			switch {
			case !ok:
				return nil, &EnvelopeError{Msg: `"id" must be a string, not ` + v.Kind().String()}
			case len(s) > MaxIDBytes:
				return nil, &EnvelopeError{Msg: `"id" is longer than ` + strconv.Itoa(MaxIDBytes) + ` bytes`}
			}
		case 2:
			s, ok := v.Str()
			switch {
			case !ok:
				return nil, d.fail(`"method" must be a string, not ` + v.Kind().String())
			case len(s) == 0 || len(s) > MaxMethodBytes:
				return nil, d.fail(`"method" must be 1 to ` + strconv.Itoa(MaxMethodBytes) + ` bytes`)
			}
			e.Method = s
		case 3:
			args, ok := v.AppendElems(e.Args[:0])
			if !ok {
				return nil, d.fail(`"args" must be an array, not ` + v.Kind().String())
			}
			e.Args = args
		case 4:
			if v.Kind() != KindMap {
				return nil, d.fail(`"kwargs" must be a map, not ` + v.Kind().String())
			}
			e.Kwargs = v.Len()
		}
	}
	if !d.seen[0] {
		return nil, d.fail(`the message has no "wslink":"1.0"`)
	}
	if !d.seen[2] {
		return nil, d.fail(`the message has no "method"`)
	}
	return e, nil
}

// clip is at most 40 bytes of b.
func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}
