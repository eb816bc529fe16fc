package auth

import (
	"crypto/sha1"
	"crypto/sha256"
	"strings"
	"testing"
	"time"
)

// signREST signs r by the reference with secret over resource (HMAC-SHA1 if sha1Sig).
func signREST(r *RESTRequest, secret, resource string, sha1Sig bool) *RESTRequest {
	nh := sha256.New
	if sha1Sig {
		nh = sha1.New
	}
	if len(r.Body) > 0 {
		r.MD5 = refMD5(string(r.Body))
	}
	r.Signature = refSign(nh, secret, refRESTStringToSign(r.Method, r.MD5, secret, r.Date, r.CID, string(r.Body), resource, r.RawQuery))
	return r
}

func TestVerifyRESTForms(t *testing.T) {
	v := testVerifier(t, Options{}, nil)
	f := func(name string, r *RESTRequest) {
		t.Helper()
		if err := v.VerifyREST(r); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	f("path, no body, no query", restInfoRequest())
	f("path, body, query", restBuildRequest())
	f("full URL, no body", signREST(restInfoRequest(), vecSecret, "http://charm:8080"+restInfoPath, false))
	f("full URL, body, query", signREST(restBuildRequest(), vecSecret, "http://charm:8080"+restBuildPath, false))
	f("path again", restInfoRequest())
	r := restInfoRequest()
	r.Method, r.Body = "DELETE", nil
	f("DELETE", signREST(r, vecSecret, restInfoPath, false))
	r = restInfoRequest()
	r.CID = "c3"
	f("rotated secret", signREST(r, rotatedSecret, restInfoPath, false))

	pv := testVerifier(t, Options{PublicURL: "wss://api.example.com"}, nil)
	r = signREST(restInfoRequest(), vecSecret, "https://api.example.com"+restInfoPath, false)
	if err := pv.VerifyREST(r); err != nil {
		t.Errorf("public URL mapped to https: %v", err)
	}
	// The request's own URL, as a client dialling a cluster node directly signs it.
	r = signREST(restInfoRequest(), vecSecret, "http://charm:8080"+restInfoPath, false)
	if err := pv.VerifyREST(r); err != nil {
		t.Errorf("the request's own URL beside a public URL: %v", err)
	}
	r = signREST(restInfoRequest(), vecSecret, "http://elsewhere:8080"+restInfoPath, false)
	wantErr(t, pv.VerifyREST(r), ErrBadSignature)
}

func TestVerifyRESTRefusals(t *testing.T) {
	cases := []struct {
		name string
		mod  func(r *RESTRequest, o *Options) *RESTRequest
		want error
	}{
		{"wrong secret", func(r *RESTRequest, o *Options) *RESTRequest {
			return signREST(r, "d3Jvbmctc2VjcmV0LTE2Ynl0ZXM=", restBuildPath, false)
		}, ErrBadSignature},
		{"other customer's secret", func(r *RESTRequest, o *Options) *RESTRequest { return signREST(r, otherSecret, restBuildPath, false) }, ErrBadSignature},
		{"unknown customer", func(r *RESTRequest, o *Options) *RESTRequest { r.CID = "c9"; return r }, ErrUnknownCustomer},
		{"other method", func(r *RESTRequest, o *Options) *RESTRequest { r.Method = "PUT"; return r }, ErrBadSignature},
		{"other query", func(r *RESTRequest, o *Options) *RESTRequest { r.RawQuery = "algo=qda&modelid=lda1"; return r }, ErrBadSignature},
		{"query dropped", func(r *RESTRequest, o *Options) *RESTRequest { r.RawQuery = ""; return r }, ErrBadSignature},
		{"query in path", func(r *RESTRequest, o *Options) *RESTRequest {
			r.Path, r.RawQuery = r.Path+"\n"+r.RawQuery, ""
			return r
		}, ErrMalformedHeader},
		{"other path", func(r *RESTRequest, o *Options) *RESTRequest {
			r.Path = "/symetry/rest/c1/projects/other/build"
			return r
		}, ErrBadSignature},
		{"MD5 mismatch", func(r *RESTRequest, o *Options) *RESTRequest {
			r.Body = []byte(strings.Replace(restBuildBody, "12", "11", 1))
			return r
		}, ErrMD5Mismatch},
		{"MD5 missing with body", func(r *RESTRequest, o *Options) *RESTRequest { r.MD5 = ""; return r }, ErrMD5Mismatch},
		{"MD5 without body", func(_ *RESTRequest, o *Options) *RESTRequest {
			r := restInfoRequest()
			r.MD5 = "1B2M2Y8AsgTpgAmY7PhCfg==" // MD5 of nothing: the line must stay empty
			return r
		}, ErrMD5Mismatch},
		{"MD5 too long", func(r *RESTRequest, o *Options) *RESTRequest { r.MD5 += "AAAA"; return r }, ErrMD5Mismatch},
		{"body dropped", func(r *RESTRequest, o *Options) *RESTRequest { r.Body = nil; return r }, ErrMD5Mismatch},
		{"stale date", func(r *RESTRequest, o *Options) *RESTRequest {
			o.Now = fixedClock(vecTime.Add(5*time.Minute + time.Millisecond))
			return r
		}, ErrDateWindow},
		{"future date", func(r *RESTRequest, o *Options) *RESTRequest {
			o.Now = fixedClock(vecTime.Add(-2 * time.Minute))
			return r
		}, ErrDateWindow},
		{"bad date", func(r *RESTRequest, o *Options) *RESTRequest { r.Date = "2025-11-16 20:11:50 +0000"; return r }, ErrDateFormat},
		{"long date", func(r *RESTRequest, o *Options) *RESTRequest { r.Date = strings.Repeat("2025", 100); return r }, ErrDateFormat},
		{"HTTP date", func(r *RESTRequest, o *Options) *RESTRequest { r.Date = "Sun, 16 Nov 2025 20:11:50 GMT"; return r }, ErrDateFormat},
		{"SHA-1 refused", func(r *RESTRequest, o *Options) *RESTRequest { return signREST(r, vecSecret, restBuildPath, true) }, ErrSHA1NotAllowed},
		{"signature not Base64", func(r *RESTRequest, o *Options) *RESTRequest { r.Signature = "Bearer " + r.Signature; return r }, ErrMalformedHeader},
		{"signature huge", func(r *RESTRequest, o *Options) *RESTRequest { r.Signature = strings.Repeat("A", 10000); return r }, ErrBadSignature},
		{"no signature", func(r *RESTRequest, o *Options) *RESTRequest { r.Signature = ""; return r }, ErrMalformedHeader},
		{"no date", func(r *RESTRequest, o *Options) *RESTRequest { r.Date = ""; return r }, ErrMalformedHeader},
		{"no customer", func(r *RESTRequest, o *Options) *RESTRequest { r.CID = ""; return r }, ErrMalformedHeader},
		{"no method", func(r *RESTRequest, o *Options) *RESTRequest { r.Method = ""; return r }, ErrMalformedHeader},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{}
			r := tc.mod(restBuildRequest(), &opts)
			v := testVerifier(t, opts, nil)
			err := v.VerifyREST(r)
			wantErr(t, err, tc.want)
			if msg := err.Error(); strings.Contains(msg, vecSecret) || strings.Contains(msg, "\n") || strings.Contains(msg, "targets") {
				t.Errorf("error message leaks: %q", msg)
			}
		})
	}
}

func TestVerifyRESTSHA1Allowed(t *testing.T) {
	v := testVerifier(t, Options{AllowSHA1: true}, nil)
	if err := v.VerifyREST(signREST(restBuildRequest(), vecSecret, restBuildPath, true)); err != nil {
		t.Fatal(err)
	}
}

func TestAppendRESTStringToSignDebug(t *testing.T) {
	v := testVerifier(t, Options{}, nil)
	r := restBuildRequest()
	got := string(v.AppendRESTStringToSignDebug(nil, r))
	want := refRESTStringToSign("POST", restBuildMD5, "SECRETKEY", vecDate, vecCID, restBuildBody, restBuildPath, restBuildQry)
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
