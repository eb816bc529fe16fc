package auth

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// signedWS signs a message of customer cid (secret) at date for url's path, with a
// payload made unique by n, as a client does, and reads it back.
func signedWS(t testing.TB, cid, secret, path string, keys []string, date time.Time, n int) *WSRequest {
	t.Helper()
	s := &Signer{CID: cid, Secret: secret, Now: fixedClock(date)}
	payload := fmt.Appendf(nil, `{"attributeNames":["a"],"data":[["%d"]],"attributeTypes":["C"]}`, n)
	r, err := splitMessage(s.AppendWSMessage(nil, "ws://charm:8080"+path, keys, payload))
	if err != nil {
		t.Fatal(err)
	}
	r.Scheme, r.Host, r.Path = "ws", "charm:8080", path
	return r
}

func signedLearn(t testing.TB, cid, secret string, date time.Time, n int) *WSRequest {
	r := signedWS(t, cid, secret, "/symetry/ws/learn", []string{"p"}, date, n)
	r.Change = true
	return r
}

func signedPredict(t testing.TB, cid, secret string, date time.Time, n int) *WSRequest {
	return signedWS(t, cid, secret, "/symetry/ws/predict", []string{"p", "m"}, date, n)
}

// TestReplayShareIsPerCustomer is the replay-memory exhaustion at the package level:
// customer c1 fills its share of the replay memory with signed no-op learns and gets its
// own new ones refused (503), while customer c2's changes are still accepted, and replays
// of either are still refused.
func TestReplayShareIsPerCustomer(t *testing.T) {
	ks := testKeyStore(t) // three customers: a share of 10 each
	rc := NewCustomerReplayCache(ks, 30, DefaultClockSkewPast)
	v := NewVerifier(ks, Options{Now: fixedClock(vecTime)}, rc)
	for i := range 10 {
		if err := v.VerifyWS(signedLearn(t, vecCID, vecSecret, vecTime, i)); err != nil {
			t.Fatalf("c1 learn %d: %v", i, err)
		}
	}
	for i := range 5 {
		wantErr(t, v.VerifyWS(signedLearn(t, vecCID, vecSecret, vecTime, 100+i)), ErrReplayFull)
	}
	wantErr(t, v.VerifyWS(signedLearn(t, vecCID, vecSecret, vecTime, 0)), ErrReplay)
	for i := range 10 {
		if err := v.VerifyWS(signedLearn(t, "c2", otherSecret, vecTime, i)); err != nil {
			t.Fatalf("c2 learn %d while c1's share is full: %v", i, err)
		}
	}
	wantErr(t, v.VerifyWS(signedLearn(t, "c2", otherSecret, vecTime, 3)), ErrReplay)
	wantErr(t, v.VerifyWS(signedLearn(t, "c2", otherSecret, vecTime, 10)), ErrReplayFull)
	if rc.Len() != 20 {
		t.Fatalf("%d entries, want 20", rc.Len())
	}
	// A customer the key store does not know has no share (fails closed).
	wantErr(t, replayCheck(rc, "nobody", replayKey{1}, vecTime, vecTime, false), ErrReplayFull)
}

func TestCustomerReplayCacheShares(t *testing.T) {
	ks := testKeyStore(t)
	for _, c := range []struct{ capacity, share int }{{30, 10}, {31, 10}, {2, 1}, {0, 0}, {-3, 0}, {3_000_000, 1_000_000}} {
		if rc := NewCustomerReplayCache(ks, c.capacity, time.Minute); rc.share != c.share {
			t.Errorf("capacity %d for 3 customers: share %d, want %d", c.capacity, rc.share, c.share)
		}
	}
	rc := NewCustomerReplayCache(ks, 0, time.Minute)
	v := NewVerifier(ks, Options{Now: fixedClock(vecTime)}, rc)
	wantErr(t, v.VerifyWS(signedLearn(t, vecCID, vecSecret, vecTime, 1)), ErrReplayFull)
}

