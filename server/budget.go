package server

import "sync/atomic"

// byteBudget bounds bytes held across connections (limits.max_unverified_bytes): what is
// charged must be released. Safe for concurrent use.
type byteBudget struct {
	limit int64
	used  atomic.Int64
}

// charge takes n bytes of the budget, or reports false (and takes nothing) when that would
// pass the limit.
func (b *byteBudget) charge(n int64) bool {
	if n <= 0 {
		return true
	}
	if b.used.Add(n) > b.limit {
		b.used.Add(-n)
		return false
	}
	return true
}

// release gives n charged bytes back.
func (b *byteBudget) release(n int64) {
	if n > 0 {
		b.used.Add(-n)
	}
}
