package auth

import (
	"bytes"
	"errors"
	"testing"
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
