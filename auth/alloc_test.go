package auth

import (
	"testing"
	"time"
)

func TestVerifyAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	v := testVerifier(t, Options{}, nil)
	pr := predictRequest(t)
	c := predictRef()
	c.signedURL, c.noFinalNL = "/symetry/ws/predict", true
	bare := c.request()
	rest := restBuildRequest()
	restGet := restInfoRequest()
	for name, f := range map[string]func() error{
		"VerifyWS predict":               func() error { return v.VerifyWS(pr) },
		"VerifyWSAt predict":             func() error { return v.VerifyWSAt(pr, vecTime) },
		"VerifyWS bare path, no newline": func() error { return v.VerifyWS(bare) },
		"VerifyREST POST":                func() error { return v.VerifyREST(rest) },
		"VerifyREST GET":                 func() error { return v.VerifyREST(restGet) },
	} {
		if err := f(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if allocs := testing.AllocsPerRun(100, func() {
			if err := f(); err != nil {
				t.Fatal(err)
			}
		}); allocs != 0 {
			t.Errorf("%s: %v allocs, want 0", name, allocs)
		}
	}
}

// TestVerifyReplayAllocs: verifying distinct signed learn messages with the replay check
// allocates nothing once the cache has reached its working size.
func TestVerifyReplayAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	const n = 400
	msgs := make([]*WSRequest, 2*n)
	start := vecTime
	for i := range msgs {
		msgs[i] = learnRef(start.Add(time.Duration(i)*time.Second), i)
	}
	// One message a second, each remembered 100 s: about 100 live entries, one expiring per
	// message once warm.
	const window = 100 * time.Second
	rc := NewReplayCache(n, window)
	now := start
	v := testVerifier(t, Options{Now: func() time.Time { return now }, ClockSkewPast: window}, rc)
	next := 0
	verifyNext := func() {
		now = start.Add(time.Duration(next) * time.Second)
		if err := v.VerifyWS(msgs[next]); err != nil {
			t.Fatal(err)
		}
		next++
	}
	for range n { // warm-up: the map and heap reach their size
		verifyNext()
	}
	if got := rc.Len(); got < 100 || got > 101 {
		t.Fatalf("%d live entries, want about 100", got)
	}
	if allocs := testing.AllocsPerRun(n-1, verifyNext); allocs != 0 {
		t.Errorf("%v allocs per verification with replay check, want 0", allocs)
	}
}

func TestSignerAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	s := &Signer{CID: vecCID, Secret: vecSecret, Now: fixedClock(vecTime)}
	payload := []byte(predictPayld)
	keys := []string{"irisTest", "testLDA"}
	buf := s.AppendWSMessage(nil, predictURL, keys, payload)
	if allocs := testing.AllocsPerRun(100, func() {
		buf = s.AppendWSMessage(buf[:0], predictURL, keys, payload)
	}); allocs != 0 {
		t.Errorf("%v allocs per AppendWSMessage, want 0", allocs)
	}
}
