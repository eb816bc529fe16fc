package auth

import (
	"sync"
	"sync/atomic"
)

// maxReplayShards is the most shards a replayPool splits into; each holds at least
// minReplayShardCapacity entries, so small pools keep an exact capacity in one shard.
const (
	maxReplayShards        = 16
	minReplayShardCapacity = 1024
)

// replayPool is a bounded set of replay keys, each with its expiry: the memory of one
// pool of a ReplayCache. It holds at most its capacity, split over up to maxReplayShards
// independently locked shards. Safe for concurrent use.
type replayPool struct {
	shards []replayShard
	live   atomic.Int64 // entries held, expired ones not yet dropped included
	// closedUntil (Unix ns): up to then every check of this pool is refused, because a
	// signature given back after a restart did not fit (ReplayCache.RememberFor).
	closedUntil atomic.Int64
}

// closeUntil refuses every check of p up to exp (Unix ns), or later if already so.
func (p *replayPool) closeUntil(exp int64) {
	for {
		until := p.closedUntil.Load()
		if until >= exp || p.closedUntil.CompareAndSwap(until, exp) {
			return
		}
	}
}

// replayShard is one independently locked part of a replayPool.
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

func newReplayPool(capacity int) *replayPool {
	capacity = max(capacity, 0)
	n := maxReplayShards
	for n > 1 && capacity/n < minReplayShardCapacity {
		n /= 2
	}
	p := &replayPool{shards: make([]replayShard, n)}
	for i := range p.shards {
		s := &p.shards[i]
		s.capacity = capacity / n
		if i < capacity%n {
			s.capacity++
		}
		s.seen = newReplayTable(s.capacity)
	}
	return p
}

func (p *replayPool) shard(key *replayKey) *replayShard {
	return &p.shards[int(key[0])&(len(p.shards)-1)]
}

// check records key with expiry exp and returns nil; or ErrReplay if key is held and
// unexpired at nowNS; or ErrReplayFull if its shard is full of live entries.
func (p *replayPool) check(key replayKey, exp, nowNS int64) error {
	s := p.shard(&key)
	s.mu.Lock()
	defer s.mu.Unlock()
	p.expire(s, nowNS)
	if s.seen.contains(&key) {
		return ErrReplay
	}
	if len(s.expiries) >= s.capacity {
		return ErrReplayFull
	}
	s.seen.insert(&key)
	s.push(replayEntry{exp: exp, key: key})
	p.live.Add(1)
	return nil
}

// contains reports whether key is held and unexpired at nowNS.
func (p *replayPool) contains(key *replayKey, nowNS int64) bool {
	s := p.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	p.expire(s, nowNS)
	return s.seen.contains(key)
}

// expire drops the entries of s that expired before nowNS. Caller holds s.mu.
func (p *replayPool) expire(s *replayShard, nowNS int64) {
	for len(s.expiries) > 0 && s.expiries[0].exp < nowNS {
		s.seen.remove(&s.expiries[0].key)
		s.pop()
		p.live.Add(-1)
	}
}

// len returns how many entries the pool holds, expired ones not yet dropped included.
func (p *replayPool) len() int { return int(p.live.Load()) }

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
