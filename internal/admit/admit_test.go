package admit

import (
	"sync"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testenv"
)

func TestLimiter(t *testing.T) {
	l := NewLimiter(2, 20*time.Millisecond)
	var w Waiter
	defer w.Stop()
	if !l.Acquire(&w) || !l.Acquire(nil) {
		t.Fatal("free slots refused")
	}
	if l.TryAcquire() {
		t.Fatal("a third slot of two")
	}
	start := time.Now()
	if l.Acquire(&w) {
		t.Fatal("acquired while full")
	}
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Fatalf("refused after %v, before the wait", d)
	}
	// A slot released while a caller waits goes to it.
	l2 := NewLimiter(1, 10*time.Second)
	l2.TryAcquire()
	got := make(chan bool)
	go func() { got <- l2.Acquire(nil) }()
	testenv.Eventually(t, "the waiter to wait", func() bool { return l2.InUse() == 1 })
	l2.Release()
	if !<-got {
		t.Fatal("waiter refused although a slot was released")
	}
	l.Release()
	l.Release()
	if l.InUse() != 0 {
		t.Fatalf("in use %d", l.InUse())
	}
}

func TestLimiterAcquireAllocs(t *testing.T) {
	testenv.SkipAllocs(t)
	l := NewLimiter(1, time.Millisecond)
	var w Waiter
	defer w.Stop()
	l.TryAcquire()
	l.Acquire(&w) // makes the timer
	if n := testing.AllocsPerRun(20, func() { l.Acquire(&w) }); n != 0 {
		t.Fatalf("%v allocations per refused Acquire with a Waiter", n)
	}
}

func TestBudget(t *testing.T) {
	b := NewBudget(100)
	if !b.Charge(60) || b.Charge(41) || !b.Charge(40) || b.Used() != 100 {
		t.Fatalf("used %d", b.Used())
	}
	if !b.Charge(0) || !b.Charge(-5) {
		t.Fatal("empty charges refused")
	}
	b.Release(100)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				if b.Charge(10) {
					b.Release(10)
				}
			}
		})
	}
	wg.Wait()
	if b.Used() != 0 {
		t.Fatalf("used %d after balanced charges", b.Used())
	}
}
