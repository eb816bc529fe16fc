package auth

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
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
		"ws_predict":    func() error { return v.VerifyWS(pr) },
		"ws_predict_at": func() error { return v.VerifyWSAt(pr, vecTime) },
		"rest_build":    func() error { return v.VerifyREST(rest) },
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
	// The floor of a WebSocket verification: the MD5 of the payload (checked against
	// Content-MD5) and one HMAC-SHA256 of the string to sign (the unit of the goals).
	b.Run("baseline_md5_payload", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(pr.Payload)))
		var sum [md5.Size]byte
		for b.Loop() {
			sum = md5.Sum(pr.Payload)
		}
		if base64.StdEncoding.EncodeToString(sum[:]) != string(pr.MD5) {
			b.Fatal("wrong MD5")
		}
	})
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
