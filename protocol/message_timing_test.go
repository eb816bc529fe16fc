package protocol

import (
	"bytes"
	"encoding/json"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	for _, c := range []struct {
		name, file string
		msg        []byte
	}{
		{name: "framed/learn", file: "ws_learn_vector.txt"},
		{name: "framed/predict", file: "ws_predict_vector.txt"},
		{name: "legacy/predict", file: "legacy_predict_2014.txt"},
		{name: "session/predict", msg: []byte(predictPayload)},
	} {
		msg := c.msg
		if c.file != "" {
			msg = readTestdata(b, c.file)
		}
		b.Run(c.name, func(b *testing.B) {
			p := Parser{AllowLegacy: true}
			m, err := p.Parse(msg)
			if err != nil {
				b.Fatal(err)
			}
			wantPayload := len(m.Payload)
			b.ReportAllocs()
			b.SetBytes(int64(len(msg)))
			for b.Loop() {
				m, err = p.Parse(msg)
			}
			if err != nil || len(m.Payload) != wantPayload {
				b.Fatalf("wrong result: %v, payload %d bytes", err, len(m.Payload))
			}
		})
	}
}

// BenchmarkParseStdlib is the baseline: the framed predict message with strconv-free
// splitting and encoding/json for the header.
func BenchmarkParseStdlib(b *testing.B) {
	msg := readTestdata(b, "ws_predict_vector.txt")
	var h struct {
		Headers   []string `json:"headers"`
		ExtraKeys []string `json:"extraKeys"`
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		i := bytes.IndexByte(msg, ',')
		h.Headers, h.ExtraKeys = nil, nil
		if err := json.Unmarshal(msg[i+1:i+1+159], &h); err != nil {
			b.Fatal(err)
		}
	}
	if len(h.Headers) != 4 || h.Headers[3] != "c1" {
		b.Fatalf("wrong result %q", h.Headers)
	}
}
