package protocol

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAppendJSONString(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		got := string(AppendJSONString([]byte("x"), in))
		if got != "x"+want {
			t.Errorf("AppendJSONString(%q) = %s, want %s", in, got[1:], want)
		}
		if got := string(AppendJSONStringBytes(nil, []byte(in))); got != want {
			t.Errorf("AppendJSONStringBytes(%q) = %s, want %s", in, got, want)
		}
	}
	f("", `""`)
	f("abc", `"abc"`)
	f(`a"b\c/d`, `"a\"b\\c/d"`)
	f("\n\r\t\b\f", `"\n\r\t\b\f"`)
	f("\x00\x01\x1f\x7f", `"\u0000\u0001\u001f`+"\x7f"+`"`)
	f("é€😀", `"é€😀"`)
	f("a\u2028b\u2029c", `"a\u2028b\u2029c"`)
	f("bad\xffutf8\xc3", "\"bad\ufffdutf8\ufffd\"")
	f("\xed\xa0\x80", "\"\ufffd\ufffd\ufffd\"") // a UTF-16 surrogate encoded as UTF-8 is invalid
	f("<script>&", `"<script>&"`)
}

// TestAppendJSONStringDecodes checks against encoding/json: every output is valid JSON that
// decodes to the input (with invalid UTF-8 replaced) and never holds a raw control character.
func TestAppendJSONStringDecodes(t *testing.T) {
	inputs := []string{"", "plain", "\x00\x1f\"\\", "mixed é \xff \u2028 \t end", strings.Repeat("ab\"", 100)}
	for b := 0; b < 256; b++ {
		inputs = append(inputs, string([]byte{'a', byte(b), 'z'}))
	}
	for _, in := range inputs {
		out := AppendJSONString(nil, in)
		for _, c := range out {
			if c < 0x20 {
				t.Fatalf("output for %q holds control byte %#x", in, c)
			}
		}
		var got string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("output for %q is not valid JSON: %v: %s", in, err, out)
		}
		if want := replaceInvalidBytes(in); got != want {
			t.Errorf("decoded %q, want %q", got, want)
		}
	}
}

// replaceInvalidBytes is the plain reference: each byte that does not start a valid UTF-8
// sequence becomes U+FFFD.
func replaceInvalidBytes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r) // RuneError for an invalid byte
		i += size
	}
	return b.String()
}

func TestAppendFloat(t *testing.T) {
	f := func(in float64, want, wantString string) {
		t.Helper()
		if got := string(AppendFloat(nil, in)); got != want {
			t.Errorf("AppendFloat(%v) = %s, want %s", in, got, want)
		}
		if got := string(AppendFloatString(nil, in)); got != wantString {
			t.Errorf("AppendFloatString(%v) = %s, want %s", in, got, wantString)
		}
	}
	f(0, "0", `"0"`)
	f(0.2929126883636288, "0.2929126883636288", `"0.2929126883636288"`)
	f(-4.5e-300, "-4.5e-300", `"-4.5e-300"`)
	f(1e21, "1e+21", `"1e+21"`)
	f(math.NaN(), "null", "null")
	f(math.Inf(1), "null", "null")
	f(math.Inf(-1), "null", "null")
	for _, v := range []float64{1.5, -0.1, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		var back float64
		if err := json.Unmarshal(AppendFloat(nil, v), &back); err != nil || back != v {
			t.Errorf("AppendFloat(%v) does not round-trip: %v, %v", v, back, err)
		}
	}
}

func TestAppendJSONStrings(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{{nil, `[]`}, {[]string{"a"}, `["a"]`}, {[]string{"a", `b"c`, "é\n"}, `["a","b\"c","é\n"]`}} {
		if got := string(AppendJSONStrings([]byte("x"), tc.in)); got != "x"+tc.want {
			t.Errorf("AppendJSONStrings(%q) = %s, want %s", tc.in, got[1:], tc.want)
		}
	}
}
