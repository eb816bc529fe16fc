package cluster

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// unescapeToken inverts EscapeToken for tokens that are not hashed.
func unescapeToken(tok string) ([]byte, bool) {
	var out []byte
	for i := 0; i < len(tok); i++ {
		if tok[i] != '%' {
			out = append(out, tok[i])
			continue
		}
		if i+2 >= len(tok) {
			return nil, false
		}
		b, err := hex.DecodeString(tok[i+1 : i+3])
		if err != nil {
			return nil, false
		}
		out = append(out, b[0])
		i += 2
	}
	return out, true
}

// FuzzEscapeToken: a token is one NATS subject token (no '.', no wildcard token, no space
// or control byte, not empty), at most maxTokenBytes long, and gives its id back unless
// hashed: two ids never share a token unless one is too long for the plain form.
func FuzzEscapeToken(f *testing.F) {
	for _, s := range []string{"c1", "iris", "a.b", "*", ">", "é", "%", "%%", strings.Repeat("x", maxTokenBytes+1), strings.Repeat(".", 200)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, id []byte) {
		if len(id) == 0 {
			return // ids are never empty
		}
		tok := EscapeToken(id)
		if tok == "" || tok == "*" || tok == ">" || len(tok) > maxTokenBytes {
			t.Fatalf("token %q of %q", tok, id)
		}
		for i := 0; i < len(tok); i++ {
			if c := tok[i]; c == '.' || c <= ' ' || c >= 0x7f {
				t.Fatalf("token %q of %q holds byte %q", tok, id, c)
			}
		}
		if strings.HasPrefix(tok, "%%") {
			if len(tok) != 34 {
				t.Fatalf("hashed token %q", tok)
			}
			return
		}
		back, ok := unescapeToken(tok)
		if !ok || !bytes.Equal(back, id) {
			t.Fatalf("token %q of %q gives back %q", tok, id, back)
		}
	})
}

// FuzzClaim: an origin header that is not exactly this process's prefix and the decimal
// number of a pending change, as Append writes them, claims nothing, and never panics.
func FuzzClaim(f *testing.F) {
	for _, s := range []string{"n.00-1", "n.00-", "n.00-01", "n.00-18446744073709551616", "m.00-1", "", "n.00-1x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, origin string) {
		l := &Log{origin: "n.00-", pending: map[uint64]*pending{1: {}}}
		p := l.claim(origin)
		if p == nil {
			return
		}
		if origin != "n.00-1" {
			t.Fatalf("claim(%q) found change 1", origin)
		}
	})
}