// TestReplayOfReads: with ReplayReads a replayed predict (WebSocket or REST) or REST read
// is refused like a change; without it, and for subscriptions, it is accepted. Reads fill
// a pool of their own: a customer's reads never crowd out its changes.
func TestReplayOfReads(t *testing.T) {
	ks := testKeyStore(t)
	rc := NewCustomerReplayCache(ks, 9, DefaultClockSkewPast) // 3 per pool
	v := NewVerifier(ks, Options{Now: fixedClock(vecTime), ReplayReads: true}, rc)
	pr := predictRequest(t)
	if err := v.VerifyWS(pr); err != nil {
		t.Fatal(err)
	}
	if key, date := v.Accepted(); key == (replayKey{}) || !date.Equal(vecTime) {
		t.Fatalf("Accepted after a read: %x %v", key, date)
	}
	wantErr(t, v.VerifyWS(pr), ErrReplay)
	wantErr(t, NewVerifier(ks, Options{Now: fixedClock(vecTime), ReplayReads: true}, rc).VerifyWS(pr), ErrReplay)
	info := restInfoRequest()
	if err := v.VerifyREST(info); err != nil {
		t.Fatal(err)
	}
	wantErr(t, v.VerifyREST(info), ErrReplay)
	// The reads pool of c1 holds 3: one more read fills it, the next is refused...
	if err := v.VerifyWS(signedPredict(t, vecCID, vecSecret, vecTime, 1)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, v.VerifyWS(signedPredict(t, vecCID, vecSecret, vecTime, 2)), ErrReplayFull)
	// ... while c1's changes still have their whole pool.
	for i := range 3 {
		if err := v.VerifyWS(signedLearn(t, vecCID, vecSecret, vecTime, i)); err != nil {
			t.Fatalf("change %d after the reads filled theirs: %v", i, err)
		}
	}
	// A subscription's signature may come again; without ReplayReads, so may a read's.
	sub := signedWS(t, vecCID, vecSecret, "/symetry/ws/subscribe", []string{"p"}, vecTime, 1)
	sub.Subscribe = true
	lax := NewVerifier(ks, Options{Now: fixedClock(vecTime)}, rc)
	for range 3 {
		if err := v.VerifyWS(sub); err != nil {
			t.Fatalf("subscription: %v", err)
		}
		if err := lax.VerifyWS(pr); err != nil {
			t.Fatalf("read without ReplayReads: %v", err)
		}
	}
	// A change marked Subscribe is still a change.
	learn := signedLearn(t, vecCID, vecSecret, vecTime, 0)
	learn.Subscribe = true
	wantErr(t, v.VerifyWS(learn), ErrReplay)
}

// TestReplayRememberedForEveryCustomer: signatures given back after a restart carry no
// customer and are refused whoever sends them again; when they overflow their pool, every
// check is refused until the newest one left out has expired.
func TestReplayRememberedForEveryCustomer(t *testing.T) {
	ks := testKeyStore(t)
	now := vecTime
	rc := NewCustomerReplayCache(ks, 3, DefaultClockSkewPast)
	v := NewVerifier(ks, Options{Now: func() time.Time { return now }}, rc)
	learn := signedLearn(t, "c2", otherSecret, vecTime, 7)
	var key [16]byte
	sig, _, err := v.decodeSignature(learn.Signature)
	if err != nil {
		t.Fatal(err)
	}
	copy(key[:], sig)
	if err := rc.Remember(key, vecTime, now); err != nil {
		t.Fatal(err)
	}
	wantErr(t, v.VerifyWS(learn), ErrReplay)
	if err := v.VerifyWS(signedLearn(t, "c2", otherSecret, vecTime, 8)); err != nil {
		t.Fatalf("a new change: %v", err)
	}
	// Overflow: 3 fit, the fourth does not.
	for i := range 3 {
		if err := rc.Remember([16]byte{byte(i + 1)}, vecTime.Add(time.Duration(i)*time.Second), now); err != nil && i < 2 {
			t.Fatal(err)
		}
	}
	if err := rc.Remember([16]byte{9}, vecTime.Add(30*time.Second), now); !errors.Is(err, ErrReplayFull) {
		t.Fatalf("overflowing Remember: %v", err)
	}
	wantErr(t, v.VerifyWS(signedLearn(t, vecCID, vecSecret, vecTime, 1)), ErrReplayFull)
	now = vecTime.Add(DefaultClockSkewPast + 30*time.Second)
	wantErr(t, v.VerifyWS(signedLearn(t, vecCID, vecSecret, now, 1)), ErrReplayFull)
	now = now.Add(time.Nanosecond)
	if err := v.VerifyWS(signedLearn(t, vecCID, vecSecret, now, 1)); err != nil {
		t.Fatalf("after the left-out signature expired: %v", err)
	}
}

