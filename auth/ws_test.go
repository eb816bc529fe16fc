package auth

import (
	"bytes"
	"crypto/sha1"
	"strings"
	"testing"
	"time"
)

func TestPredictRefIsVector(t *testing.T) {
	r := predictRef().request()
	if string(r.Signature) != predictSig || string(r.MD5) != predictMD5 {
		t.Fatalf("reference signs %q %q, want the vector", r.Signature, r.MD5)
	}
}

// TestVerifyWSForms: the accepted strings to sign — full URL or bare path, with or without
// the final newline — and the public URL behind a proxy.
func TestVerifyWSForms(t *testing.T) {
	f := func(name string, c refWS, opts Options) {
		t.Helper()
		v := testVerifier(t, opts, nil)
		if err := v.VerifyWS(c.request()); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		// The remembered form must not stop other forms from verifying later.
		if opts.PublicURL != "" {
			return // the vector's URL is not the public one
		}
		if err := v.VerifyWS(predictRef().request()); err != nil {
			t.Errorf("%s then the vector: %v", name, err)
		}
	}
	c := predictRef()
	f("full URL, final newline", c, Options{})
	c.noFinalNL = true
	f("full URL, no final newline", c, Options{})
	c.signedURL = "/symetry/ws/predict"
	f("bare path, no final newline (2014 docs)", c, Options{})
	c.noFinalNL = false
	f("bare path, final newline", c, Options{})

	c = predictRef()
	c.signedURL = "wss://api.example.com/symetry/ws/predict"
	c.scheme, c.host = "ws", "10.0.0.7:8080" // what the server sees behind the proxy
	f("public URL", c, Options{PublicURL: "wss://api.example.com/"})
	c.keys = nil
	f("no extra keys", c, Options{PublicURL: "wss://api.example.com"})
	c.noFinalNL = true
	f("no extra keys, no final newline", c, Options{PublicURL: "wss://api.example.com"})

	// With a public URL, a client that dials the node directly (a cluster node's
	// advertised URL) signs the URL it dialled: accepted too, in both newline forms, and
	// the public URL still verifies after it.
	c = predictRef()
	c.signedURL = "ws://node-a:8080/symetry/ws/predict"
	c.scheme, c.host = "ws", "node-a:8080"
	f("the request's own URL beside a public URL", c, Options{PublicURL: "wss://api.example.com"})
	c.noFinalNL = true
	f("the request's own URL, no final newline", c, Options{PublicURL: "wss://api.example.com"})
	pv := testVerifier(t, Options{PublicURL: "wss://api.example.com"}, nil)
	for _, signed := range []string{"ws://node-a:8080/symetry/ws/predict", "wss://api.example.com/symetry/ws/predict", "/symetry/ws/predict"} {
		c = predictRef()
		c.signedURL, c.scheme, c.host = signed, "ws", "node-a:8080"
		if err := pv.VerifyWS(c.request()); err != nil {
			t.Errorf("%s after the others, behind a public URL: %v", signed, err)
		}
	}
	// Signed for another host than the request's (nor the public one): refused.
	c = predictRef()
	c.signedURL, c.scheme, c.host = "ws://node-b:8080/symetry/ws/predict", "ws", "node-a:8080"
	wantErr(t, pv.VerifyWS(c.request()), ErrBadSignature)

	// Behind a proxy, the Host seen by the server is not what the client signed.
	c = predictRef()
	c.signedURL = "wss://api.example.com/symetry/ws/predict"
	v := testVerifier(t, Options{}, nil)
	wantErr(t, v.VerifyWS(c.request()), ErrBadSignature)
}

func TestVerifyWSKeyRotation(t *testing.T) {
	v := testVerifier(t, Options{}, nil)
	for _, secret := range []string{rotatedSecret, vecSecret} {
		c := predictRef()
		c.cid, c.secret = "c3", secret
		if err := v.VerifyWS(c.request()); err != nil {
			t.Errorf("c3 with one of its secrets: %v", err)
		}
	}
	c := predictRef()
	c.cid, c.secret = "c3", otherSecret
	wantErr(t, v.VerifyWS(c.request()), ErrBadSignature)
}

