package admit

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testenv"
)

// TestLimiterNeverOver: goroutines acquiring (some with a wait too short to get a slot),
// holding and releasing never hold more slots than the limiter has, every slot comes
// back, and no waiter is left queued.
func TestLimiterNeverOver(t *testing.T) {
	for _, size := range []int{1, 3, 16} {
		l := NewLimiter(size, 200*time.Microsecond)
		var held, most atomic.Int64
		var granted, refused atomic.Int64
		var wg sync.WaitGroup
		for g := range 12 {
			wg.Go(func() {
				var w Waiter
				defer w.Stop()
				for i := range 2000 {
					var ok bool
					switch (g + i) % 3 {
					case 0:
						ok = l.TryAcquire()
					case 1:
						ok = l.Acquire(&w)
					default:
						ok = l.Acquire(nil)
					}
					if !ok {
						refused.Add(1)
						continue
					}
					granted.Add(1)
					n := held.Add(1)
					for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
					}
					if i%7 == 0 {
						time.Sleep(time.Microsecond)
					}
					held.Add(-1)
					l.Release()
				}
			})
		}
		wg.Wait()
		if most.Load() > int64(size) {
			t.Errorf("size %d: %d slots held at once", size, most.Load())
		}
		if l.InUse() != 0 || l.waiting.Load() != 0 || l.head != len(l.queue) {
			t.Errorf("size %d: in use %d, waiting %d, queue %d from %d after every release", size, l.InUse(), l.waiting.Load(), len(l.queue), l.head)
		}
		if granted.Load() == 0 {
			t.Errorf("size %d: nothing granted (%d refused)", size, refused.Load())
		}
	}
}

// TestLimiterFIFO: slots released while requests wait go to them in the order they came,
// and a request that finds them waiting does not pass them (TryAcquire fails).
func TestLimiterFIFO(t *testing.T) {
	l := NewLimiter(1, time.Minute)
	if !l.TryAcquire() {
		t.Fatal("a free slot refused")
	}
	order := make(chan int, 3)
	for i := range 3 {
		go func() {
			if l.Acquire(nil) {
				order <- i
			}
		}()
		testenv.Eventually(t, "the waiter to queue", func() bool { return l.waiting.Load() == int64(i+1) })
	}
	if l.TryAcquire() {
		t.Fatal("TryAcquire passed the waiters")
	}
	for want := range 3 {
		l.Release()
		if got := <-order; got != want {
			t.Fatalf("waiter %d got the slot, want %d", got, want)
		}
	}
	if l.InUse() != 1 {
		t.Fatalf("in use %d, want the last waiter's 1", l.InUse())
	}
	l.Release()
	if l.InUse() != 0 || !l.TryAcquire() {
		t.Fatalf("in use %d after the last release", l.InUse())
	}
}

// TestLimiterTimeoutLeavesQueue: a waiter that times out leaves the queue; the next
// release frees its slot rather than handing it to no one, and a waiter behind the one
// that left gets it.
func TestLimiterTimeoutLeavesQueue(t *testing.T) {
	l := NewLimiter(1, time.Minute)
	l.TryAcquire()
	short := &Limiter{size: 1, wait: time.Millisecond}
	short.used.Store(1)
	if short.Acquire(nil) {
		t.Fatal("acquired while full")
	}
	if short.waiting.Load() != 0 || short.head != len(short.queue) {
		t.Fatalf("a timed-out waiter stayed queued: waiting %d", short.waiting.Load())
	}
	short.Release()
	if short.InUse() != 0 {
		t.Fatalf("in use %d", short.InUse())
	}
	// A waiter behind one that leaves (queued and taken out by hand, as a waiter whose
	// wait ran out takes itself out) still gets the slot released.
	got := make(chan bool)
	go func() { got <- l.Acquire(nil) }()
	testenv.Eventually(t, "the waiter to queue", func() bool { return l.waiting.Load() == 1 })
	var gone Waiter
	gone.init()
	l.mu.Lock()
	l.push(&gone) // queued behind, then leaving as a timed-out waiter does
	l.mu.Unlock()
	l.mu.Lock()
	if !l.remove(&gone) {
		t.Fatal("the waiter was not queued")
	}
	l.mu.Unlock()
	l.Release()
	if !<-got {
		t.Fatal("the waiter was refused")
	}
	if l.waiting.Load() != 0 || l.InUse() != 1 {
		t.Fatalf("waiting %d, in use %d", l.waiting.Load(), l.InUse())
	}
}

// TestLimiterFastAllocs: taking and giving back a free slot allocates nothing.
func TestLimiterFastAllocs(t *testing.T) {
	testenv.SkipAllocs(t)
	l := NewLimiter(4, time.Millisecond)
	var w Waiter
	if n := testing.AllocsPerRun(100, func() { l.Acquire(&w); l.Release() }); n != 0 {
		t.Fatalf("%v allocations per Acquire and Release", n)
	}
}

// BenchmarkLimiter: a slot taken and given back by every goroutine in turn, none waiting.
func BenchmarkLimiter(b *testing.B) {
	l := NewLimiter(4096, time.Second)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var w Waiter
		for pb.Next() {
			l.Acquire(&w)
			l.Release()
		}
	})
}
