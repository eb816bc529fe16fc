package auth

import "time"

// Fill returns how full the fullest part of the cache is, from 0 to 1, after dropping the
// entries expired at now: the largest share of its capacity that any shard of any pool —
// a customer's changes or reads, or the signatures remembered after a restart — holds. At
// 1 that shard refuses the next signed message that falls in it (ErrReplayFull). It locks
// each shard in turn: meant for a metrics scrape, not a hot path.
func (c *ReplayCache) Fill(now time.Time) float64 {
	nowNS := now.UnixNano()
	fill := c.restored.fill(nowNS)
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, sh := range c.shares {
		fill = max(fill, sh.changes.fill(nowNS), sh.reads.fill(nowNS))
	}
	if c.everyone != nil {
		fill = max(fill, c.everyone.changes.fill(nowNS), c.everyone.reads.fill(nowNS))
	}
	return fill
}

// fill is Fill for one pool. A pool of no capacity is full.
func (p *replayPool) fill(nowNS int64) float64 {
	var fill float64
	for i := range p.shards {
		s := &p.shards[i]
		s.mu.Lock()
		p.expire(s, nowNS)
		f := 1.0
		if s.capacity > 0 {
			f = float64(len(s.expiries)) / float64(s.capacity)
		}
		s.mu.Unlock()
		fill = max(fill, f)
	}
	return fill
}
