package auth

import (
	"errors"
	"sync"
	"time"
)

// replayKey identifies an accepted message: the first 16 bytes of its MAC. A MAC covers the
// secret, so keys of different customers never meet except by a 2^-128 chance; a customer
// would need about 2^64 signed messages to make two of its own collide, and the only effect
// would be one of them refused.
type replayKey [16]byte

// ReplayCache remembers the signatures of accepted signed messages while their date is
// inside the window, so that a replay is refused (docs/protocol.md 1.3). It fails closed: when
// the share a message falls in is full of live entries, the message is refused with
// ErrReplayFull, and checking never stops. Safe for concurrent use; share one across all
// connections.
//
// Each customer has its own share (NewCustomerReplayCache), which only its own messages
// fill: a customer sending signed messages as fast as it can gets its own refused once its
// share is full, never another's. A share has two pools of the same size: one for changes
// and one for reads (WSRequest.Change), so that reads never crowd out changes. An entry
// leaves when its date is older than the window (the date check then refuses the message
// anyway).
//
// Signatures given back after a restart with their customer (RememberFor) go back to that
// customer's share, changes and reads apart: a customer whose share overflows then has its
// own checks of that kind refused until the newest signature left out has expired, never
// another's. Signatures without a customer (Remember; logs written before customers were
// recorded) sit in a pool of their own, of the whole capacity, consulted by every check
// until they expire; if even that pool is full, every check is refused until the newest
// signature it could not keep has expired. Either way, nothing accepted before the
// restart can be accepted again.
type ReplayCache struct {
	window time.Duration
	ks     *KeyStore // the customers that have shares; nil: one share for everyone
	share  int       // capacity of each pool of a share

	mu       sync.RWMutex // guards shares
	shares   map[string]*replayShare
	everyone *replayShare // NewReplayCache: the one share

	restored *replayPool // Remember's; its closedUntil refuses every check (it overflowed)
}

// replayShare is one customer's memory: changes and reads apart.
type replayShare struct {
	changes, reads *replayPool
}

func newReplayShare(capacity int) *replayShare {
	return &replayShare{changes: newReplayPool(capacity), reads: newReplayPool(capacity)}
}

// NewReplayCache returns a cache in which every customer shares one share of capacity
// entries for changes (and as many for reads), whose entries expire window after the date
// of their message (use the accepted age of a date, Options.ClockSkewPast). A capacity
// below 1 refuses every check with ErrReplayFull. For tests and single-customer uses; a
// server gives each customer its own share (NewCustomerReplayCache).
func NewReplayCache(capacity int, window time.Duration) *ReplayCache {
	capacity = max(capacity, 0)
	return &ReplayCache{window: window, share: capacity, everyone: newReplayShare(capacity),
		restored: newReplayPool(capacity)}
}

// NewCustomerReplayCache returns a cache that splits capacity evenly among the customers
// of ks: each has its own share of capacity / (number of customers) entries for changes
// (at least 1), and as many for reads. A message of a customer ks does not know is refused
// with ErrReplayFull. A share's memory is allocated as it fills.
func NewCustomerReplayCache(ks *KeyStore, capacity int, window time.Duration) *ReplayCache {
	capacity = max(capacity, 0)
	n := 0
	if ks != nil {
		n = len(ks.customers)
	}
	share := 0
	if capacity > 0 {
		share = max(1, capacity/max(1, n))
	}
	return &ReplayCache{window: window, ks: ks, share: share, shares: make(map[string]*replayShare, n),
		restored: newReplayPool(capacity)}
}

// shareOf returns the share of customer cid in c, creating it on first use; nil for a
// customer c has no share for. It allocates only to create a share.
func shareOf[T bytestring](c *ReplayCache, cid T) *replayShare {
	if c.everyone != nil {
		return c.everyone
	}
	c.mu.RLock()
	sh := c.shares[string(cid)]
	c.mu.RUnlock()
	if sh != nil || c.ks.lookupString(string(cid)) == nil {
		return sh
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if sh = c.shares[string(cid)]; sh == nil {
		sh = newReplayShare(c.share)
		c.shares[string(cid)] = sh
	}
	return sh
}

// Remember records an accepted message (the key and date Verifier.Accepted gave when it was
// accepted) for a cache rebuilt after a restart from the signatures the durability layer
// kept: a message accepted before the restart stays refused inside its window. Entries
// already expired at now are ignored. When the pool of remembered signatures is full, it
// reports ErrReplayFull and every check is refused until this signature has expired.
func (c *ReplayCache) Remember(key [16]byte, date, now time.Time) error {
	exp := date.Add(c.window)
	if !exp.After(now) {
		return nil
	}
	return remember(c.restored, key, exp, now)
}

// RememberFor is Remember for a message of customer cid, a read or a change (as
// Verifier.Accepted gave them when it was accepted): the signature goes back to the
// customer's share, so that a restart keeps refusing replays per customer. When that pool
// of the share is full, it reports ErrReplayFull and the customer's checks of that kind
// are refused until this signature has expired. A cid the cache has no share for (a
// customer no longer configured) is ignored; an empty cid is Remember.
func (c *ReplayCache) RememberFor(cid string, key [16]byte, date time.Time, read bool, now time.Time) error {
	if cid == "" {
		return c.Remember(key, date, now)
	}
	exp := date.Add(c.window)
	if !exp.After(now) {
		return nil
	}
	sh := shareOf(c, cid)
	if sh == nil {
		return nil
	}
	pool := sh.changes
	if read {
		pool = sh.reads
	}
	return remember(pool, key, exp, now)
}

// remember records key, expiring at exp, in pool; when it does not fit, the pool refuses
// every check until exp.
func remember(pool *replayPool, key [16]byte, exp, now time.Time) error {
	err := pool.check(replayKey(key), exp.UnixNano(), now.UnixNano())
	switch {
	case errors.Is(err, ErrReplay):
		return nil // already there
	case errors.Is(err, ErrReplayFull):
		pool.closeUntil(exp.UnixNano())
	}
	return err
}

// replayCheck records key, the MAC prefix of a message of customer cid dated date, in the
// customer's pool of changes (or of reads) of c and returns nil; or ErrReplay if key is
// already recorded and unexpired at now, there or among the remembered signatures; or
// ErrReplayFull if there is no room. A nil cache refuses every check (fails closed). It
// allocates only while the number of live entries reaches new highs, and when a
// customer's share is first used.
func replayCheck[T bytestring](c *ReplayCache, cid T, key replayKey, date, now time.Time, read bool) error {
	if c == nil {
		return ErrReplayFull
	}
	nowNS := now.UnixNano()
	if nowNS <= c.restored.closedUntil.Load() {
		return ErrReplayFull
	}
	if c.restored.live.Load() > 0 && c.restored.contains(&key, nowNS) {
		return ErrReplay
	}
	sh := shareOf(c, cid)
	if sh == nil {
		return ErrReplayFull
	}
	pool := sh.changes
	if read {
		pool = sh.reads
	}
	if nowNS <= pool.closedUntil.Load() {
		return ErrReplayFull
	}
	return pool.check(key, date.Add(c.window).UnixNano(), nowNS)
}

// Len returns how many entries the cache holds, expired ones not yet dropped included.
func (c *ReplayCache) Len() int {
	n := c.restored.len()
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, sh := range c.shares {
		n += sh.changes.len() + sh.reads.len()
	}
	if c.everyone != nil {
		n += c.everyone.changes.len() + c.everyone.reads.len()
	}
	return n
}
