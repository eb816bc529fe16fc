package admit

import (
	"context"
	"errors"
	"slices"
	"sync"
)

// ErrQueueFull is Pool.Acquire's refusal when the key has the most work waiting already.
var ErrQueueFull = errors.New("admit: too much work waiting for this customer")

// Pool bounds the CPU-heavy work running at once (model builds, explorations) to its
// slots, so that it never holds every core: predictions and learns run on the others.
// Work that finds every slot taken waits in the queue of its key (its customer); each
// freed slot goes to the next key in turn, one item per turn, so that a customer with many
// items waiting delays another's by at most one item per slot. A waiter whose context
// ends (its client has gone) leaves the queue. Safe for concurrent use.
type Pool struct {
	slots, maxQueued int

	mu     sync.Mutex // guards busy, queues, turn
	busy   int
	queues map[string][]*poolWaiter // the waiters of each key, oldest first
	turn   []string                 // the keys with waiters, in the order they are served
}

// poolWaiter is one Acquire waiting for a slot.
type poolWaiter struct {
	ready   chan struct{} // closed when the slot is handed over
	granted bool          // guarded by Pool.mu
}

// NewPool makes a pool of slots slots (at least 1) in which each key may have at most
// maxQueued items waiting (at least 1).
func NewPool(slots, maxQueued int) *Pool {
	return &Pool{slots: max(slots, 1), maxQueued: max(maxQueued, 1), queues: make(map[string][]*poolWaiter)}
}

// Slots is the number of items the pool runs at once.
func (p *Pool) Slots() int { return p.slots }

// Acquire takes a slot for work of key, waiting for its turn if every slot is taken. It
// returns ErrQueueFull, without waiting, when key has the most items waiting already, and
// ctx's error when ctx ends first. Release the slot when the work is done.
func (p *Pool) Acquire(ctx context.Context, key string) error {
	p.mu.Lock()
	if p.busy < p.slots {
		p.busy++
		p.mu.Unlock()
		return nil
	}
	q := p.queues[key]
	if len(q) >= p.maxQueued {
		p.mu.Unlock()
		return ErrQueueFull
	}
	if len(q) == 0 {
		p.turn = append(p.turn, key)
	}
	w := &poolWaiter{ready: make(chan struct{})}
	p.queues[key] = append(q, w)
	p.mu.Unlock()

	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
	}
	p.mu.Lock()
	if w.granted { // handed over as ctx ended: pass it on
		p.releaseLocked()
		p.mu.Unlock()
		return ctx.Err()
	}
	q = p.queues[key]
	q = slices.DeleteFunc(q, func(x *poolWaiter) bool { return x == w })
	if len(q) == 0 {
		delete(p.queues, key)
		p.turn = slices.DeleteFunc(p.turn, func(k string) bool { return k == key })
	} else {
		p.queues[key] = q
	}
	p.mu.Unlock()
	return ctx.Err()
}

// Release gives back a slot taken by Acquire: to the next waiter in turn, if any.
func (p *Pool) Release() {
	p.mu.Lock()
	p.releaseLocked()
	p.mu.Unlock()
}

func (p *Pool) releaseLocked() {
	if len(p.turn) == 0 {
		p.busy--
		return
	}
	key := p.turn[0]
	p.turn = slices.Delete(p.turn, 0, 1)
	q := p.queues[key]
	w := q[0]
	q = slices.Delete(q, 0, 1)
	if len(q) > 0 {
		p.queues[key] = q
		p.turn = append(p.turn, key) // its next item waits for the other keys' turns
	} else {
		delete(p.queues, key)
	}
	w.granted = true
	close(w.ready) // the slot stays busy: it changes hands
}

// Busy is the number of slots taken now.
func (p *Pool) Busy() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.busy
}

// Queued is the number of items waiting for a slot now, over all keys.
func (p *Pool) Queued() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, q := range p.queues {
		n += len(q)
	}
	return n
}

// Waiting is the number of items of key waiting for a slot now.
func (p *Pool) Waiting(key string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.queues[key])
}
