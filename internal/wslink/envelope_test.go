package wslink

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tinylib/msgp/msgp"

	"github.com/symscore/symscore/internal/testenv"
)

// mp encodes v (maps, slices, strings, numbers, []byte, nil) as MessagePack.
func mp(t testing.TB, v any) []byte {
	t.Helper()
	b, err := msgp.AppendIntf(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// request is an envelope as wslink's client writes it.
func request(id, method string, args ...any) map[string]any {
	if args == nil {
		args = []any{}
	}
	return map[string]any{"wslink": "1.0", "id": id, "method": method, "args": args, "kwargs": map[string]any{}}
}

// TestDecodeBothFormats: the same request in MessagePack and in JSON decodes to the same
// id, method and argument values.
func TestDecodeBothFormats(t *testing.T) {
	args := []any{"p", 1000, 2.5, true, nil, []any{"a", "b"}, map[string]any{"k": "v"}}
	req := request("rpc:c1:7", "symscore.predict", args...)
	js, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	var d Decoder
	for name, decode := range map[string]func() (*Envelope, error){
		"msgpack": func() (*Envelope, error) { return d.Msgpack(mp(t, req)) },
		"json":    func() (*Envelope, error) { return d.JSON(js, nil) },
	} {
		e, err := decode()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if string(e.ID) != "rpc:c1:7" || string(e.Method) != "symscore.predict" || len(e.Args) != 7 || e.Kwargs != 0 {
			t.Fatalf("%s: %q %q %d args", name, e.ID, e.Method, len(e.Args))
		}
		a := e.Args
		if s, ok := a[0].Str(); !ok || string(s) != "p" {
			t.Errorf("%s: args[0] %q", name, s)
		}
		if i, ok := a[1].Int(); !ok || i != 1000 {
			t.Errorf("%s: args[1] %d", name, i)
		}
		if f, ok := a[2].Float(); !ok || f != 2.5 {
			t.Errorf("%s: args[2] %v", name, f)
		}
		if _, ok := a[2].Int(); ok {
			t.Errorf("%s: 2.5 read as an integer", name)
		}
		if b, ok := a[3].Bool(); !ok || !b {
			t.Errorf("%s: args[3]", name)
		}
		if a[4].Kind() != KindNil || a[5].Kind() != KindArray || a[6].Kind() != KindMap || a[5].Len() != 2 || a[6].Len() != 1 {
			t.Errorf("%s: kinds %v %v %v", name, a[4].Kind(), a[5].Kind(), a[6].Kind())
		}
		elems, _ := a[5].AppendElems(nil)
		if s, _ := elems[1].Str(); string(s) != "b" {
			t.Errorf("%s: elems %v", name, elems)
		}
		ms, _ := a[6].AppendMembers(nil)
		if v, _ := ms[0].Val.Str(); len(ms) != 1 || string(ms[0].Key) != "k" || string(v) != "v" {
			t.Errorf("%s: members %v", name, ms)
		}
		j, err := a[6].AppendJSON(nil)
		if err != nil || string(j) != `{"k":"v"}` {
			t.Errorf("%s: JSON %s %v", name, j, err)
		}
	}
}

// TestNumbersAsIntegersOrFloats: any numeric field accepts integers and floats alike; a
// float is a whole number only without a fraction.
func TestNumbersAsIntegersOrFloats(t *testing.T) {
	var d Decoder
	for _, c := range []struct {
		v     any
		whole bool
		want  int64
	}{
		{int64(1000), true, 1000}, {uint64(7), true, 7}, {float64(1000), true, 1000}, {float32(3), true, 3},
		{1.5, false, 0}, {math.NaN(), false, 0}, {math.Inf(1), false, 0}, {uint64(math.MaxUint64), false, 0}, {"1", false, 0},
	} {
		e, err := d.Msgpack(mp(t, request("i", "m", c.v)))
		if err != nil {
			t.Fatal(err)
		}
		got, ok := e.Args[0].Int()
		if ok != c.whole || got != c.want {
			t.Errorf("%v (%T): %d %v, want %d %v", c.v, c.v, got, ok, c.want, c.whole)
		}
	}
}

// TestEnvelopeRefusals: what is not an envelope is refused with a message, and with the id
// when the id could be read.
func TestEnvelopeRefusals(t *testing.T) {
	var d Decoder
	deep := any("x")
	for range MaxDepth + 2 {
		deep = []any{deep}
	}
	ext := append(mp(t, map[string]any{"wslink": "1.0", "id": "i", "method": "m"})[:0:0], 0x84)
	ext = append(ext, mp(t, "wslink")...)
	ext = append(ext, mp(t, "1.0")...)
	ext = append(ext, mp(t, "id")...)
	ext = append(ext, mp(t, "i")...)
	ext = append(ext, mp(t, "method")...)
	ext = append(ext, mp(t, "m")...)
	ext = append(ext, mp(t, "args")...)
	ext = append(ext, 0x91, 0xd4, 0x01, 0x02) // [fixext1]
	badUTF8 := bytes.Replace(mp(t, request("i", "m", "zzzz")), []byte("zzzz"), []byte("z\xffzz"), 1)
	cases := []struct {
		name  string
		msg   []byte
		id    string
		wants string
	}{
		{"not MessagePack", []byte{0xc1}, "", "not MessagePack"},
		{"truncated", mp(t, request("i", "m"))[:20], "", "ends inside a value"},
		{"trailing bytes", append(mp(t, request("i", "m")), 0xc0), "", "1 bytes after"},
		{"not a map", mp(t, []any{"x"}), "", "an array, not a map"},
		{"no wslink", mp(t, map[string]any{"id": "i", "method": "m"}), "i", `no "wslink":"1.0"`},
		{"wrong version", mp(t, map[string]any{"wslink": "2.0", "id": "i", "method": "m"}), "i", `"wslink" must be "1.0"`},
		{"no method", mp(t, map[string]any{"wslink": "1.0", "id": "i"}), "i", `no "method"`},
		{"method not a string", mp(t, map[string]any{"wslink": "1.0", "id": "i", "method": 3}), "i", `"method" must be a string`},
		{"args not an array", mp(t, map[string]any{"wslink": "1.0", "id": "i", "method": "m", "args": "x"}), "i", `"args" must be an array`},
		{"kwargs not a map", mp(t, map[string]any{"wslink": "1.0", "id": "i", "method": "m", "kwargs": 1}), "i", `"kwargs" must be a map`},
		{"unknown key", mp(t, map[string]any{"wslink": "1.0", "id": "i", "method": "m", "extra": 1}), "i", `unknown envelope key "extra"`},
		{"id not a string", mp(t, map[string]any{"wslink": "1.0", "id": 1, "method": "m"}), "", `"id" must be a string`},
		{"id too long", mp(t, request(strings.Repeat("i", MaxIDBytes+1), "m")), "", `"id" is longer than 256 bytes`},
		{"too deep", mp(t, request("i", "m", deep)), "", "nested deeper than 64"},
		{"extension type", ext, "", "extension types are not accepted"},
		{"invalid UTF-8", badUTF8, "", "not valid UTF-8"},
		{"integer key", []byte{0x81, 0x01, 0x01}, "", "a map key is not a string"},
	}
	for _, c := range cases {
		_, err := d.Msgpack(c.msg)
		ee, ok := err.(*EnvelopeError)
		if !ok || !strings.Contains(ee.Msg, c.wants) || string(ee.ID) != c.id {
			t.Errorf("%s: %v (id %q), want %q with id %q", c.name, err, idOf(ee), c.wants, c.id)
		}
	}
	for name, msg := range map[string]string{
		"not JSON":        `{"wslink":`,
		"bad escape":      `{"wslink":"1.0","id":"i","method":"m\x"}`,
		"not an object":   `["x"]`,
		"repeated key":    `{"wslink":"1.0","id":"i","method":"m","method":"n"}`,
		"too many keys":   `{"wslink":"1.0","id":"i","method":"m","args":[],"kwargs":{},"x":1}`,
		"too deep":        `{"wslink":"1.0","id":"i","method":"m","args":` + strings.Repeat("[", MaxDepth+2) + strings.Repeat("]", MaxDepth+2) + `}`,
		"id not a string": `{"wslink":"1.0","id":7,"method":"m"}`,
	} {
		if _, err := d.JSON([]byte(msg), nil); err == nil {
			t.Errorf("JSON %s: accepted", name)
		}
	}
}

func idOf(e *EnvelopeError) []byte {
	if e == nil {
		return nil
	}
	return e.ID
}

// TestAttachmentsStandForBytes: in 1.x, a string naming an attachment that came is
// binary data; any other string is a string.
func TestAttachmentsStandForBytes(t *testing.T) {
	att := NewAttachments(1 << 10)
	var d Decoder
	hdr, err := d.JSON([]byte(`{"wslink":"1.0","method":"wslink.binary.attachment","args":["wslink_bin1","wslink_bin2"]}`), nil)
	if err != nil || hdr.ID != nil || string(hdr.Method) != MethodAttachment {
		t.Fatalf("header: %v", err)
	}
	if err := att.Announce(hdr.Args); err != nil {
		t.Fatal(err)
	}
	if att.Fill([]byte{1, 2, 3}) != nil || !att.Waiting() || att.Fill([]byte{4}) != nil || att.Waiting() {
		t.Fatal("filling two announced attachments")
	}
	if err := att.Fill([]byte{5}); err == nil {
		t.Fatal("a binary frame nobody announced was accepted")
	}
	e, err := d.JSON([]byte(`{"wslink":"1.0","id":"i","method":"m","args":[{"data":"wslink_bin2"},"wslink_bin9","wslink_bin1x"]}`), att)
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := e.Args[0].AppendMembers(nil)
	if b, ok := ms[0].Val.Bytes(); !ok || len(b) != 1 || b[0] != 4 || ms[0].Val.Kind() != KindBytes {
		t.Fatalf("attachment: %v %v", b, ok)
	}
	if _, ok := e.Args[1].Bytes(); ok || e.Args[1].Kind() != KindString {
		t.Fatal("a key nobody sent read as bytes")
	}
	// As JSON (a DataFrame, an MLContext, a subscription's lists), an attachment is binary
	// data, refused as in 2.x; a key nobody sent is a string.
	if j, err := e.Args[0].AppendJSON(nil); err == nil {
		t.Fatalf("an attachment transcoded to JSON: %s", j)
	}
	if j, err := e.Args[1].AppendJSON(nil); err != nil || string(j) != `"wslink_bin9"` {
		t.Fatalf("a key nobody sent as JSON: %s %v", j, err)
	}
	att.Release()
	if att.Len() != 0 {
		t.Fatal("Release kept attachments")
	}
	for name, keys := range map[string]string{
		"not a key":  `["bin1"]`,
		"not string": `[1]`,
		"twice":      `["wslink_bin1","wslink_bin1"]`,
		"too long":   `["wslink_bin` + strings.Repeat("1", 30) + `"]`,
	} {
		e, err := d.JSON([]byte(`{"wslink":"1.0","method":"wslink.binary.attachment","args":`+keys+`}`), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := NewAttachments(10).Announce(e.Args); err == nil {
			t.Errorf("%s: announced", name)
		}
	}
	small := NewAttachments(3)
	hdr, _ = d.JSON([]byte(`{"wslink":"1.0","method":"wslink.binary.attachment","args":["wslink_bin1","wslink_bin2"]}`), nil)
	if err := small.Announce(hdr.Args); err != nil {
		t.Fatal(err)
	}
	if small.Fill([]byte{1, 2}) != nil || small.Fill([]byte{3, 4}) == nil {
		t.Fatal("attachments past their byte bound")
	}
}

// TestTranscodeToJSON: MessagePack arguments become the JSON the parsers take.
func TestTranscodeToJSON(t *testing.T) {
	var d Decoder
	in := map[string]any{"s": "é\"\n", "i": int64(-3), "u": uint64(4), "f": 0.1, "n": nil, "b": true, "nan": math.NaN(), "a": []any{1.5, "x"}}
	e, err := d.Msgpack(mp(t, request("i", "m", in)))
	if err != nil {
		t.Fatal(err)
	}
	j, err := e.Args[0].AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(j, &got); err != nil {
		t.Fatalf("%s: %v", j, err)
	}
	if got["s"] != "é\"\n" || got["i"] != -3.0 || got["u"] != 4.0 || got["f"] != 0.1 || got["n"] != nil || got["b"] != true || got["nan"] != nil {
		t.Fatalf("%s", j)
	}
	for name, v := range map[string]any{"binary": []byte{1}, "infinity": math.Inf(-1)} {
		e, err := d.Msgpack(mp(t, request("i", "m", map[string]any{"x": v})))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Args[0].AppendJSON(nil); err == nil {
			t.Errorf("%s transcoded to JSON", name)
		}
	}
}

// TestEncoderBothFormats: a result, an error and a publication written in both formats
// read back as the same values.
func TestEncoderBothFormats(t *testing.T) {
	var keys atomic.Uint64
	write := func(e *Encoder) {
		e.BeginResult([]byte("rpc:c1:3"))
		e.Map(6)
		e.Key("s")
		e.Str("a\"b")
		e.Key("i")
		e.Int(-7)
		e.Key("f")
		e.Float(0.25)
		e.Key("nan")
		e.Float(math.NaN())
		e.Key("list")
		e.Array(2)
		e.Bool(true)
		e.Nil()
		e.End()
		e.Key("data")
		e.Bin([]byte{9, 8})
		e.End()
		e.End()
	}
	var e Encoder
	e.Reset(FormatJSON, nil, &keys)
	write(&e)
	var got map[string]any
	if err := json.Unmarshal(e.Bytes(), &got); err != nil {
		t.Fatalf("%s: %v", e.Bytes(), err)
	}
	res := got["result"].(map[string]any)
	if got["wslink"] != "1.0" || got["id"] != "rpc:c1:3" || res["s"] != "a\"b" || res["i"] != -7.0 || res["f"] != 0.25 || res["nan"] != nil ||
		res["data"] != "wslink_bin1" || len(e.Attachments()) != 1 || string(e.Attachments()[0].Key) != "wslink_bin1" {
		t.Fatalf("JSON: %s", e.Bytes())
	}
	if h := AppendAttachmentHeader(nil, e.Attachments()); string(h) != `{"wslink":"1.0","method":"wslink.binary.attachment","args":["wslink_bin1"]}` {
		t.Fatalf("header %s", h)
	}
	e.Reset(FormatMsgpack, nil, nil)
	write(&e)
	v, rest, err := msgp.ReadIntfBytes(e.Bytes())
	if err != nil || len(rest) != 0 {
		t.Fatal(err)
	}
	m := v.(map[string]any)
	r := m["result"].(map[string]any)
	if m["id"] != "rpc:c1:3" || r["i"] != int64(-7) || r["f"] != 0.25 || r["nan"] != nil || string(r["data"].([]byte)) != "\x09\x08" {
		t.Fatalf("MessagePack: %#v", m)
	}
	for _, f := range []Format{FormatJSON, FormatMsgpack} {
		e.Reset(f, nil, &keys)
		e.BeginError(nil, -32601, "Unknown method")
		e.Str("symscore.nope")
		e.EndError()
		e.Reset(f, e.Bytes()[:0], &keys)
		e.BeginPublish("symscore.data")
		if err := e.JSON([]byte(`{"type":"data","n":3,"x":0.5,"v":null,"l":[true]}`)); err != nil {
			t.Fatal(err)
		}
		e.End()
		var pub map[string]any
		if f == FormatJSON {
			err = json.Unmarshal(e.Bytes(), &pub)
		} else {
			var v any
			v, _, err = msgp.ReadIntfBytes(e.Bytes())
			pub, _ = v.(map[string]any)
		}
		if err != nil || pub["id"] != "publish:symscore.data:0" || pub["result"].(map[string]any)["type"] != "data" {
			t.Fatalf("publication %s: %v %v", e.Bytes(), pub, err)
		}
	}
}

// TestDecodeAllocs: decoding a 2.x envelope and reading its arguments allocates nothing.
func TestDecodeAllocs(t *testing.T) {
	testenv.SkipAllocs(t)
	msg := mp(t, request("rpc:c1:1", "symscore.predict_matrix", "p", "m1",
		map[string]any{"columns": []any{"a", "b"}, "rows": 1, "data": make([]byte, 16)}))
	var d Decoder
	var ms []Member
	var vs []Value
	read := func() {
		e, err := d.Msgpack(msg)
		if err != nil {
			t.Fatal(err)
		}
		ms, _ = e.Args[2].AppendMembers(ms[:0])
		for _, m := range ms {
			switch string(m.Key) {
			case "columns":
				vs, _ = m.Val.AppendElems(vs[:0])
			case "data":
				if b, ok := m.Val.Bytes(); !ok || len(b) != 16 {
					t.Fatal("data")
				}
			}
		}
	}
	read()
	if n := testing.AllocsPerRun(100, read); n != 0 {
		t.Fatalf("%v allocations per envelope", n)
	}
}

// FuzzMsgpackEnvelope: decoding any bytes as a 2.x envelope never panics; what decodes has
// a method, and every argument reads as its kind says and transcodes to JSON or says why
// not.
func FuzzMsgpackEnvelope(f *testing.F) {
	f.Add(mp(f, request("rpc:c1:1", "symscore.predict_matrix", "p", "m1",
		map[string]any{"columns": []any{"a", "b"}, "rows": 1, "data": make([]byte, 16)})))
	f.Add(mp(f, request("system:c0:0", "wslink.hello", map[string]any{"secret": "12,{}{}"})))
	f.Add(mp(f, request("rpc:c1:2", "symscore.learn", "p", map[string]any{"attributeNames": []any{"x"}, "data": []any{[]any{1.5}}})))
	f.Fuzz(func(t *testing.T, msg []byte) {
		var d Decoder
		e, err := d.Msgpack(msg)
		if err != nil {
			if _, ok := err.(*EnvelopeError); !ok {
				t.Fatalf("error %T", err)
			}
			return
		}
		if len(e.Method) == 0 {
			t.Fatal("an envelope without method")
		}
		for _, a := range e.Args {
			checkValue(t, a, 0)
		}
	})
}

// FuzzJSONEnvelope: the same for 1.x text messages.
func FuzzJSONEnvelope(f *testing.F) {
	f.Add([]byte(`{"wslink":"1.0","id":"rpc:c1:1","method":"symscore.predict","args":["p","m",{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}],"kwargs":{}}`))
	f.Add([]byte(`{"wslink":"1.0","method":"wslink.binary.attachment","args":["wslink_bin1"]}`))
	f.Fuzz(func(t *testing.T, msg []byte) {
		var d Decoder
		e, err := d.JSON(msg, nil)
		if err != nil {
			return
		}
		for _, a := range e.Args {
			checkValue(t, a, 0)
		}
	})
}

func checkValue(t *testing.T, v Value, depth int) {
	switch v.Kind() {
	case KindString:
		if _, ok := v.Str(); !ok {
			t.Fatal("a string does not read")
		}
	case KindNumber:
		if _, ok := v.Float(); !ok {
			t.Fatal("a number does not read")
		}
	case KindBytes:
		if _, ok := v.Bytes(); !ok {
			t.Fatal("bytes do not read")
		}
	case KindArray:
		elems, ok := v.AppendElems(nil)
		if !ok || len(elems) != v.Len() {
			t.Fatal("an array does not read")
		}
		for _, e := range elems {
			checkValue(t, e, depth+1)
		}
	case KindMap:
		ms, ok := v.AppendMembers(nil)
		if !ok || len(ms) != v.Len() {
			t.Fatal("a map does not read")
		}
		for _, m := range ms {
			checkValue(t, m.Val, depth+1)
		}
	case KindInvalid:
		t.Fatal("an argument of no kind")
	}
	if j, err := v.AppendJSON(nil); err == nil && !json.Valid(j) {
		t.Fatalf("transcoded to invalid JSON %q", j)
	}
}

// BenchmarkDecodeEnvelope: a 2.x predict_matrix request of one row, 16 columns: checked,
// decoded, its matrix read.
func BenchmarkDecodeEnvelope(b *testing.B) {
	cols := make([]any, 16)
	for i := range cols {
		cols[i] = "x" + string(rune('a'+i))
	}
	msg := mp(b, request("rpc:c1:1", "symscore.predict_matrix", "p", "m1", map[string]any{"columns": cols, "rows": 1, "data": make([]byte, 128)}))
	var d Decoder
	var ms []Member
	var vs []Value
	b.ReportAllocs()
	for b.Loop() {
		e, err := d.Msgpack(msg)
		if err != nil {
			b.Fatal(err)
		}
		ms, _ = e.Args[2].AppendMembers(ms[:0])
		vs, _ = ms[0].Val.AppendElems(vs[:0])
	}
}