func TestVerifyWSRefusals(t *testing.T) {
	type mod func(c *refWS, r *WSRequest, o *Options)
	cases := []struct {
		name string
		mod  mod
		want error
	}{
		{"wrong secret", func(c *refWS, r *WSRequest, o *Options) {
			*r = *refWSWith(*c, func(c *refWS) { c.secret = "d3Jvbmctc2VjcmV0LTE2Ynl0ZXM=" })
		}, ErrBadSignature},
		{"other customer's secret", func(c *refWS, r *WSRequest, o *Options) {
			*r = *refWSWith(*c, func(c *refWS) { c.secret = otherSecret })
		}, ErrBadSignature},
		{"other customer's id with own signature", func(c *refWS, r *WSRequest, o *Options) { r.CID = []byte("c2") }, ErrBadSignature},
		{"unknown customer", func(c *refWS, r *WSRequest, o *Options) { r.CID = []byte("c9") }, ErrUnknownCustomer},
		{"customer id prefix", func(c *refWS, r *WSRequest, o *Options) { r.CID = []byte("c") }, ErrUnknownCustomer},
		{"MD5 mismatch", func(c *refWS, r *WSRequest, o *Options) {
			r.Payload = bytes.Replace(r.Payload, []byte("4.3"), []byte("4.4"), 1)
		}, ErrMD5Mismatch},
		{"MD5 not canonical", func(c *refWS, r *WSRequest, o *Options) { r.MD5 = append(r.MD5, '=') }, ErrMD5Mismatch},
		{"MD5 lower case", func(c *refWS, r *WSRequest, o *Options) { r.MD5 = bytes.ToLower(r.MD5) }, ErrMD5Mismatch},
		{"payload and MD5 changed", func(c *refWS, r *WSRequest, o *Options) {
			r.Payload = bytes.Replace(r.Payload, []byte("4.3"), []byte("4.4"), 1)
			r.MD5 = []byte(refMD5(string(r.Payload)))
		}, ErrBadSignature},
		{"extra key changed", func(c *refWS, r *WSRequest, o *Options) { r.ExtraKeys[1] = []byte("otherModel") }, ErrBadSignature},
		{"extra key dropped", func(c *refWS, r *WSRequest, o *Options) { r.ExtraKeys = r.ExtraKeys[:1] }, ErrBadSignature},
		{"extra keys joined", func(c *refWS, r *WSRequest, o *Options) { r.ExtraKeys = [][]byte{[]byte("irisTest\ntestLDA")} }, ErrMalformedHeader},
		{"empty extra key added", func(c *refWS, r *WSRequest, o *Options) {
			// Without the final newline, ["irisTest","testLDA",""] signs like the original.
			r.ExtraKeys = append(r.ExtraKeys, []byte{})
		}, ErrMalformedHeader},
		{"other endpoint", func(c *refWS, r *WSRequest, o *Options) { r.Path = "/symetry/ws/learn" }, ErrBadSignature},
		{"other host", func(c *refWS, r *WSRequest, o *Options) { r.Host = "evil:8080" }, ErrBadSignature},
		{"date changed", func(c *refWS, r *WSRequest, o *Options) { r.Date = []byte("2025-11-16 20:11:51;294669000") }, ErrBadSignature},
		{"stale date", func(c *refWS, r *WSRequest, o *Options) {
			o.Now = fixedClock(vecTime.Add(5*time.Minute + time.Nanosecond))
		}, ErrDateWindow},
		{"stale date, custom window", func(c *refWS, r *WSRequest, o *Options) {
			o.ClockSkewPast = time.Second
			o.Now = fixedClock(vecTime.Add(2 * time.Second))
		}, ErrDateWindow},
		{"future date", func(c *refWS, r *WSRequest, o *Options) {
			o.Now = fixedClock(vecTime.Add(-time.Minute - time.Nanosecond))
		}, ErrDateWindow},
		{"date of 2014", func(c *refWS, r *WSRequest, o *Options) {
			*r = *refWSWith(*c, func(c *refWS) { c.date = "2014-10-24 17:17:58" })
		}, ErrDateWindow},
		{"date with T", func(c *refWS, r *WSRequest, o *Options) { r.Date = []byte("2025-11-16T20:11:50;294669000") }, ErrDateFormat},
		{"date with dot", func(c *refWS, r *WSRequest, o *Options) { r.Date = []byte("2025-11-16 20:11:50.294669000") }, ErrDateFormat},
		{"date with zone", func(c *refWS, r *WSRequest, o *Options) { r.Date = []byte("2025-11-16 20:11:50Z") }, ErrDateFormat},
		{"date RFC 1123", func(c *refWS, r *WSRequest, o *Options) { r.Date = []byte("Sun, 16 Nov 2025 20:11:50 GMT") }, ErrDateFormat},
		{"date Feb 30", func(c *refWS, r *WSRequest, o *Options) { r.Date = []byte("2025-02-30 20:11:50") }, ErrDateFormat},
		{"date 10 fraction digits", func(c *refWS, r *WSRequest, o *Options) { r.Date = []byte("2025-11-16 20:11:50;2946690000") }, ErrDateFormat},
		{"date unix", func(c *refWS, r *WSRequest, o *Options) { r.Date = []byte("1763323910") }, ErrDateFormat},
		{"SHA-1 refused", func(c *refWS, r *WSRequest, o *Options) {
			*r = *refWSWith(*c, func(c *refWS) { c.newHash = sha1.New })
		}, ErrSHA1NotAllowed},
		{"SHA-1 allowed but wrong", func(c *refWS, r *WSRequest, o *Options) {
			*r = *refWSWith(*c, func(c *refWS) { c.newHash = sha1.New; c.secret = otherSecret })
			o.AllowSHA1 = true
		}, ErrBadSignature},
		{"signature truncated to 30 bytes", func(c *refWS, r *WSRequest, o *Options) { r.Signature = r.Signature[:40] }, ErrBadSignature},
		{"signature truncated mid-group", func(c *refWS, r *WSRequest, o *Options) { r.Signature = r.Signature[:41] }, ErrMalformedHeader},
		{"signature without padding", func(c *refWS, r *WSRequest, o *Options) { r.Signature = r.Signature[:43] }, ErrMalformedHeader},
		{"signature 16 bytes", func(c *refWS, r *WSRequest, o *Options) { r.Signature = []byte("AAAAAAAAAAAAAAAAAAAAAA==") }, ErrBadSignature},
		{"signature 64 bytes", func(c *refWS, r *WSRequest, o *Options) { r.Signature = bytes.Repeat([]byte("AAAA"), 22)[:88] }, ErrBadSignature},
		{"signature huge", func(c *refWS, r *WSRequest, o *Options) { r.Signature = bytes.Repeat([]byte("AAAA"), 1000) }, ErrBadSignature},
		{"signature not Base64", func(c *refWS, r *WSRequest, o *Options) { r.Signature[5] = '!' }, ErrMalformedHeader},
		{"signature with newline", func(c *refWS, r *WSRequest, o *Options) {
			r.Signature = append(append(append([]byte(nil), r.Signature[:20]...), '\n'), r.Signature[20:]...)
		}, ErrMalformedHeader},
		{"signature URL-safe alphabet", func(c *refWS, r *WSRequest, o *Options) {
			*r = *refWSWith(*c, func(c *refWS) { c.payload += " " })
			r.Signature = []byte(strings.NewReplacer("+", "-", "/", "_").Replace(string(r.Signature)))
		}, ErrMalformedHeader},
		{"signature flipped bit", func(c *refWS, r *WSRequest, o *Options) {
			if r.Signature[0] == 'A' {
				r.Signature[0] = 'B'
			} else {
				r.Signature[0] = 'A'
			}
		}, ErrBadSignature},
		{"empty date", func(c *refWS, r *WSRequest, o *Options) { r.Date = nil }, ErrMalformedHeader},
		{"empty MD5", func(c *refWS, r *WSRequest, o *Options) { r.MD5 = nil }, ErrMalformedHeader},
		{"empty signature", func(c *refWS, r *WSRequest, o *Options) { r.Signature = nil }, ErrMalformedHeader},
		{"empty customer", func(c *refWS, r *WSRequest, o *Options) { r.CID = nil }, ErrMalformedHeader},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := predictRef()
			r := c.request()
			opts := Options{}
			tc.mod(&c, r, &opts)
			v := testVerifier(t, opts, nil)
			err := v.VerifyWS(r)
			wantErr(t, err, tc.want)
			if msg := err.Error(); strings.Contains(msg, vecSecret) || strings.Contains(msg, otherSecret) ||
				strings.Contains(msg, "\n") || strings.Contains(msg, "sepal") {
				t.Errorf("error message leaks: %q", msg)
			}
		})
	}
}

