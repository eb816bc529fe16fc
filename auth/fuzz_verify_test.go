package auth

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

// FuzzVerifyWS checks, from the known-answer messages, that verification never panics,
// that every refusal is one of the package's sentinels, and that nothing verifies but the
// messages that were signed: an accepted request carries exactly the signed fields of one
// of the vectors, and the URL it was signed for.
func FuzzVerifyWS(f *testing.F) {
	seeds := []*WSRequest{learnRequest(f), predictRequest(f)}
	for _, r := range seeds {
		var k0, k1 []byte
		if len(r.ExtraKeys) > 0 {
			k0 = r.ExtraKeys[0]
		}
		if len(r.ExtraKeys) > 1 {
			k1 = r.ExtraKeys[1]
		}
		f.Add(r.Date, r.MD5, r.Signature, r.CID, r.Payload, k0, k1, len(r.ExtraKeys), r.Host, r.Path)
	}
	v := testVerifier(f, Options{}, nil)
	f.Fuzz(func(t *testing.T, date, md5, sig, cid, payload, k0, k1 []byte, nkeys int, host, path string) {
		r := &WSRequest{Date: date, MD5: md5, Signature: sig, CID: cid, Payload: payload,
			Scheme: "ws", Host: host, Path: path}
		for i, k := range [][]byte{k0, k1} {
			if i < nkeys {
				r.ExtraKeys = append(r.ExtraKeys, k)
			}
		}
		err := v.VerifyWS(r)
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		for _, s := range seeds {
			if bytes.Equal(r.Date, s.Date) && bytes.Equal(r.MD5, s.MD5) && bytes.Equal(r.Signature, s.Signature) &&
				bytes.Equal(r.CID, s.CID) && bytes.Equal(r.Payload, s.Payload) && sameKeyList(r.ExtraKeys, s.ExtraKeys) &&
				r.Host+r.Path == s.Host+s.Path {
				return
			}
		}
		t.Fatalf("a request no one signed verified: %+v", r)
	})
}

// FuzzVerifyREST is FuzzVerifyWS for REST requests, from the two REST vectors.
func FuzzVerifyREST(f *testing.F) {
	seeds := []*RESTRequest{restInfoRequest(), restBuildRequest()}
	for _, r := range seeds {
		f.Add(r.Method, r.Date, r.MD5, r.Signature, r.CID, r.Body, r.Path, r.RawQuery, r.Host)
	}
	v := testVerifier(f, Options{}, nil)
	f.Fuzz(func(t *testing.T, method, date, md5, sig, cid string, body []byte, path, query, host string) {
		r := &RESTRequest{Method: method, Date: date, MD5: md5, Signature: sig, CID: cid, Body: body,
			Path: path, RawQuery: query, Scheme: "http", Host: host}
		err := v.VerifyREST(r)
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		for _, s := range seeds {
			if r.Method == s.Method && r.Date == s.Date && r.MD5 == s.MD5 && r.Signature == s.Signature &&
				r.CID == s.CID && bytes.Equal(r.Body, s.Body) && r.Path == s.Path && r.RawQuery == s.RawQuery {
				return
			}
		}
		t.Fatalf("a request no one signed verified: %+v", r)
	})
}

