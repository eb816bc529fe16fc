package admit

import (
	"sync"
	"sync/atomic"
	"time"
)

// Limiter is a counting semaphore of requests in flight. A request that finds every slot
// taken waits up to the limiter's wait for one (the caller is blocked meanwhile:
// backpressure on its client) and is refused after that. Slots freed while requests wait
// go to the waiters first, in the order they came; a request that finds waiters does not
// pass them. Safe for concurrent use.
//
// A slot is taken and given back with one atomic operation each while no request waits;
// the lock guards the queue of waiters only. Lock order: mu is the only lock.
type Limiter struct {
	used    atomic.Int64 // slots taken
	waiting atomic.Int64 // len(queue), readable without mu
	size    int64
	wait    time.Duration

	mu    sync.Mutex
	queue []*Waiter // the waiters, oldest first, from queue[head]; guarded by mu
	head  int
}

// NewLimiter makes a limiter of n slots (at least 1) whose Acquire waits up to wait.
func NewLimiter(n int, wait time.Duration) *Limiter {
	return &Limiter{size: int64(max(n, 1)), wait: wait}
}

// Wait is how long Acquire waits for a slot.
func (l *Limiter) Wait() time.Duration { return l.wait }

// TryAcquire takes a slot if one is free now and no request is waiting for one.
func (l *Limiter) TryAcquire() bool {
	return l.waiting.Load() == 0 && l.take()
}

// take takes a free slot, whatever waits.
func (l *Limiter) take() bool {
	for {
		n := l.used.Load()
		if n >= l.size {
			return false
		}
		if l.used.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// Acquire takes a slot, waiting up to the limiter's wait; it reports false when none freed
// up in time. w is the caller's Waiter (nil: one is made for this call); a goroutine
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
	return l.acquireSlow(w)
}

// acquireSlow queues w and waits for a slot to be handed to it. w is queued (and waiting
// raised) before it looks for a free slot, under the lock: a Release that frees a slot
// reads waiting after, so it either leaves its slot for w to take here or sees w queued
// and hands a slot over.
func (l *Limiter) acquireSlow(w *Waiter) bool {
	w.init()
	l.mu.Lock()
	l.push(w)
	if l.queue[l.head] == w && l.take() {
		l.remove(w)
		l.mu.Unlock()
		return true
	}
	l.mu.Unlock()

	if w.t == nil {
		w.t = time.NewTimer(l.wait)
	} else {
		w.t.Reset(l.wait)
	}
	select {
	case <-w.granted:
		w.t.Stop()
		return true
	case <-w.t.C:
	}
	l.mu.Lock()
	queued := l.remove(w)
	l.mu.Unlock()
	if !queued { // a slot was handed over as the wait ran out: it is w's
		<-w.granted
		return true
	}
	return false
}

// push queues w last. l.mu is held.
func (l *Limiter) push(w *Waiter) {
	if l.head > 0 && len(l.queue) == cap(l.queue) { // reuse the room popped at the front
		n := copy(l.queue, l.queue[l.head:])
		clear(l.queue[n:])
		l.queue, l.head = l.queue[:n], 0
	}
	l.queue = append(l.queue, w)
	l.waiting.Store(int64(len(l.queue) - l.head))
}

// pop takes the oldest waiter out of the queue; nil when none waits. l.mu is held.
func (l *Limiter) pop() *Waiter {
	if l.head == len(l.queue) {
		return nil
	}
	w := l.queue[l.head]
	l.queue[l.head] = nil
	l.head++
	if l.head == len(l.queue) {
		l.queue, l.head = l.queue[:0], 0
	}
	l.waiting.Store(int64(len(l.queue) - l.head))
	return w
}

// remove takes w out of the queue and reports whether it was there. l.mu is held.
func (l *Limiter) remove(w *Waiter) bool {
	for i := l.head; i < len(l.queue); i++ {
		if l.queue[i] == w {
			copy(l.queue[i:], l.queue[i+1:])
			l.queue[len(l.queue)-1] = nil
			l.queue = l.queue[:len(l.queue)-1]
			if l.head == len(l.queue) {
				l.queue, l.head = l.queue[:0], 0
			}
			l.waiting.Store(int64(len(l.queue) - l.head))
			return true
		}
	}
	return false
}

// Release gives back a slot taken by Acquire or TryAcquire: to the oldest waiter if a
// request waits, else to the free slots.
func (l *Limiter) Release() {
	if l.waiting.Load() > 0 && l.handOver(false) {
		return
	}
	l.used.Add(-1)
	// A request that queued itself after the check above may have found every slot taken:
	// the slot just freed is its, if no one took it meanwhile.
	if l.waiting.Load() > 0 {
		l.handOver(true)
	}
}

// handOver gives a slot to the oldest waiter, if any: the caller's (held) slot, or, with
// take, a free one if there still is. It reports whether a waiter got one.
func (l *Limiter) handOver(take bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.head == len(l.queue) || (take && !l.take()) {
		return false
	}
	l.pop().granted <- struct{}{} // buffered: a waiter is handed one slot a wait
	return true
}

// InUse is the number of slots taken now.
func (l *Limiter) InUse() int { return int(l.used.Load()) }

// Waiter is what one goroutine waits on in Acquire (its timer and the channel a released
// slot is handed over on), reused from call to call. The zero value is ready; not safe
// for concurrent use. Stop it when done.
type Waiter struct {
	t       *time.Timer
	granted chan struct{}
}

// init makes w's channel, once.
func (w *Waiter) init() {
	if w.granted == nil {
		w.granted = make(chan struct{}, 1)
	}
}

// Stop releases the timer.
func (w *Waiter) Stop() {
	if w.t != nil {
		w.t.Stop()
	}
}
