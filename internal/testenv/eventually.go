package testenv

import (
	"testing"
	"time"
)

// EventuallyTimeout is how long Eventually polls before it fails the test, and the bound
// tests put on waits for something that must come (a message, a state reached). It costs
// nothing when the test passes, so it is generous: CI runs the tests under -race on a busy
// 2-core machine, where what takes milliseconds alone can take seconds, and product
// timeouts of 10 s (a cluster node's liveness, the snapshot leader's lock) must be able to
// pass inside one wait with room to spare.
const EventuallyTimeout = 30 * time.Second

// Eventually polls cond, every 2 ms, until it holds; it fails the test, naming what it
// waited for, when EventuallyTimeout passes first. Tests wait for state with it, never
// with a fixed sleep.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(EventuallyTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", EventuallyTimeout, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// SkipAllocs skips an allocation-count test under the race detector, which allocates.
func SkipAllocs(t testing.TB) {
	t.Helper()
	if Race {
		t.Skip("allocation counts are not meaningful under -race (make test runs them without it)")
	}
}
