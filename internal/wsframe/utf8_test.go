package wsframe

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

func validUTF8(p []byte) bool { return utf8.Valid(p) }

// feedChunks feeds p to a fresh validator in chunks cut at the given offsets and reports
// whether every feed passed and the end is complete, and at which chunk it failed (-1).
func feedChunks(p []byte, cuts []int) (ok bool, failedAt int) {
	var v UTF8Validator
	prev := 0
	for i, c := range append(cuts, len(p)) {
		if !v.Feed(p[prev:c]) {
			return false, i
		}
		prev = c
	}
	return v.Complete(), -1
}

// TestUTF8ValidatorKnownCases: Unicode Table 3-7's edges, whole and cut at every byte.
func TestUTF8ValidatorKnownCases(t *testing.T) {
	cases := []string{
		"", "a", "héllo", "€", "𝄞", "\u07ff", "\u0800", "\uffff", "\U0010ffff", "\ud7ff"[:3],
		"\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xe0\x9f\xbf", "\xed\xa0\x80", "\xed\xbf\xbf",
		"\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff",
		"\x80", "a\xc3", "\xe2\x82", "\xf0\x9d\x84", "ok\xe2\x82\xacok", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5",
	}
	for _, s := range cases {
		p := []byte(s)
		want := utf8.Valid(p)
		if ok, _ := feedChunks(p, nil); ok != want {
			t.Errorf("%q whole: %v, want %v", s, ok, want)
		}
		for cut := 0; cut <= len(p); cut++ {
			if ok, _ := feedChunks(p, []int{cut}); ok != want {
				t.Errorf("%q cut at %d: %v, want %v", s, cut, ok, want)
			}
		}
	}
}

// TestUTF8ValidatorFailsFast: an invalid byte fails the chunk that holds it, not a later
// one, and a lead byte that cannot start a valid sequence fails before its sequence ends.
func TestUTF8ValidatorFailsFast(t *testing.T) {
	p := []byte("valid text \xff then more")
	if ok, at := feedChunks(p, []int{5, 14}); ok || at != 1 {
		t.Fatalf("failed at chunk %d (ok %v), want 1", at, ok)
	}
	// \xed\xa0 can only begin a surrogate: refused in the chunk that brings the \xa0.
	p = []byte("ab\xed\xa0\x80cd")
	if ok, at := feedChunks(p, []int{3, 4}); ok || at != 1 {
		t.Fatalf("surrogate failed at chunk %d (ok %v), want 1", at, ok)
	}
	// A truncated sequence at the very end is caught by Complete.
	var v UTF8Validator
	if !v.Feed([]byte("x\xe2\x82")) || v.Complete() {
		t.Fatal("a cut sequence at the end must be pending, not complete")
	}
	v.Reset()
	if !v.Complete() {
		t.Fatal("Reset leaves carried bytes")
	}
}

// TestUTF8ValidatorRandom checks random byte strings cut at random places against
// utf8.Valid.
func TestUTF8ValidatorRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	alphabet := []byte("a\x80\xbf\xc2\xc3\xdf\xe0\xe2\xed\xef\xf0\xf4\xf5\x9f\xa0\x90\x8f")
	for range 20000 {
		p := make([]byte, rng.IntN(12))
		for i := range p {
			p[i] = alphabet[rng.IntN(len(alphabet))]
		}
		var cuts []int
		for c := 0; c < len(p); c += 1 + rng.IntN(3) {
			cuts = append(cuts, c)
		}
		if ok, _ := feedChunks(p, cuts); ok != utf8.Valid(p) {
			t.Fatalf("% x cut %v: %v, utf8.Valid %v", p, cuts, ok, utf8.Valid(p))
		}
	}
}

// FuzzUTF8Validator: fed in any two chunks, the validator agrees with utf8.Valid.
func FuzzUTF8Validator(f *testing.F) {
	f.Add([]byte("héllo €𝄞"), uint8(3))
	f.Add([]byte("\xed\xa0\x80"), uint8(1))
	f.Add([]byte("\xf4\x8f\xbf\xbf"), uint8(2))
	f.Fuzz(func(t *testing.T, p []byte, cut uint8) {
		c := int(cut)
		if c > len(p) {
			c = len(p)
		}
		if ok, _ := feedChunks(p, []int{c}); ok != utf8.Valid(p) {
			t.Fatalf("% x cut at %d: %v, utf8.Valid %v", p, c, ok, utf8.Valid(p))
		}
	})
}
