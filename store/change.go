package store

import (
	"errors"
	"fmt"
	"time"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/wal"
)

// change is one change on its way: prepared (its record encoded), appended to the log,
// delivered into its lane, applied. Pooled: a learn allocates nothing for it once the pool
// is warm.
type change struct {
	lane *lane
	rec  []byte
	seq  uint64

	delivered bool  // in its lane's queue; guarded by lane.mu
	done      bool  // applied (or refused); guarded by lane.applyMu
	err       error // the application's result; guarded by lane.applyMu
	remote    bool  // delivered from elsewhere: no waiter, holds its own lane reference

	// res is the change's claim on its customer's byte budget, taken when it is prepared
	// and released once it is applied (drainLocked) or given up (putChange).
	res model.Reservation

	// Scratch of the preparation of learn and forget.
	rows  model.Rows
	delta *model.Delta
	alt   []byte // the other encoding of a learn or forget
}

// maxPooledRecord bounds the record buffers the pool keeps.
const maxPooledRecord = 4 << 20

func (s *Store) getChange() *change {
	c := s.changes.Get().(*change)
	c.rec, c.alt = c.rec[:0], c.alt[:0]
	return c
}

func (s *Store) putChange(c *change) {
	c.res.Release() // a change refused before it was logged, or not made durable
	if cap(c.rec) > maxPooledRecord {
		c.rec = nil
	}
	if cap(c.alt) > maxPooledRecord {
		c.alt = nil
	}
	c.lane, c.seq, c.delivered, c.done, c.err = nil, 0, false, false, nil
	c.rows.Reset() // it aliases the caller's frame
	if c.delta != nil && c.delta.Bytes() > maxPooledRecord {
		c.delta = nil
	}
	s.changes.Put(c)
}

// gateMode says how a change holds its lane's gate (see lane).
type gateMode uint8

const (
	gateShared    gateMode = iota // a change of an existing project: until delivered
	gateExclusive                 // create, import, delete: until applied
)

// enter takes the lane of (cid, pid) and its gate for a change about to be prepared.
func (s *Store) enter(c *change, cid, pid string, mode gateMode) {
	c.lane = s.acquireLane(cid, pid)
	if mode == gateShared {
		c.lane.gate.RLock()
	} else {
		c.lane.gate.Lock()
	}
}

// leave releases what enter took, for a change that was not submitted (refused before it
// was logged).
func (s *Store) leave(c *change, mode gateMode) {
	if mode == gateShared {
		c.lane.gate.RUnlock()
	} else {
		c.lane.gate.Unlock()
	}
	s.releaseLane(c.lane)
}

// submit appends the prepared record c.rec, waits until it is durable and applied, and
// returns the application's result: nil, the model's refusal, or an error wrapping
// ErrUnavailable when the record could not be made durable (then it was not applied). It
// releases what enter took.
func (s *Store) submit(c *change, mode gateMode) error {
	if s.closed.Load() && s.durable {
		s.leave(c, mode)
		return unavailable(wal.ErrClosed)
	}
	setRecordTime(c.rec, s.stamp())
	_, err := s.log.Append(c.rec, c)
	if mode == gateShared {
		c.lane.gate.RUnlock()
	}
	if err == nil {
		if s.logged.Add(int64(len(c.rec))) >= s.opts.CheckpointBytes && s.durable {
			select {
			case s.kick <- struct{}{}:
			default:
			}
		}
		err = s.applyThrough(c)
	} else if errors.Is(err, ErrRecordTooLarge) {
		err = &model.Error{Msg: fmt.Sprintf("the change is too large to log (%v)", err)}
	} else {
		err = unavailable(err)
	}
	if mode == gateExclusive {
		c.lane.gate.Unlock()
	}
	s.releaseLane(c.lane)
	return err
}

// seeStamp makes the next stamp later than at, the time of a record appended elsewhere: a
// node's changes are dated after every change it has applied, whatever the clocks of the
// others.
func (s *Store) seeStamp(at int64) {
	for {
		last := s.lastStamp.Load()
		if at <= last || s.lastStamp.CompareAndSwap(last, at) {
			return
		}
	}
}

// stamp returns the time of a change about to be appended: now, but always after the
// previous stamp, so that no two changes of this process share a time (a project's
// creation date names its incarnation).
func (s *Store) stamp() time.Time {
	now := time.Now().UnixNano()
	for {
		last := s.lastStamp.Load()
		t := max(now, last+1)
		if s.lastStamp.CompareAndSwap(last, t) {
			return time.Unix(0, t)
		}
	}
}
