package protocol

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	f := func(in string, off int, want string) {
		t.Helper()
		got := quote([]byte(in), off)
		if got != want {
			t.Errorf("quote(%q, %d) = %s, want %s", in, off, got, want)
		}
	}
	f("", 0, `""`)
	f("abc", 1, `"bc"`)
	f("abc", 3, `""`)
	f("abc", 7, `""`)
	f(`{"a":"b\c"}`, 0, `"{\"a\":\"b\\c\"}"`)
	f("a\x00b\nc\x7fd", 0, `"a\u0000b\u000ac\u007fd"`)
	f("\xc2\x85 \u2028 é", 0, `"\u0085 \u2028 é"`)
	f("x\xff\xfe", 0, `"x\ufffd\ufffd"`)
	f(strings.Repeat("0123456789", 5), 0, `"0123456789012345678901234567890123456789"...`)
	f(strings.Repeat("0123456789", 4), 0, `"0123456789012345678901234567890123456789"`)
	f(strings.Repeat("é", 30), 0, `"`+strings.Repeat("é", 20)+`"...`)
	// A rune cut by the 40-byte limit becomes \ufffd, never a partial sequence.
	f("a"+strings.Repeat("é", 30), 0, `"a`+strings.Repeat("é", 19)+`\ufffd"...`)
}

// TestQuoteIsJSON checks that every quote is a valid JSON string without control bytes,
// whatever the input.
func TestQuoteIsJSON(t *testing.T) {
	var in []byte
	for b := 0; b < 256; b++ {
		in = append(in, byte(b))
	}
	for off := 0; off < len(in); off++ {
		q := quote(in, off)
		q = strings.TrimSuffix(q, "...")
		for i := 0; i < len(q); i++ {
			if q[i] < 0x20 || q[i] == 0x7f {
				t.Fatalf("quote at %d holds control byte %#x", off, q[i])
			}
		}
		var s string
		if err := json.Unmarshal([]byte(q), &s); err != nil {
			t.Fatalf("quote at %d is not a JSON string: %v: %s", off, err, q)
		}
	}
}
