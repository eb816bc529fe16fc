package admit

import "sync/atomic"

// Budget bounds bytes held across connections (limits.max_unverified_bytes): what is
// charged must be released. Safe for concurrent use.
type Budget struct {
	limit int64
	used  atomic.Int64
}

// NewBudget makes a budget of limit bytes.
func NewBudget(limit int64) *Budget { return &Budget{limit: limit} }

// Charge takes n bytes of the budget, or reports false (and takes nothing) when that would
// pass the limit. n ≤ 0 always succeeds.
func (b *Budget) Charge(n int64) bool {
	if n <= 0 {
		return true
	}
	if b.used.Add(n) > b.limit {
		b.used.Add(-n)
		return false
	}
	return true
}

// Release gives n charged bytes back.
func (b *Budget) Release(n int64) {
	if n > 0 {
		b.used.Add(-n)
	}
}

// Used is the number of bytes charged now.
func (b *Budget) Used() int64 { return b.used.Load() }
