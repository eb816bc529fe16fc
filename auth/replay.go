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

// maxReplayShards is the most shards a ReplayCache splits into; each holds at least
// minReplayShardCapacity entries, so small caches keep an exact capacity in one shard.
const (
	maxReplayShards        = 16
	minReplayShardCapacity = 1024
)

// ReplayCache remembers the signatures of accepted learn and forget messages while their
// date is inside the window, so that a replay is refused (docs/protocol.md 1.3). It holds at most
// capacity entries; an entry leaves when its date is older than the window (the date check
// then refuses the message anyway). When full of live entries it fails closed: new messages
// are refused with ErrReplayFull, and checking never stops. Safe for concurrent use; share
// one across all connections.
type ReplayCache struct {
	window time.Duration
	shards []replayShard
}

// replayShard is one independently locked part of a ReplayCache.
type replayShard struct {
	mu       sync.Mutex    // guards seen, expiries
	seen     replayTable   // the keys of expiries
	expiries []replayEntry // min-heap on exp (Unix nanoseconds)
	capacity int           // most entries
	_        [64]byte      // keeps the locks of neighbouring shards on separate cache lines
}

type replayEntry struct {
	exp int64
	key replayKey
}

// NewReplayCache returns a cache of at most capacity entries whose entries expire window
// after the date of their message (use the accepted age of a date, Options.ClockSkewPast).
// A capacity below 1 refuses every check with ErrReplayFull.
func NewReplayCache(capacity int, window time.Duration) *ReplayCache {
	capacity = max(capacity, 0)
	n := maxReplayShards
	for n > 1 && capacity/n < minReplayShardCapacity {
		n /= 2
	}
	c := &ReplayCache{window: window, shards: make([]replayShard, n)}
	for i := range c.shards {
		s := &c.shards[i]
		s.capacity = capacity / n
		if i < capacity%n {
			s.capacity++
		}
		s.seen = newReplayTable(s.capacity)
	}
	return c
}

// Remember records an accepted message (the key and date Verifier.Accepted gave when it was
// accepted) as check does, for a cache rebuilt after a restart from the signatures the
// durability layer kept: a message accepted before the restart stays refused inside its
// window. Entries already expired at now are ignored; a full cache reports ErrReplayFull.
func (c *ReplayCache) Remember(key [16]byte, date, now time.Time) error {
	if !date.Add(c.window).After(now) {
		return nil
	}
	err := c.check(replayKey(key), date, now)
	if errors.Is(err, ErrReplay) {
		return nil // already there
	}
	return err
}

// check records key, the MAC prefix of a message dated date, and returns nil; or ErrReplay
// if key is already recorded and unexpired at now; or ErrReplayFull if there is no room.
// A nil cache refuses every check (fails closed). It allocates only while the number of
// live entries reaches new highs.
func (c *ReplayCache) check(key replayKey, date, now time.Time) error {
	if c == nil {
		return ErrReplayFull
	}
	s := &c.shards[int(key[0])&(len(c.shards)-1)]
	nowNS := now.UnixNano()
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.expiries) > 0 && s.expiries[0].exp < nowNS {
		s.seen.remove(&s.expiries[0].key)
		s.pop()
	}
	if s.seen.contains(&key) {
		return ErrReplay
	}
	if len(s.expiries) >= s.capacity {
		return ErrReplayFull
	}
	s.seen.insert(&key)
	s.push(replayEntry{exp: date.Add(c.window).UnixNano(), key: key})
	return nil
}

// Len returns how many entries the cache holds, expired ones not yet dropped included.
func (c *ReplayCache) Len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		n += len(s.expiries)
		s.mu.Unlock()
	}
	return n
}

// push adds e to the heap.
func (s *replayShard) push(e replayEntry) {
	h := append(s.expiries, e)
	for i := len(h) - 1; i > 0; {
		parent := (i - 1) / 2
		if h[parent].exp <= h[i].exp {
			break
		}
		h[parent], h[i] = h[i], h[parent]
		i = parent
	}
	s.expiries = h
}

// pop removes the entry with the smallest exp.
func (s *replayShard) pop() {
	h := s.expiries
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	for i := 0; ; {
		least := i
		if l := 2*i + 1; l < len(h) && h[l].exp < h[least].exp {
			least = l
		}
		if r := 2*i + 2; r < len(h) && h[r].exp < h[least].exp {
			least = r
		}
		if least == i {
			break
		}
		h[i], h[least] = h[least], h[i]
		i = least
	}
	s.expiries = h
}
