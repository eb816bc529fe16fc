// Package bufpool is symscore's one policy for pooled byte buffers: connection read
// buffers, message and reply buffers, outbound queues and REST bodies all come from here
// and go back as soon as their bytes are handled, so that an idle connection holds none.
//
// Buffers come in size classes: a class's capacity is a power of two from MinBytes to
// MaxBytes plus Slack, so that a payload of exactly 2^k bytes and the room for its frame
// header fit the 2^k class. Larger requests are allocated and dropped by Put, as are
// buffers grown by append outside their class: a rare huge message is left to the garbage
// collector rather than kept by an idle pool.
//
// The pool holds *[]byte, not slices: a slice put in a sync.Pool is boxed, which
// allocates on every Put. Safe for concurrent use; a buffer belongs to whoever got it
// until it is Put back, and must not be used afterwards.
package bufpool

import (
	"math/bits"
	"sync"
)

const (
	// MinBytes is the capacity of the smallest class (plus Slack).
	MinBytes = 512
	// MaxBytes is the capacity of the largest class (plus Slack); Get allocates beyond it.
	MaxBytes = 64 << 20
	// Slack is the room every class has beyond its power of two: at least the longest
	// server frame header (wsframe.MaxServerHeader).
	Slack = 16

	minClassShift = 9 // log2(MinBytes)
	numClasses    = 27 - minClassShift
)

// classes[i] holds *[]byte with capacity (MinBytes<<i)+Slack.
var classes [numClasses]sync.Pool

// classOf returns the index of the least class whose capacity is at least n, or -1 when n
// is beyond the largest class.
func classOf(n int) int {
	if n <= MinBytes+Slack {
		return 0
	}
	if n > MaxBytes+Slack {
		return -1
	}
	// least k with 2^k + Slack ≥ n, i.e. 2^k ≥ n - Slack
	k := bits.Len(uint(n - Slack - 1))
	return k - minClassShift
}

// Get returns a buffer of length 0 and capacity at least n. Give it back with Put.
func Get(n int) *[]byte {
	c := classOf(n)
	if c < 0 {
		b := make([]byte, 0, n)
		return &b
	}
	if bp, _ := classes[c].Get().(*[]byte); bp != nil {
		*bp = (*bp)[:0]
		return bp
	}
	b := make([]byte, 0, (MinBytes<<c)+Slack)
	return &b
}

// Put gives bp back to its class; buffers of no class (grown by append, or oversized) are
// dropped. A nil bp is ignored. bp must not be used afterwards.
func Put(bp *[]byte) {
	if bp == nil {
		return
	}
	c := cap(*bp) - Slack
	if c < MinBytes || c > MaxBytes || c&(c-1) != 0 {
		return
	}
	classes[bits.TrailingZeros(uint(c))-minClassShift].Put(bp)
}

// Grow returns a buffer holding the bytes of *bp with capacity at least n, giving bp back
// to the pool when it had to be replaced.
func Grow(bp *[]byte, n int) *[]byte {
	if cap(*bp) >= n {
		return bp
	}
	nb := Get(n)
	*nb = append(*nb, *bp...)
	Put(bp)
	return nb
}