func isSentinel(err error) bool {
	for _, s := range []error{ErrMalformedHeader, ErrDateFormat, ErrDateWindow, ErrMD5Mismatch,
		ErrUnknownCustomer, ErrBadSignature, ErrSHA1NotAllowed, ErrReplay, ErrReplayFull} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

func sameKeyList(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// testCustomers are the secrets of testKeyStore, for the reference verifier.
var testCustomers = map[string][]string{vecCID: {vecSecret}, "c2": {otherSecret}, "c3": {rotatedSecret, vecSecret}}

// wsFuzzInput is a request built from fuzzed fields and signed by the reference.
type wsFuzzInput struct {
	dateOff     int32  // seconds from the vectors' date
	rawDate     []byte // replaces the date when not empty
	payload     []byte
	cid         string
	k0, k1      []byte
	nkeys       uint8 // extra keys used: 0, 1 or 2 of k0, k1
	host, path  string
	form        uint8 // bit 0: bare path; bit 1: no final newline
	secretIdx   uint8 // which of the customer's secrets signs
	damageAt    uint16
	damageField uint8 // 1–5: one byte of the payload, signature, date, MD5, first key; 6: the cid
}

// request returns the request in, signed by the reference, then damaged as in says.
func (in *wsFuzzInput) request() *WSRequest {
	date := []byte(FormatDate(vecTime.Add(time.Duration(in.dateOff) * time.Second)))
	if len(in.rawDate) > 0 {
		date = in.rawDate
	}
	keys := []string{string(in.k0), string(in.k1)}[:min(int(in.nkeys), 2)]
	c := refWS{secret: vecSecret, cid: in.cid, date: string(date), payload: string(in.payload), keys: keys,
		scheme: "ws", host: in.host, path: in.path, noFinalNL: in.form&2 != 0}
	c.signedURL = "ws://" + in.host + in.path
	if in.form&1 != 0 {
		c.signedURL = in.path
	}
	if ss := testCustomers[in.cid]; len(ss) > 0 {
		c.secret = ss[int(in.secretIdx)%len(ss)]
	}
	r := c.request()
	damage := func(b []byte) []byte {
		if len(b) == 0 {
			return append(b, byte(in.damageAt))
		}
		b = bytes.Clone(b)
		b[int(in.damageAt)%len(b)] ^= byte(in.damageAt>>8) | 1
		return b
	}
	switch in.damageField % 8 {
	case 1:
		r.Payload = damage(r.Payload)
	case 2:
		r.Signature = damage(r.Signature)
	case 3:
		r.Date = damage(r.Date)
	case 4:
		r.MD5 = damage(r.MD5)
	case 5:
		if len(r.ExtraKeys) > 0 {
			r.ExtraKeys[0] = damage(r.ExtraKeys[0])
		}
	case 6:
		r.CID = []byte([]string{"c1", "c2", "c3", "c4"}[in.damageAt%4])
	}
	return r
}

// checkAgainstReference verifies in's request with v and with refVerifyWS, fails t if
// they disagree, and returns the verdict.
func checkAgainstReference(t *testing.T, v *Verifier, in *wsFuzzInput) error {
	t.Helper()
	r := in.request()
	got, want := v.VerifyWS(r), refVerifyWS(testCustomers, vecTime, r)
	if (got == nil) != (want == nil) || want != nil && !errors.Is(got, want) {
		t.Fatalf("Verifier: %v; reference: %v (request %+v)", got, want, r)
	}
	return got
}

// FuzzVerifyWSReference: the Verifier (one reused HMAC per secret, the string to sign
// streamed in parts, the form that verified last tried first) agrees with the plain
// reference (refVerifyWS) on every request: requests signed by the reference for fuzzed
// fields, in any accepted form and under any secret of the customer, then possibly
// damaged in one byte of one field or sent under another customer id. Both must accept
// or refuse alike, with the same sentinel.
func FuzzVerifyWSReference(f *testing.F) {
	f.Add(int32(0), []byte(nil), []byte(predictPayld), "c1", []byte("irisTest"), []byte("testLDA"), uint8(2), "charm:8080", "/symetry/ws/predict", uint8(0), uint8(0), uint16(0), uint8(0))
	f.Add(int32(-299), []byte(nil), []byte(`{"a":1}`), "c3", []byte("k"), []byte(nil), uint8(1), "h", "/symetry/ws/learn", uint8(3), uint8(1), uint16(0), uint8(0))
	f.Add(int32(0), []byte("2025-11-16 20:11:50"), []byte("{}"), "c2", []byte("a"), []byte("b"), uint8(2), "h:1", "/p", uint8(1), uint8(0), uint16(7), uint8(3))
	v := testVerifier(f, Options{}, nil)
	f.Fuzz(func(t *testing.T, dateOff int32, rawDate, payload []byte, cid string, k0, k1 []byte, nkeys uint8,
		host, path string, form, secretIdx uint8, damageAt uint16, damageField uint8) {
		checkAgainstReference(t, v, &wsFuzzInput{dateOff, rawDate, payload, cid, k0, k1, nkeys, host, path, form, secretIdx, damageAt, damageField})
	})
}

// TestVerifyWSReference runs the comparison of FuzzVerifyWSReference on random inputs and
// checks that they reach acceptance and every refusal the damage can cause, so that the
// comparison is not vacuous.
func TestVerifyWSReference(t *testing.T) {
	r := rand.New(rand.NewPCG(61, 62))
	v := testVerifier(t, Options{}, nil)
	seen := map[string]int{}
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	for range 3000 {
		in := &wsFuzzInput{
			dateOff: int32(r.IntN(500) - 350), payload: []byte(pick(predictPayld, `{"a":1}`, "{}\n\"x")),
			cid: pick("c1", "c2", "c3", "c9"), k0: []byte(pick("irisTest", "k", "", "a\nb")), k1: []byte(pick("m", "é")),
			nkeys: uint8(r.IntN(3)), host: pick("charm:8080", "h"), path: pick("/symetry/ws/predict", "/p\x01"),
			form: uint8(r.IntN(4)), secretIdx: uint8(r.IntN(2)), damageAt: uint16(r.Uint32()), damageField: uint8(r.IntN(8)),
		}
		if r.IntN(20) == 0 {
			in.rawDate = []byte(pick("2025-11-16 20:11:50", "2025-11-16T20:11:50", ""))
		}
		err := checkAgainstReference(t, v, in)
		switch {
		case err == nil:
			seen["accepted"]++
		default:
			for _, s := range []error{ErrMalformedHeader, ErrDateFormat, ErrDateWindow, ErrMD5Mismatch, ErrUnknownCustomer, ErrBadSignature} {
				if errors.Is(err, s) {
					seen[s.Error()]++
				}
			}
		}
	}
	if len(seen) != 7 {
		t.Fatalf("outcomes reached: %v", seen)
	}
}