func refWSWith(c refWS, mod func(*refWS)) *WSRequest {
	mod(&c)
	return c.request()
}

func TestVerifyWSSHA1Allowed(t *testing.T) {
	c := predictRef()
	c.newHash = sha1.New
	v := testVerifier(t, Options{AllowSHA1: true}, nil)
	if err := v.VerifyWS(c.request()); err != nil {
		t.Fatalf("SHA-1 signature refused with AllowSHA1: %v", err)
	}
	// The algorithm is told by the length: a SHA-256 signature still verifies.
	if err := v.VerifyWS(predictRef().request()); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyWSWindowEdges: a date exactly at either edge of the window is accepted.
func TestVerifyWSWindowEdges(t *testing.T) {
	for _, now := range []time.Time{vecTime.Add(5 * time.Minute), vecTime.Add(-time.Minute)} {
		v := testVerifier(t, Options{Now: fixedClock(now)}, nil)
		if err := v.VerifyWS(predictRef().request()); err != nil {
			t.Errorf("now %v: %v", now, err)
		}
	}
}

func TestVerifyWSNilKeyStore(t *testing.T) {
	v := NewVerifier(nil, Options{Now: fixedClock(vecTime)}, nil)
	wantErr(t, v.VerifyWS(predictRef().request()), ErrUnknownCustomer)
}

func TestNewKeyStore(t *testing.T) {
	if _, err := NewKeyStore(map[string][]string{"c1": {vecSecret, rotatedSecret}}); err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		name      string
		customers map[string][]string
		want      string
	}{
		{"empty id", map[string][]string{"": {vecSecret}}, "empty customer id"},
		{"control in id", map[string][]string{"c\n1": {vecSecret}}, "control character"},
		{"no secret", map[string][]string{"c1": {}}, "0 secrets"},
		{"too many secrets", map[string][]string{"c1": make([]string, MaxSecretsPerCustomer+1)}, "9 secrets"},
		{"not Base64", map[string][]string{"c1": {"A1ciUrDJgm5LIJU710bxeQ"}}, "not valid standard Base64"},
		{"URL alphabet", map[string][]string{"c1": {"A1ciUrDJgm5LIJU710bx-_=="}}, "not valid standard Base64"},
		{"trailing newline", map[string][]string{"c1": {vecSecret + "\n"}}, "not valid standard Base64"},
		{"short", map[string][]string{"c1": {"c2hvcnQtc2VjcmV0"}}, "12 bytes decoded, want at least 16"},
		{"repeated", map[string][]string{"c1": {vecSecret, vecSecret}}, "secret 1 repeats secret 0"},
	}
	for _, c := range bad {
		_, err := NewKeyStore(c.customers)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "A1ciUrDJgm5L") {
			t.Errorf("%s: error quotes the secret: %v", c.name, err)
		}
	}
	// Every problem is reported at once.
	_, err := NewKeyStore(map[string][]string{"a": {"x"}, "b": {}})
	if err == nil || !strings.Contains(err.Error(), `"a"`) || !strings.Contains(err.Error(), `"b"`) {
		t.Errorf("want both problems, got %v", err)
	}
}

