package bufpool

import (
	"testing"

	"github.com/symscore/symscore/internal/testenv"
)

func TestClassOf(t *testing.T) {
	for _, c := range []struct{ n, class int }{
		{0, 0}, {1, 0}, {MinBytes + Slack, 0}, {MinBytes + Slack + 1, 1},
		{1024 + Slack, 1}, {4096 + Slack, 3}, {4096 + Slack + 1, 4},
		{MaxBytes + Slack, numClasses - 1}, {MaxBytes + Slack + 1, -1},
	} {
		if got := classOf(c.n); got != c.class {
			t.Errorf("classOf(%d) = %d, want %d", c.n, got, c.class)
		}
	}
}

// TestGetPut: Get gives at least the capacity asked for, length 0; a frame of exactly 2^k
// payload bytes and its header fit the 2^k class; Put drops buffers of no class.
func TestGetPut(t *testing.T) {
	for _, n := range []int{0, 100, 4096 + 10, 70000, MaxBytes + Slack + 1} {
		bp := Get(n)
		if len(*bp) != 0 || cap(*bp) < n {
			t.Fatalf("Get(%d): len %d cap %d", n, len(*bp), cap(*bp))
		}
		Put(bp)
	}
	if c := cap(*Get(4096 + 10)); c != 4096+Slack {
		t.Fatalf("4 KiB payload with a 10-byte header: class capacity %d", c)
	}
	odd := make([]byte, 0, 1000)
	Put(&odd) // no class: dropped, no panic
	Put(nil)
}

func TestGrowKeepsBytes(t *testing.T) {
	bp := Get(10)
	*bp = append(*bp, "hello"...)
	bp = Grow(bp, 100000)
	if string(*bp) != "hello" || cap(*bp) < 100000 {
		t.Fatalf("grown: %q cap %d", *bp, cap(*bp))
	}
	same := Grow(bp, 10)
	if same != bp {
		t.Fatal("Grow replaced a buffer that was large enough")
	}
	Put(bp)
}

// TestGetPutAllocs: once a class has a buffer, Get and Put allocate nothing.
func TestGetPutAllocs(t *testing.T) {
	testenv.SkipAllocs(t)
	Put(Get(4096))
	if n := testing.AllocsPerRun(100, func() { Put(Get(4096)) }); n != 0 {
		t.Fatalf("%v allocations per Get/Put", n)
	}
}
