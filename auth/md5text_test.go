package auth

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/base64"
	"math/rand/v2"
	"testing"
)

// TestEncodeMD5: the unrolled encoder writes what base64.StdEncoding does, for random
// sums and for the sums of every single byte set to each value; equalMD5Text agrees with
// subtle.ConstantTimeCompare on equal texts, texts differing in any one byte, and texts
// of other lengths.
func TestEncodeMD5(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var sums [][md5.Size]byte
	for range 20000 {
		var s [md5.Size]byte
		for i := range s {
			s[i] = byte(rng.IntN(256))
		}
		sums = append(sums, s)
	}
	for pos := range md5.Size {
		for c := range 256 {
			var s [md5.Size]byte
			s[pos] = byte(c)
			sums = append(sums, s)
		}
	}
	for _, s := range sums {
		var got [md5TextLen]byte
		encodeMD5(&got, &s)
		want := base64.StdEncoding.EncodeToString(s[:])
		if string(got[:]) != want {
			t.Fatalf("%x: %q, want %q", s, got, want)
		}
		claimed := []byte(want)
		if !equalMD5Text(&got, claimed) {
			t.Fatalf("%q: not equal to itself", want)
		}
		for i := range claimed {
			c := append([]byte(nil), claimed...)
			c[i] ^= byte(1 + rng.IntN(255))
			if eq := equalMD5Text(&got, c); eq != (subtle.ConstantTimeCompare(got[:], c) == 1) || eq {
				t.Fatalf("%q against %q: equal %v", want, c, eq)
			}
		}
		if equalMD5Text(&got, claimed[:23]) || equalMD5Text(&got, append(claimed, '=')) || equalMD5Text(&got, nil) {
			t.Fatalf("%q: a text of another length is equal", want)
		}
	}
}
