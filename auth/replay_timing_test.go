package auth

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkVerifyReplayRead: verifying distinct signed REST requests with the replay check
// of reads off (the baseline), of reads on (auth.replay_predict) with per-customer shares,
// and of the same requests as changes with per-customer shares and with one share for
// everyone (as before shares). One op is one verification; every 4096 the memory starts
// afresh (not timed), so that the window holds at most 4096 live entries.
func BenchmarkVerifyReplayRead(b *testing.B) {
	const m = 4096
	ks := testKeyStore(b)
	reqs := make([]*RESTRequest, m)
	signer := &Signer{CID: vecCID, Secret: vecSecret}
	for i := range reqs {
		at := vecTime.Add(time.Duration(i) * time.Millisecond)
		signer.Now = fixedClock(at)
		path := fmt.Sprintf("/symetry/rest/c1/projects/p%d/info", i%7)
		date, _, sig := signer.SignREST("GET", path, "", nil)
		reqs[i] = &RESTRequest{Method: "GET", Date: date, Signature: sig, CID: vecCID, Path: path, Scheme: "http", Host: "charm:8080"}
	}
	for _, c := range []struct {
		name         string
		reads, share bool
		change       bool
	}{
		{"read_unchecked", false, true, false},
		{"read_checked", true, true, false},
		{"change_customer_share", false, true, true},
		{"change_one_share", false, false, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			now := vecTime
			opts := Options{Now: func() time.Time { return now }, ReplayReads: c.reads}
			newCache := func() *ReplayCache {
				if c.share {
					return NewCustomerReplayCache(ks, 3*2*m, DefaultClockSkewPast)
				}
				return NewReplayCache(2*m, DefaultClockSkewPast)
			}
			for _, r := range reqs {
				r.Change = c.change
			}
			on := c.reads || c.change
			v := NewVerifier(ks, opts, newCache())
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if i%m == 0 {
					b.StopTimer()
					v = NewVerifier(ks, opts, newCache())
					for _, r := range reqs[:64] { // warm the HMACs and the share
						now = vecTime
						_ = v.VerifyREST(r)
					}
					b.StartTimer()
				}
				r := reqs[i%m]
				now = vecTime.Add(time.Duration(i%m) * time.Millisecond)
				if err := v.VerifyREST(r); err != nil && !(on && i%m < 64) {
					b.Fatal(err)
				}
			}
		})
	}
}
