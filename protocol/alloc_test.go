package protocol

import (
	"math"
	"testing"
)

// TestParseAllocs proves that parsing a message allocates nothing after warm-up, in every
// form.
func TestParseAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	for _, c := range []struct {
		name string
		msg  []byte
	}{
		{"framed learn", readTestdata(t, "ws_learn_vector.txt")},
		{"framed predict", readTestdata(t, "ws_predict_vector.txt")},
		{"legacy escaped", readTestdata(t, "legacy_predict_2014.txt")},
		{"session", []byte(predictPayload)},
	} {
		p := Parser{AllowLegacy: true}
		if _, err := p.Parse(c.msg); err != nil {
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := p.Parse(c.msg); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocs per Parse, want 0", c.name, allocs)
		}
	}
}

// TestReplyAllocs proves that encoding replies into a reused buffer allocates nothing.
func TestReplyAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	buf := make([]byte, 0, 4096)
	allocs := testing.AllocsPerRun(100, func() {
		b := AppendOK(buf[:0])
		b = AppendReply(b, StatusBadRequest, "row 3: \"x\" is not a number")
		b = AppendEnvelopeOpen(b, StatusOK, "OK")
		b = AppendKSVSMapOpen(b)
		b = append(b, `{"res":`...)
		b = AppendJSONString(b, "Iris-setosa")
		b = append(b, `,"p":`...)
		b = AppendFloatString(b, 0.2929126883636288)
		b = append(b, `,"q":`...)
		b = AppendFloatString(b, math.NaN())
		b = append(b, '}')
		b = AppendKSVSMapClose(b)
		b = AppendEnvelopeClose(b)
		b = AppendRowCounts(b, 148, 2)
		buf = AppendStringToSignValue(b, []byte("a\nb"))
	})
	if allocs != 0 {
		t.Errorf("%v allocs per reply, want 0", allocs)
	}
}
