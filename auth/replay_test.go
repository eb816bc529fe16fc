package auth

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// learnRef returns a learn request signed at date with a payload made unique by n.
func learnRef(date time.Time, n int) *WSRequest {
	c := predictRef()
	c.date = FormatDate(date)
	c.payload = fmt.Sprintf(`{"attributeNames":["a"],"data":[["%d"]],"attributeTypes":["C"]}`, n)
	c.signedURL, c.path, c.keys = learnURL, "/symetry/ws/learn", []string{"rtest1"}
	r := c.request()
	r.Change = true
	return r
}

func TestReplayRefused(t *testing.T) {
	rc := NewReplayCache(100, DefaultClockSkewPast)
	v := testVerifier(t, Options{}, rc)
	learn := learnRequest(t)
	learn.Change = true
	if err := v.VerifyWS(learn); err != nil {
		t.Fatal(err)
	}
	wantErr(t, v.VerifyWS(learn), ErrReplay)
	// From another connection too.
	wantErr(t, testVerifier(t, Options{}, rc).VerifyWS(learn), ErrReplay)
	// Predict is not checked: the same signature may be sent again.
	pr := predictRequest(t)
	for range 2 {
		if err := v.VerifyWS(pr); err != nil {
			t.Fatal(err)
		}
	}
	// REST learn and forget are checked the same way.
	r := restBuildRequest()
	r.Change = true
	if err := v.VerifyREST(r); err != nil {
		t.Fatal(err)
	}
	wantErr(t, v.VerifyREST(r), ErrReplay)
	if rc.Len() != 2 {
		t.Errorf("cache holds %d entries, want 2", rc.Len())
	}
}

// TestReplayNotRecordedOnFailure: a message that fails verification is not remembered, so
// the genuine one still passes.
func TestReplayNotRecordedOnFailure(t *testing.T) {
	rc := NewReplayCache(100, DefaultClockSkewPast)
	v := testVerifier(t, Options{}, rc)
	learn := learnRequest(t)
	learn.Change = true
	bad := *learn
	bad.ExtraKeys = [][]byte{[]byte("other")}
	wantErr(t, v.VerifyWS(&bad), ErrBadSignature)
	if rc.Len() != 0 {
		t.Fatalf("a refused message was recorded")
	}
	if err := v.VerifyWS(learn); err != nil {
		t.Fatal(err)
	}
}

// TestReplayExpiry: an entry is kept while its date is inside the window, dropped after.
func TestReplayExpiry(t *testing.T) {
	rc := NewReplayCache(1, DefaultClockSkewPast)
	now := vecTime
	v := testVerifier(t, Options{Now: func() time.Time { return now }}, rc)
	first := learnRef(vecTime, 1)
	if err := v.VerifyWS(first); err != nil {
		t.Fatal(err)
	}
	// Full while the entry lives, up to the last instant the date is accepted.
	now = vecTime.Add(DefaultClockSkewPast)
	wantErr(t, v.VerifyWS(first), ErrReplay)
	wantErr(t, v.VerifyWS(learnRef(now, 2)), ErrReplayFull)
	// One nanosecond later the first message's date is out of the window: refused by the
	// date check, and its entry has room for a new message.
	now = now.Add(time.Nanosecond)
	wantErr(t, v.VerifyWS(first), ErrDateWindow)
	if err := v.VerifyWS(learnRef(now, 3)); err != nil {
		t.Fatalf("expired entry not dropped: %v", err)
	}
	if rc.Len() != 1 {
		t.Errorf("Len = %d, want 1", rc.Len())
	}
}

// TestReplayFutureDate: a message dated ahead stays remembered until its own date leaves
// the window.
func TestReplayFutureDate(t *testing.T) {
	rc := NewReplayCache(10, DefaultClockSkewPast)
	now := vecTime
	v := testVerifier(t, Options{Now: func() time.Time { return now }}, rc)
	ahead := learnRef(vecTime.Add(DefaultClockSkewFuture), 1)
	if err := v.VerifyWS(ahead); err != nil {
		t.Fatal(err)
	}
	now = vecTime.Add(DefaultClockSkewFuture + DefaultClockSkewPast)
	wantErr(t, v.VerifyWS(ahead), ErrReplay)
}

