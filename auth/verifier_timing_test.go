package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"testing"
)

// BenchmarkVerify: verifying the docs/protocol.md predict vector (WebSocket) and build vector
// (REST), against a baseline of one bare HMAC-SHA256 of the same string to sign with a
// reused hash. One op is one verification.
func BenchmarkVerify(b *testing.B) {
	v := testVerifier(b, Options{}, nil)
	pr := predictRequest(b)
	rest := restBuildRequest()
	for name, f := range map[string]func() error{
		"ws_predict": func() error { return v.VerifyWS(pr) },
		"rest_build": func() error { return v.VerifyREST(rest) },
	} {
		b.Run(name, func(b *testing.B) {
			if err := f(); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := f(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("baseline_hmac_sha256", func(b *testing.B) {
		c := predictRef()
		sts := []byte(refWSStringToSign(refMD5(c.payload), c.secret, c.date, c.cid, c.payload, c.signedURL, c.keys, true))
		mac := hmac.New(sha256.New, []byte("0123456789abcdef"))
		var sum [32]byte
		b.ReportAllocs()
		b.SetBytes(int64(len(sts)))
		for b.Loop() {
			mac.Reset()
			mac.Write(sts)
			mac.Sum(sum[:0])
		}
	})
}