func TestAppendStringToSignDebug(t *testing.T) {
	v := testVerifier(t, Options{}, nil)
	r := learnRequest(t)
	got := string(v.AppendStringToSignDebug(nil, r))
	want := refWSStringToSign(learnMD5, "SECRETKEY", vecDate, vecCID, string(r.Payload), learnURL, []string{"rtest1"}, true)
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if strings.Contains(got, vecSecret) {
		t.Error("debug string holds the secret")
	}

	// A long payload is cut at 1 KiB, on a UTF-8 boundary.
	r.Payload = []byte(strings.Repeat("a", MaxDebugPayload-1) + "é" + strings.Repeat("b", 5000))
	got = string(v.AppendStringToSignDebug(nil, r))
	want = refWSStringToSign(learnMD5, "SECRETKEY", vecDate, vecCID, strings.Repeat("a", MaxDebugPayload-1), learnURL, []string{"rtest1"}, true)
	if got != want {
		t.Errorf("cut payload: got %d bytes, want %d", len(got), len(want))
	}
	r.Payload = []byte(strings.Repeat("a", 5000))
	got = string(v.AppendStringToSignDebug(nil, r))
	if want := strings.Repeat("a", MaxDebugPayload) + "\n" + learnURL; !strings.Contains(got, want) || strings.Contains(got, want[1:]+"a") {
		t.Errorf("payload not cut at %d bytes", MaxDebugPayload)
	}
}

// TestVerifyWSAt: the window is checked at the time given, not at Options.Now.
func TestVerifyWSAt(t *testing.T) {
	v := testVerifier(t, Options{Now: fixedClock(vecTime.Add(time.Hour))}, nil)
	wantErr(t, v.VerifyWS(predictRef().request()), ErrDateWindow)
	if err := v.VerifyWSAt(predictRef().request(), vecTime); err != nil {
		t.Fatal(err)
	}
	wantErr(t, v.VerifyWSAt(predictRef().request(), vecTime.Add(-time.Minute-time.Nanosecond)), ErrDateWindow)
}

// TestVerifyWSPayloadSizes: payloads hashed in one write with the rest of the string to
// sign (small) and in three (large) verify alike, in every form, and a changed byte is
// refused either way.
func TestVerifyWSPayloadSizes(t *testing.T) {
	v := testVerifier(t, Options{}, nil)
	for _, n := range []int{0, 1, maxCopiedPayload - 1, maxCopiedPayload, maxCopiedPayload + 1, 3 * maxCopiedPayload} {
		for _, bare := range []bool{false, true} {
			c := predictRef()
			c.payload = strings.Repeat("x", n)
			c.noFinalNL = bare
			if bare {
				c.signedURL = "/symetry/ws/predict"
			}
			if err := v.VerifyWS(c.request()); err != nil {
				t.Errorf("payload of %d bytes, bare %v: %v", n, bare, err)
			}
			r := c.request()
			r.Signature = predictRef().request().Signature
			wantErr(t, v.VerifyWS(r), ErrBadSignature)
		}
	}
}
