package admit

import "time"

// Limiter is a counting semaphore of requests in flight. A request that finds every slot
// taken waits up to the limiter's wait for one (the caller is blocked meanwhile:
// backpressure on its client) and is refused after that. Safe for concurrent use.
type Limiter struct {
	slots chan struct{}
	wait  time.Duration
}

// NewLimiter makes a limiter of n slots (at least 1) whose Acquire waits up to wait.
func NewLimiter(n int, wait time.Duration) *Limiter {
	return &Limiter{slots: make(chan struct{}, max(n, 1)), wait: wait}
}

// Wait is how long Acquire waits for a slot.
func (l *Limiter) Wait() time.Duration { return l.wait }

// TryAcquire takes a slot if one is free now.
func (l *Limiter) TryAcquire() bool {
	select {
	case l.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

// Acquire takes a slot, waiting up to the limiter's wait; it reports false when none freed
// up in time. w is the caller's Waiter (nil: a timer is made for this call); a goroutine
// that acquires again and again keeps one, so that waiting allocates nothing after the
// first time.
func (l *Limiter) Acquire(w *Waiter) bool {
	if l.TryAcquire() {
		return true
	}
	if w == nil {
		w = &Waiter{}
		defer w.Stop()
	}
	if w.t == nil {
		w.t = time.NewTimer(l.wait)
	} else {
		w.t.Reset(l.wait)
	}
	select {
	case l.slots <- struct{}{}:
		w.t.Stop()
		return true
	case <-w.t.C:
		return false
	}
}

// Release gives back a slot taken by Acquire or TryAcquire.
func (l *Limiter) Release() { <-l.slots }

// InUse is the number of slots taken now.
func (l *Limiter) InUse() int { return len(l.slots) }

// Waiter is the timer one goroutine waits on in Acquire, reused from call to call. The zero
// value is ready; not safe for concurrent use. Stop it when done.
type Waiter struct{ t *time.Timer }

// Stop releases the timer.
func (w *Waiter) Stop() {
	if w.t != nil {
		w.t.Stop()
	}
}
