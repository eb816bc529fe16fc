package store

import (
	"sync"
)

// laneKey names a project: records of one key are applied in sequence order, records of
// different keys independently (in parallel).
type laneKey struct{ cid, pid string }

// lane orders the changes of one project id of one customer, across its incarnations
// (create, changes, delete, create again).
//
// A record is delivered into its lane's queue in sequence order (Store.deliver) and
// applied from there, oldest first, by whichever goroutine holds applyMu: the waiter of a
// change applies the queue up to its own record, and with it the records of others that
// were delivered before (so concurrent learners of one project share the work as they
// share an fsync). Records of other keys never wait for it.
//
// gate makes the records of a project id fit the state they were prepared against: a
// change of an existing project (learn, forget, freeze, merge, model, unmodel) holds it for
// reading from its preparation until its record is delivered; a create, import or delete
// holds it for writing from its preparation until it is applied. So a delete is logged
// after every change prepared while its project existed, and no change of a project is
// logged after its delete: on one node a change never meets a project it was not prepared
// for.
type lane struct {
	key  laneKey
	refs int // changes holding the lane; guarded by Store.lanesMu

	gate sync.RWMutex // orders changes against creates, imports and deletes (see above)

	mu   sync.Mutex // guards q, head and changes' delivered flags
	cond sync.Cond  // on mu: broadcast when a record is delivered
	q    []*change  // delivered, not yet applied: q[head:], in sequence order
	head int

	applyMu sync.Mutex // held while applying; guards changes' done and err
}

// acquireLane returns the lane of (cid, pid), made if needed, holding a reference to it.
func (s *Store) acquireLane(cid, pid string) *lane {
	s.lanesMu.Lock()
	defer s.lanesMu.Unlock()
	l := s.lanes[laneKey{cid, pid}]
	if l == nil {
		l = &lane{key: laneKey{cid, pid}}
		l.cond.L = &l.mu
		s.lanes[l.key] = l
	}
	l.refs++
	return l
}

// releaseLane drops a reference; a lane nobody holds is forgotten unless its project
// exists (a project's lane is kept, so that a change allocates none).
func (s *Store) releaseLane(l *lane) {
	s.lanesMu.Lock()
	defer s.lanesMu.Unlock()
	if l.refs--; l.refs > 0 {
		return
	}
	if _, err := s.reg.Get(l.key.cid, l.key.pid); err != nil {
		delete(s.lanes, l.key)
	}
}

// push appends a delivered record to the queue. Caller holds l.mu.
func (l *lane) push(c *change) {
	if l.head > 0 && len(l.q) == cap(l.q) {
		n := copy(l.q, l.q[l.head:])
		clear(l.q[n:])
		l.q, l.head = l.q[:n], 0
	}
	l.q = append(l.q, c)
	c.delivered = true
	l.cond.Broadcast()
}

// applyThrough applies the lane's queue up to and including c, once c is delivered, and
// returns c's result. Records before c (delivered earlier) are applied first.
func (s *Store) applyThrough(c *change) error {
	l := c.lane
	l.mu.Lock()
	for !c.delivered {
		l.cond.Wait()
	}
	l.mu.Unlock()
	l.applyMu.Lock()
	defer l.applyMu.Unlock()
	if !c.done {
		s.drainLocked(l, c)
	}
	return c.err
}

// drainLocked applies the queue's records in order until it has applied until (nil: until
// the queue is empty). Caller holds l.applyMu.
func (s *Store) drainLocked(l *lane, until *change) {
	dec := s.decoders.Get().(*decoder)
	defer func() {
		if dec.delta.Bytes() <= maxPooledRecord {
			s.decoders.Put(dec) // a large delta's buffers are not kept
		}
	}()
	for {
		l.mu.Lock()
		if l.head == len(l.q) {
			l.mu.Unlock()
			return
		}
		e := l.q[l.head]
		l.mu.Unlock()
		e.err = s.applyPayload(e.seq, e.rec, l.key, dec)
		// Applied or refused: what the change reserved of its customer's budget is now
		// charged as what it did (the application's recharge), or nothing.
		e.res.Release()
		e.done = true
		l.mu.Lock()
		l.q[l.head] = nil
		if l.head++; l.head == len(l.q) {
			l.q, l.head = l.q[:0], 0
		}
		l.mu.Unlock()
		if e.remote {
			s.releaseLane(l)
		}
		if e == until {
			return
		}
	}
}

// deliver is the Store's Deliver: it puts a durable record in its lane's queue. A record
// of this process carries its change (local); one from elsewhere is applied here, after
// the records delivered before it.
func (s *Store) deliver(seq uint64, rec []byte, local any) {
	if c, ok := local.(*change); ok {
		c.seq = seq
		l := c.lane
		l.mu.Lock()
		l.push(c)
		l.mu.Unlock()
		return
	}
	var r reader
	r.b = rec
	r.byte()
	r.byte()
	at := int64(r.uint64())
	cid, pid := string(r.bytes()), string(r.bytes())
	if r.err != nil {
		s.slog.Error("store: dropping an undecodable record", "seq", seq)
		return
	}
	s.seeStamp(at)
	c := &change{seq: seq, rec: append([]byte(nil), rec...), remote: true}
	c.lane = s.acquireLane(cid, pid)
	c.lane.mu.Lock()
	c.lane.push(c)
	c.lane.mu.Unlock()
	c.lane.applyMu.Lock()
	s.drainLocked(c.lane, nil)
	c.lane.applyMu.Unlock()
}

// laneFloor returns the lowest sequence number delivered and not yet applied, or
// ^uint64(0) when every delivered record is applied.
func (s *Store) laneFloor() uint64 {
	floor := ^uint64(0)
	s.lanesMu.Lock()
	defer s.lanesMu.Unlock()
	for _, l := range s.lanes {
		l.mu.Lock()
		if l.head < len(l.q) {
			floor = min(floor, l.q[l.head].seq)
		}
		l.mu.Unlock()
	}
	return floor
}
