package store

import (
	"errors"
	"fmt"
	"time"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/wal"
)

// pendingCommit carries one change's record to the log. Pooled: a change allocates
// nothing for it once the pool is warm (fn is bound once, when the value is made).
type pendingCommit struct {
	s   *Store
	rec []byte
	lsn uint64
	fn  model.Commit // c.commit
}

// maxPooledRecord bounds the record buffers the pool keeps.
const maxPooledRecord = 4 << 20

func (s *Store) getCommit() *pendingCommit {
	c := s.commits.Get().(*pendingCommit)
	c.rec, c.lsn = c.rec[:0], 0
	return c
}

func (s *Store) putCommit(c *pendingCommit) {
	if cap(c.rec) > maxPooledRecord {
		c.rec = nil
	}
	s.commits.Put(c)
}

// commit stamps the record with the time of the change and enqueues it: called by the
// model under the project's lock.
func (c *pendingCommit) commit() (uint64, time.Time, error) {
	if c.s.closed.Load() {
		return 0, time.Time{}, unavailable(wal.ErrClosed)
	}
	at := time.Now()
	setRecordTime(c.rec, at)
	lsn, err := c.s.log.Enqueue(c.rec)
	switch {
	case errors.Is(err, wal.ErrTooLarge):
		return 0, time.Time{}, &model.Error{Msg: fmt.Sprintf("the change is too large to log (%d bytes; at most %d)", len(c.rec), wal.MaxRecordBytes)}
	case err != nil:
		return 0, time.Time{}, unavailable(err)
	}
	c.lsn = lsn
	if c.s.logged.Add(int64(len(c.rec))) >= c.s.opts.CheckpointBytes {
		select {
		case c.s.kick <- struct{}{}:
		default:
		}
	}
	return lsn, at, nil
}

// finish waits, after the change returned err, until its record is durable.
func (c *pendingCommit) finish(err error) error {
	if err != nil || c.lsn == 0 {
		return err // refused, or nothing to log (a frame of zero rows)
	}
	if werr := c.s.log.Wait(c.lsn); werr != nil {
		return unavailable(werr)
	}
	return nil
}

// change runs one journaled change: encode appends its record to the buffer, apply makes
// the change with the commit function (nil in memory).
func (s *Store) change(encode func([]byte) []byte, apply func(model.Commit) error) error {
	if s.log == nil {
		return apply(nil)
	}
	c := s.getCommit()
	defer s.putCommit(c)
	c.rec = encode(c.rec)
	return c.finish(apply(c.fn))
}
