package admit

import (
	"context"
	"errors"
	"testing"

	"github.com/symscore/symscore/internal/testenv"
)

// TestPoolTurns: with every slot taken, freed slots go to the waiting customers in turn,
// whatever the order they queued in: a customer with many items waiting delays another's
// by one item.
func TestPoolTurns(t *testing.T) {
	p := NewPool(1, 10)
	ctx := context.Background()
	if err := p.Acquire(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	order := make(chan string, 10)
	wait := func(key string, n int) {
		for range n {
			want := p.Waiting(key) + 1 // counted before the waiter can queue
			go func() {
				if err := p.Acquire(ctx, key); err != nil {
					t.Error(err)
					return
				}
				order <- key
			}()
			testenv.Eventually(t, "the waiter to queue", func() bool { return p.Waiting(key) == want })
		}
	}
	wait("a", 3)
	wait("b", 1)
	if p.Queued() != 4 {
		t.Fatalf("queued %d", p.Queued())
	}
	var got []string
	for range 4 {
		p.Release()
		got = append(got, <-order)
	}
	if want := []string{"a", "b", "a", "a"}; !equal(got, want) {
		t.Fatalf("slots went to %v, want %v", got, want)
	}
	p.Release()
	if p.Busy() != 0 {
		t.Fatalf("busy %d", p.Busy())
	}
}

// TestPoolQueueBoundAndCancel: a customer's queue is bounded; a waiter whose context
// ends leaves the queue without taking a slot.
func TestPoolQueueBoundAndCancel(t *testing.T) {
	p := NewPool(1, 1)
	bg := context.Background()
	if err := p.Acquire(bg, "a"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(bg)
	done := make(chan error)
	go func() { done <- p.Acquire(ctx, "a") }()
	testenv.Eventually(t, "the waiter to queue", func() bool { return p.Waiting("a") == 1 })
	if err := p.Acquire(bg, "a"); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("a second waiter of a queue of one: %v", err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter: %v", err)
	}
	if p.Waiting("a") != 0 || p.Busy() != 1 {
		t.Fatalf("waiting %d, busy %d", p.Waiting("a"), p.Busy())
	}
	p.Release()
	if p.Busy() != 0 || p.Slots() != 1 {
		t.Fatalf("busy %d", p.Busy())
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
