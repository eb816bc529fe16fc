package protocol

import (
	"bytes"
	"testing"
)

// FuzzParseMessage checks that Parse never panics, that every error is a BAD_REQUEST
// *Error with a printable message, and that a parsed message re-encoded by AppendMessage
// parses to the same fields.
func FuzzParseMessage(f *testing.F) {
	for _, name := range []string{"ws_learn_vector.txt", "ws_predict_vector.txt", "legacy_predict_2014.txt"} {
		f.Add(readTestdata(f, name))
	}
	f.Add([]byte(predictPayload))
	f.Add([]byte(`46,{"headers":["d","m","s","c\u0041"],"extraKeys":[]}{}`))
	f.Add([]byte(`{"extraKeys":["a"],"headers":["d","m","s","c"]}-289907289{}`))
	f.Add([]byte("12a,{}"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		orig := bytes.Clone(msg)
		p := Parser{AllowLegacy: true}
		m, err := p.Parse(msg)
		if !bytes.Equal(msg, orig) {
			t.Fatal("Parse modified its input")
		}
		if err != nil {
			pe, ok := err.(*Error)
			if !ok || pe.Status != StatusBadRequest || pe.Msg == "" {
				t.Fatalf("error %#v is not a BAD_REQUEST *Error", err)
			}
			for _, c := range []byte(pe.Msg) {
				if c < 0x20 || c == 0x7f {
					t.Fatalf("error message %q holds a control byte", pe.Msg)
				}
			}
			return
		}
		if len(m.Payload) == 0 || m.Payload[0] != '{' {
			t.Fatalf("payload %q does not start with '{'", m.Payload)
		}
		first := *m
		first.ExtraKeys = append([][]byte(nil), m.ExtraKeys...) // survive the next Parse
		enc := AppendMessage(nil, &first)
		var q Parser
		q.AllowLegacy = true
		m2, err := q.Parse(enc)
		if err != nil {
			t.Fatalf("re-encoded message %q does not parse: %v", enc, err)
		}
		checkSameMessage(t, m2, &first)
	})
}
