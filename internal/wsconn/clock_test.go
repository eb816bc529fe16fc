package wsconn

import (
	"testing"
	"time"
)

// TestClock: each reading lies between time.Now readings taken around it, on the
// wall clock and on the monotonic clock, and readings never go back.
func TestClock(t *testing.T) {
	var c Clock
	var last time.Time
	for i := range 20000 {
		before := time.Now()
		got := c.Now()
		after := time.Now()
		if got.Before(before) || got.After(after) {
			t.Fatalf("reading %d: %v not within [%v, %v] (monotonic)", i, got, before, after)
		}
		// Without their monotonic readings, the wall clocks: within a millisecond of the
		// window (the clocks' rates differ by at most 500 ppm over the base's second).
		w, lo, hi := got.Round(0), before.Round(0).Add(-time.Millisecond), after.Round(0).Add(time.Millisecond)
		if w.Before(lo) || w.After(hi) {
			t.Fatalf("reading %d: wall %v not within [%v, %v]", i, w, lo, hi)
		}
		if got.Before(last) {
			t.Fatalf("reading %d: %v before the previous %v", i, got, last)
		}
		last = got
	}
}

// TestClockRebase: a base clockRebase old, or with no monotonic reading, is read
// again; a fresh one is kept.
func TestClockRebase(t *testing.T) {
	old := time.Now().Add(-clockRebase)
	c := Clock{base: old}
	before := time.Now()
	got := c.Now()
	if c.base == old || c.base.Before(before) || got != c.base {
		t.Fatalf("an old base was kept: base %v, reading %v (before %v)", c.base, got, before)
	}
	fresh := c.base
	if c.Now(); c.base != fresh {
		t.Fatalf("a fresh base was read again: %v, was %v", c.base, fresh)
	}
	// A base without a monotonic reading (time.Since on wall clocks alone) in the future:
	// the negative age is not trusted.
	c = Clock{base: time.Now().Round(0).Add(time.Hour)}
	if got := c.Now(); got.After(time.Now()) {
		t.Fatalf("a future base was used: %v", got)
	}
}

// TestTiming: Took measures from Arrived and keeps its reading; last hands that reading
// over once, then reads the clock; every reading lies within time.Now readings around it.
func TestTiming(t *testing.T) {
	var c Clock
	var tm Timing
	tm.start(c.Now())
	before := time.Now()
	took := tm.Took()
	after := time.Now()
	if took < 0 || tm.end.Before(tm.Arrived) || tm.end.Sub(tm.Arrived) != took {
		t.Fatalf("took %v: arrived %v, end %v", took, tm.Arrived, tm.end)
	}
	if tm.end.Before(before.Add(-clockRebase)) || tm.end.After(after) {
		t.Fatalf("end %v not within [%v, %v]", tm.end, before, after)
	}
	end := tm.end
	if got := tm.last(&c); got != end {
		t.Fatalf("last: %v, want the end reading %v", got, end)
	}
	lo := time.Now()
	got := tm.last(&c)
	if hi := time.Now(); got == end || got.Before(lo) || got.After(hi) {
		t.Fatalf("last after the end was used: %v, want a reading within [%v, %v]", got, lo, hi)
	}
	// A new message forgets an end Took kept for the previous one and never used.
	tm.Took()
	tm.start(c.Now())
	if !tm.end.IsZero() {
		t.Fatalf("start kept the previous end %v", tm.end)
	}
}

// TestEchoUntimed: the echo floor reads no arrival time (it is Untimed); the endpoints'
// other sessions are timed unless they say so.
func TestEchoUntimed(t *testing.T) {
	if _, ok := (Echo{}).NewSession(nil).(Untimed); !ok {
		t.Fatal("the echo session is not Untimed")
	}
}
