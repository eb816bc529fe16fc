package server

import (
	"math/bits"
	"sync"
)

// Buffer pools. A connection holds pooled buffers only while it has bytes in hand (a
// partly read frame, a message being handled, replies waiting to be written) and gives
// them back at once, so that an idle connection holds none.
//
// Buffers come in size classes: a class's capacity is a power of two from minPooledBytes to
// maxPooledBytes plus bufSlack, so that a payload of exactly 2^k bytes and the room for its
// frame header (frameHeadroom) fit the 2^k class. Larger requests are allocated and dropped.

const (
	minPooledBytes = 512
	maxPooledBytes = 64 << 20
	bufSlack       = 16 // ≥ frameHeadroom
	minClassShift  = 9  // log2(minPooledBytes)
	numClasses     = 27 - minClassShift
)

// bufClasses[i] holds *[]byte with capacity (minPooledBytes<<i)+bufSlack. The pool holds
// pointers, not slices: a slice put in a sync.Pool is boxed, which allocates on every Put.
var bufClasses [numClasses]sync.Pool

// classOf returns the index of the least class whose capacity is at least n, or -1 when n
// is beyond the largest class.
func classOf(n int) int {
	if n <= minPooledBytes+bufSlack {
		return 0
	}
	if n > maxPooledBytes+bufSlack {
		return -1
	}
	// least k with 2^k + bufSlack ≥ n, i.e. 2^k ≥ n - bufSlack
	k := bits.Len(uint(n - bufSlack - 1))
	return k - minClassShift
}

// getBuf returns a buffer of length 0 and capacity at least n. Give it back with putBuf.
func getBuf(n int) *[]byte {
	c := classOf(n)
	if c < 0 {
		b := make([]byte, 0, n)
		return &b
	}
	if bp, _ := bufClasses[c].Get().(*[]byte); bp != nil {
		*bp = (*bp)[:0]
		return bp
	}
	b := make([]byte, 0, (minPooledBytes<<c)+bufSlack)
	return &b
}

// putBuf gives bp back to its class; buffers of no class (grown by append, or oversized)
// are dropped. bp must not be used afterwards.
func putBuf(bp *[]byte) {
	if bp == nil {
		return
	}
	c := cap(*bp) - bufSlack
	if c < minPooledBytes || c > maxPooledBytes || c&(c-1) != 0 {
		return
	}
	bufClasses[bits.TrailingZeros(uint(c))-minClassShift].Put(bp)
}

// growBuf returns a buffer holding the bytes of *bp with capacity at least n, giving bp back
// to the pool when it had to be replaced.
func growBuf(bp *[]byte, n int) *[]byte {
	if cap(*bp) >= n {
		return bp
	}
	nb := getBuf(n)
	*nb = append(*nb, *bp...)
	putBuf(bp)
	return nb
}