// TestReplayFull: when full of live entries, new signed learns are refused (fail closed),
// replays are still recognised, and nothing else is evicted.
func TestReplayFull(t *testing.T) {
	const capacity = 5
	rc := NewReplayCache(capacity, DefaultClockSkewPast)
	v := testVerifier(t, Options{}, rc)
	for i := range capacity {
		if err := v.VerifyWS(learnRef(vecTime, i)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		wantErr(t, v.VerifyWS(learnRef(vecTime, capacity+i)), ErrReplayFull)
	}
	wantErr(t, v.VerifyWS(learnRef(vecTime, 0)), ErrReplay)
	if rc.Len() != capacity {
		t.Errorf("Len = %d, want %d", rc.Len(), capacity)
	}
}

func TestReplayFailsClosed(t *testing.T) {
	for name, rc := range map[string]*ReplayCache{"nil": nil, "capacity 0": NewReplayCache(0, time.Minute), "negative": NewReplayCache(-5, time.Minute)} {
		v := testVerifier(t, Options{}, rc)
		if err := v.VerifyWS(learnRef(vecTime, 1)); !errors.Is(err, ErrReplayFull) {
			t.Errorf("%s: %v, want ErrReplayFull", name, err)
		}
	}
}

func TestReplayShards(t *testing.T) {
	for _, c := range []struct{ capacity, shards int }{{1, 1}, {1000, 1}, {2048, 2}, {1_000_000, 16}, {16*1024 + 5, 16}} {
		pool := NewReplayCache(c.capacity, time.Minute).everyone.changes
		total := 0
		for i := range pool.shards {
			total += pool.shards[i].capacity
		}
		if len(pool.shards) != c.shards || total != c.capacity {
			t.Errorf("capacity %d: %d shards holding %d, want %d shards holding %d", c.capacity, len(pool.shards), total, c.shards, c.capacity)
		}
	}
}

// TestReplayHeap checks expiry against a plain count: after each check, the cache holds
// exactly the entries whose date is still inside the window.
func TestReplayHeap(t *testing.T) {
	const window = time.Second
	rc := NewReplayCache(1000, window)
	base := time.Unix(1_700_000_000, 0)
	var dates []time.Time
	for i := range 500 {
		var k replayKey
		k[0], k[1] = byte(i), byte(i>>8)
		d := base.Add(time.Duration((i*7919)%500) * time.Millisecond) // shuffled dates
		dates = append(dates, d)
		if err := replayCheck(rc, vecCID, k, d, base, false); err != nil {
			t.Fatal(err)
		}
	}
	for step := 1; step <= 10; step++ {
		now := base.Add(window + time.Duration(step*50)*time.Millisecond)
		var probe replayKey
		probe[15] = byte(step) // dated now: alive for the rest of the test
		dates = append(dates, now)
		if err := replayCheck(rc, vecCID, probe, now, now, false); err != nil {
			t.Fatal(err)
		}
		live := 0
		for _, d := range dates {
			if !d.Add(window).Before(now) {
				live++
			}
		}
		if got := rc.Len(); got != live {
			t.Errorf("at +%v: %d entries, want %d", now.Sub(base), got, live)
		}
	}
}

// TestReplayConcurrent: of many connections sending the same signed learn at once, exactly
// one is accepted.
func TestReplayConcurrent(t *testing.T) {
	rc := NewReplayCache(10_000, DefaultClockSkewPast)
	ks := testKeyStore(t)
	msgs := make([]*WSRequest, 50)
	for i := range msgs {
		msgs[i] = learnRef(vecTime, i)
	}
	var accepted [50]atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := NewVerifier(ks, Options{Now: fixedClock(vecTime)}, rc)
			for i, m := range msgs {
				r := *m
				switch err := v.VerifyWS(&r); {
				case err == nil:
					accepted[i].Add(1)
				case !errors.Is(err, ErrReplay):
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	for i := range accepted {
		if n := accepted[i].Load(); n != 1 {
			t.Errorf("message %d accepted %d times", i, n)
		}
	}
}

// TestReplayRemember: a cache rebuilt from the accepted signatures refuses their replays
// inside the window, ignores expired ones, and keeps checking new ones.
func TestReplayRemember(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := NewReplayCache(10, 5*time.Minute)
	var live, old, fresh replayKey
	live[0], old[0], fresh[0] = 1, 2, 3
	if err := c.Remember(live, now.Add(-time.Minute), now); err != nil {
		t.Fatal(err)
	}
	if err := c.Remember(old, now.Add(-6*time.Minute), now); err != nil || c.Len() != 1 {
		t.Fatalf("an expired signature: %v, %d entries", err, c.Len())
	}
	if err := c.Remember(live, now.Add(-time.Minute), now); err != nil {
		t.Fatalf("remembered twice: %v", err)
	}
	if err := replayCheck(c, vecCID, live, now.Add(-time.Minute), now, false); !errors.Is(err, ErrReplay) {
		t.Fatalf("replay of a remembered signature: %v", err)
	}
	if err := replayCheck(c, vecCID, fresh, now, now, false); err != nil {
		t.Fatalf("a new signature: %v", err)
	}
}
