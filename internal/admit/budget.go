package admit

import "sync/atomic"

// Budget bounds bytes held at once (limits.max_inflight_bytes, a customer's
// limits.max_inflight_bytes_per_customer, limits.max_unverified_bytes): what is charged
// must be released. A budget made by Child is nested in its parent: charging it charges
// the parent too, and either may refuse. Safe for concurrent use.
type Budget struct {
	limit  int64
	used   atomic.Int64
	parent *Budget // nil for a top-level budget
}

// NewBudget makes a budget of limit bytes.
func NewBudget(limit int64) *Budget { return &Budget{limit: limit} }

// Child makes a budget of limit bytes nested in b: what it holds counts against b too.
func (b *Budget) Child(limit int64) *Budget { return &Budget{limit: limit, parent: b} }

// Take charges n bytes to b and its ancestors and returns nil, or takes nothing and
// returns the budget that had no room for them (b or an ancestor). n ≤ 0 always succeeds.
func (b *Budget) Take(n int64) *Budget {
	if n <= 0 {
		return nil
	}
	for x := b; x != nil; x = x.parent {
		if x.used.Add(n) > x.limit {
			x.used.Add(-n)
			for y := b; y != x; y = y.parent {
				y.used.Add(-n)
			}
			return x
		}
	}
	return nil
}

// Charge is Take reporting whether the bytes were charged.
func (b *Budget) Charge(n int64) bool { return b.Take(n) == nil }

// Release gives n charged bytes back to b and its ancestors.
func (b *Budget) Release(n int64) {
	if n > 0 {
		for x := b; x != nil; x = x.parent {
			x.used.Add(-n)
		}
	}
}

// Used is the number of bytes charged to b now (its children's included).
func (b *Budget) Used() int64 { return b.used.Load() }

// Limit is b's limit.
func (b *Budget) Limit() int64 { return b.limit }
