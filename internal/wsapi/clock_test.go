package wsapi

import (
	"testing"
	"time"
)

// TestArrivalClock: each reading lies between time.Now readings taken around it, on the
// wall clock and on the monotonic clock, and readings never go back.
func TestArrivalClock(t *testing.T) {
	var c arrivalClock
	var last time.Time
	for i := range 20000 {
		before := time.Now()
		got := c.now()
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

// TestArrivalClockRebase: a base clockRebase old, or with no monotonic reading, is read
// again; a fresh one is kept.
func TestArrivalClockRebase(t *testing.T) {
	old := time.Now().Add(-clockRebase)
	c := arrivalClock{base: old}
	before := time.Now()
	got := c.now()
	if c.base == old || c.base.Before(before) || got != c.base {
		t.Fatalf("an old base was kept: base %v, reading %v (before %v)", c.base, got, before)
	}
	fresh := c.base
	if c.now(); c.base != fresh {
		t.Fatalf("a fresh base was read again: %v, was %v", c.base, fresh)
	}
	// A base without a monotonic reading (time.Since on wall clocks alone) in the future:
	// the negative age is not trusted.
	c = arrivalClock{base: time.Now().Round(0).Add(time.Hour)}
	if got := c.now(); got.After(time.Now()) {
		t.Fatalf("a future base was used: %v", got)
	}
}
