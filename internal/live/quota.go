package live

import "sync/atomic"

// Quota bounds the subscriptions of several subscribers together — those of one
// connection that carries many projects (docs/rpc.md 5) — by Options.MaxSubscriptions,
// counted as a subscriber counts its own ("*" is one). A subscriber attached with a quota
// (AttachQuota) takes from it what a subscribe adds and gives back what an unsubscribe,
// its project's deletion or its Close removes. Safe for concurrent use; it takes no lock.
type Quota struct {
	max  int64
	used atomic.Int64
}

// NewQuota makes an empty quota of the notifier's MaxSubscriptions.
func (n *Notifier) NewQuota() *Quota { return &Quota{max: int64(n.o.MaxSubscriptions)} }

// Used is how many subscriptions the quota's subscribers hold.
func (q *Quota) Used() int { return int(q.used.Load()) }

// take takes k subscriptions, all or none: it reports false when that would go past the
// bound. A nil quota takes anything.
func (q *Quota) take(k int) bool {
	if q == nil || k == 0 {
		return true
	}
	for {
		u := q.used.Load()
		if u+int64(k) > q.max {
			return false
		}
		if q.used.CompareAndSwap(u, u+int64(k)) {
			return true
		}
	}
}

// give gives back k subscriptions. A nil quota ignores it.
func (q *Quota) give(k int) {
	if q != nil && k != 0 {
		q.used.Add(-int64(k))
	}
}