// TestVerifyCustomerReplayAllocs: with per-customer shares, verifying distinct signed
// changes and reads, over WebSocket and REST, allocates nothing once warm.
func TestVerifyCustomerReplayAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	const n = 400
	const window = 100 * time.Second
	ks := testKeyStore(t)
	rc := NewCustomerReplayCache(ks, 3*n, window)
	now := vecTime
	v := NewVerifier(ks, Options{Now: func() time.Time { return now }, ClockSkewPast: window, ReplayReads: true}, rc)
	ws := make([]*WSRequest, 2*n)
	rest := make([]*RESTRequest, 2*n)
	signer := &Signer{CID: "c2", Secret: otherSecret}
	for i := range ws {
		at := vecTime.Add(time.Duration(i) * time.Second)
		ws[i] = signedLearn(t, vecCID, vecSecret, at, i)
		signer.Now = fixedClock(at)
		date, _, sig := signer.SignREST("GET", "/symetry/rest/c2/projects/list", "", nil)
		rest[i] = &RESTRequest{Method: "GET", Date: date, Signature: sig, CID: "c2",
			Path: "/symetry/rest/c2/projects/list", Scheme: "http", Host: "charm:8080"}
	}
	next := 0
	verifyNext := func() {
		now = vecTime.Add(time.Duration(next) * time.Second)
		if err := v.VerifyWS(ws[next]); err != nil {
			t.Fatal(err)
		}
		if err := v.VerifyREST(rest[next]); err != nil {
			t.Fatal(err)
		}
		next++
	}
	for range n {
		verifyNext()
	}
	if allocs := testing.AllocsPerRun(n-1, verifyNext); allocs != 0 {
		t.Errorf("%v allocs per pair of verifications, want 0", allocs)
	}
}

// keyOf is the replay key a verifier records for r.
func keyOf(t *testing.T, v *Verifier, r *WSRequest) [16]byte {
	t.Helper()
	sig, _, err := v.decodeSignature(r.Signature)
	if err != nil {
		t.Fatal(err)
	}
	var key [16]byte
	copy(key[:], sig)
	return key
}

// TestReplayRememberedPerCustomer: signatures given back after a restart with their
// customer go back to that customer's share, reads and changes apart: replays of them are
// refused, and when a customer's share overflows only that customer's checks of that kind
// are refused, until the newest signature left out has expired; a customer no longer
// configured is ignored.
func TestReplayRememberedPerCustomer(t *testing.T) {
	ks := testKeyStore(t) // three customers: a share of 2 each
	now := vecTime
	rc := NewCustomerReplayCache(ks, 6, DefaultClockSkewPast)
	v := NewVerifier(ks, Options{Now: func() time.Time { return now }, ReplayReads: true}, rc)
	learn := signedLearn(t, "c2", otherSecret, vecTime, 1)
	predict := signedPredict(t, "c2", otherSecret, vecTime, 1)
	if err := rc.RememberFor("c2", keyOf(t, v, learn), vecTime, false, now); err != nil {
		t.Fatal(err)
	}
	if err := rc.RememberFor("c2", keyOf(t, v, predict), vecTime, true, now); err != nil {
		t.Fatal(err)
	}
	wantErr(t, v.VerifyWS(learn), ErrReplay)
	wantErr(t, v.VerifyWS(predict), ErrReplay)
	if err := rc.RememberFor("gone", [16]byte{1}, vecTime, false, now); err != nil {
		t.Fatalf("a customer no longer configured: %v", err)
	}
	// c2's change pool (2) overflows: its changes are refused, its reads and every other
	// customer's messages are not.
	if err := rc.RememberFor("c2", [16]byte{2}, vecTime, false, now); err != nil {
		t.Fatal(err)
	}
	if err := rc.RememberFor("c2", [16]byte{3}, vecTime.Add(30*time.Second), false, now); !errors.Is(err, ErrReplayFull) {
		t.Fatalf("overflowing RememberFor: %v", err)
	}
	wantErr(t, v.VerifyWS(signedLearn(t, "c2", otherSecret, vecTime, 2)), ErrReplayFull)
	if err := v.VerifyWS(signedPredict(t, "c2", otherSecret, vecTime, 2)); err != nil {
		t.Fatalf("c2's read: %v", err)
	}
	if err := v.VerifyWS(signedLearn(t, vecCID, vecSecret, vecTime, 2)); err != nil {
		t.Fatalf("another customer's change: %v", err)
	}
	now = vecTime.Add(DefaultClockSkewPast + 30*time.Second + time.Nanosecond)
	if err := v.VerifyWS(signedLearn(t, "c2", otherSecret, now, 3)); err != nil {
		t.Fatalf("after the left-out signature expired: %v", err)
	}
}
