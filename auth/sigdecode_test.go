package auth

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"math/rand/v2"
	"testing"
)

// checkSig256 compares decodeSig256 with the strict standard decoder on text: it accepts
// exactly the texts b64 decodes to 32 bytes with no byte to spare (as decodeSignature
// takes them), with the same bytes.
func checkSig256(t *testing.T, text []byte) {
	t.Helper()
	var got [sha256.Size]byte
	ok := decodeSig256(&got, text)
	want := make([]byte, b64.DecodedLen(len(text)))
	n, err := b64.Decode(want, text)
	stdOK := err == nil && n == sha256.Size && b64.EncodedLen(n) == len(text)
	if ok != stdOK {
		t.Fatalf("%q: decodeSig256 %v, strict Base64 %v (%d bytes, %v)", text, ok, stdOK, n, err)
	}
	if ok && !bytes.Equal(got[:], want[:n]) {
		t.Fatalf("%q: %x, want %x", text, got, want[:n])
	}
}

func TestDecodeSig256(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var mac [sha256.Size]byte
	for range 20000 {
		for i := range mac {
			mac[i] = byte(r.Uint32())
		}
		text := []byte(base64.StdEncoding.EncodeToString(mac[:]))
		checkSig256(t, text)
		// One byte changed: another alphabet character, a character outside it, padding,
		// a line break the standard decoder would skip.
		i := r.IntN(len(text))
		for _, c := range []byte{"ABab09+/"[r.IntN(8)], '-', '_', '=', '\n', '\r', 0, 0xFF, ' '} {
			m := bytes.Clone(text)
			m[i] = c
			checkSig256(t, m)
		}
		checkSig256(t, text[:len(text)-1])
		checkSig256(t, append(bytes.Clone(text), '='))
		checkSig256(t, []byte(base64.RawStdEncoding.EncodeToString(mac[:])+"A"))
	}
}

func FuzzDecodeSig256(f *testing.F) {
	f.Add([]byte("5+38zLMsXJlRj56cwn4S07vmdPkSArnYRhm/MldCWng="))
	f.Add([]byte("5+38zLMsXJlRj56cwn4S07vmdPkSArnYRhm/MldCWnh="))
	f.Add([]byte("5+38zLMsXJlRj56cwn4S07vmdPkSArnYRhm/MldCWn\n="))
	f.Fuzz(func(t *testing.T, text []byte) { checkSig256(t, text) })
}

// TestSecretsOfRemembers: the secrets remembered for the last customer id are those of
// the key store, whichever customers come in turn, unknown ones included (never
// remembered), and whatever the caller does with its id's bytes afterwards.
func TestSecretsOfRemembers(t *testing.T) {
	v := testVerifier(t, Options{}, nil)
	ks := v.ks
	buf := make([]byte, 0, 8) // the caller's buffer, reused from message to message
	for _, cid := range []string{vecCID, vecCID, "c2", "nobody", "c2", "c3", "", vecCID, "c", "c33", "c3"} {
		buf = append(buf[:0], cid...)
		got := v.secretsOf(buf)
		if want := ks.lookupString(cid); len(got) != len(want) || len(got) > 0 && &got[0] != &want[0] {
			t.Fatalf("%q: %d secrets, want %d", cid, len(got), len(want))
		}
	}
}
