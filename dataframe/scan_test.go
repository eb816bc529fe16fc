package dataframe

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/valyala/fastjson"
)

// escapePieces build string bodies: plain text, every escape, surrogates paired and not,
// and escapes fastjson reads "best effort".
var escapePieces = []string{"a", "Z", " ", "é", "\x00", "\x1f", "\xff", `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`,
	`\u0041`, `\u00e9`, `\u00E9`, `\u20ac`, `\uffff`, `\u0000`, `\ud83d\ude00`, `\uD83D\uDE00`, `\udbff\udfff`,
	`\ud800`, `\udc00`, `\ude00\ud83d`, `\ud83d\u0041`, `\ud83dx`, `\u12`, `\u12g4`, `\x`, `\U0041`, `\u+123`, `\`}

func TestAppendUnescapedMatchesFastjson(t *testing.T) {
	var fj fastjson.Parser
	check := func(body string) bool {
		t.Helper()
		if strings.HasSuffix(body, `\`) && !strings.HasSuffix(body, `\\`) {
			return false // would escape the closing quote
		}
		v, err := fj.Parse(`"` + body + `"`)
		if err != nil {
			return false
		}
		want, _ := v.StringBytes()
		got, ok := appendUnescaped(nil, []byte(body))
		if ok && !bytes.Equal(got, want) {
			t.Fatalf("appendUnescaped(%q) = %q, fastjson %q", body, got, want)
		}
		return ok
	}
	for _, body := range []string{`\"`, `\\`, `\/`, `\b\f\n\r\t`, `\u0041`, `\u00e9`, `\u20AC`, `\ud83d\ude00`, `x\u0000y`} {
		if !check(body) {
			t.Errorf("appendUnescaped(%q) refused a standard escape", body)
		}
	}
	for _, body := range []string{`\ud800`, `\udc00\ud800`, `\ud800\u0041`, `\u12`, `\x`, `\u00g0`} {
		if check(body) {
			t.Errorf("appendUnescaped(%q) accepted an escape fastjson reads best effort", body)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		var b strings.Builder
		for n := r.IntN(6); n >= 0; n-- {
			b.WriteString(escapePieces[r.IntN(len(escapePieces))])
		}
		check(b.String())
	}
}

// TestSkipValueMatchesFastjson: what skipValue accepts, fastjson accepts with the same
// extent; and ordinary JSON (encoding/json's output, with whitespace) is accepted.
func TestSkipValueMatchesFastjson(t *testing.T) {
	var fj fastjson.Parser
	pieces := []string{"{", "}", "[", "]", ",", ":", `"k"`, `"\"`, `"\\"`, `"a\"b"`, "1", "-1.5e+3", "-", "+1", "1.2.3",
		"true", "false", "null", "nul", "NaN", "-inf", " ", "\n", "\t", "\r", "\f", "x", `""`, "0"}
	r := rand.New(rand.NewPCG(5, 6))
	accepted := 0
	for range 300000 {
		var b strings.Builder
		for n := r.IntN(10); n >= 0; n-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := []byte(b.String())
		end, ok := skipValue(s, 0, 1)
		if !ok {
			continue
		}
		accepted++
		if _, err := fj.ParseBytes(s[:end]); err != nil {
			t.Fatalf("skipValue accepted %q (to %d), fastjson: %v", s, end, err)
		}
	}
	if accepted < 10000 {
		t.Fatalf("only %d values accepted", accepted)
	}
	for range 20000 {
		v := randomJSONValue(r, 4)
		s, err := json.MarshalIndent(v, " ", "\t")
		if err != nil {
			t.Fatal(err)
		}
		if end, ok := skipValue(s, 0, 1); !ok || end != len(s) {
			t.Fatalf("skipValue refused %s (%d of %d, %v)", s, end, len(s), ok)
		}
	}
}

func randomJSONValue(r *rand.Rand, depth int) any {
	switch k := r.IntN(8); {
	case k == 0 && depth > 0:
		a := make([]any, r.IntN(4))
		for i := range a {
			a[i] = randomJSONValue(r, depth-1)
		}
		return a
	case k == 1 && depth > 0:
		m := map[string]any{}
		for i := r.IntN(4); i > 0; i-- {
			m[string(rune('a'+r.IntN(26)))+"\"\\\n\u00e9"] = randomJSONValue(r, depth-1)
		}
		return m
	case k == 2:
		return r.NormFloat64() * 1e10
	case k == 3:
		return r.IntN(2) == 0
	case k == 4:
		return nil
	default:
		return string([]rune{rune(r.IntN(0x10ffff)), '"', '\\', rune(r.IntN(0x20))})
	}
}
