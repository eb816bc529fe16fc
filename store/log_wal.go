package store

import (
	"errors"
	"fmt"
	"sync"

	"github.com/symscore/symscore/wal"
)

// walLog is the Log of a data directory: package wal's write-ahead log, whose LSNs are the
// sequence numbers. Records are delivered by the Appends themselves: once its record is
// durable, an Append delivers every queued record up to its own, in order, so a batch that
// one group commit made durable is delivered by whichever of its appenders comes first.
type walLog struct {
	w       *wal.Log
	deliver Deliver

	mu   sync.Mutex   // guards q and head; Append enqueues under it, so q is in LSN order
	q    []walPending // appended, not yet delivered: q[head:]
	head int

	dmu sync.Mutex // held while delivering: one deliverer at a time, in order
}

// walPending is a record waiting to be delivered; rec is the appender's buffer, which it
// keeps until its Append returns (after the record is delivered).
type walPending struct {
	lsn   uint64
	rec   []byte
	local any
}

func newWALLog(w *wal.Log) *walLog { return &walLog{w: w} }

func (l *walLog) Replay(from uint64, fn func(seq uint64, rec []byte) error) error {
	return l.w.Replay(from, fn)
}

func (l *walLog) Start(deliver Deliver) { l.deliver = deliver }

func (l *walLog) Append(rec []byte, local any) (uint64, error) {
	l.mu.Lock()
	lsn, err := l.w.Enqueue(rec)
	if err == nil {
		l.q = append(l.q, walPending{lsn: lsn, rec: rec, local: local})
	}
	l.mu.Unlock()
	switch {
	case errors.Is(err, wal.ErrTooLarge):
		return 0, fmt.Errorf("%w: %d bytes; at most %d", ErrRecordTooLarge, len(rec), wal.MaxRecordBytes)
	case err != nil:
		return 0, err
	}
	if err := l.w.Wait(lsn); err != nil {
		// The log has failed for good: nothing from lsn on will be delivered.
		l.drop(lsn)
		return 0, err
	}
	l.deliverThrough(lsn)
	return lsn, nil
}

// deliverThrough delivers every queued record up to lsn, which is durable (and so is every
// record before it). A record leaves the queue only once delivered, so that Undelivered
// never skips one on its way.
func (l *walLog) deliverThrough(lsn uint64) {
	l.dmu.Lock()
	defer l.dmu.Unlock()
	for {
		l.mu.Lock()
		if l.head == len(l.q) || l.q[l.head].lsn > lsn {
			l.mu.Unlock()
			return
		}
		p := l.q[l.head]
		l.mu.Unlock()
		l.deliver(p.lsn, p.rec, p.local)
		l.mu.Lock()
		l.q[l.head] = walPending{}
		if l.head++; l.head == len(l.q) {
			l.q, l.head = l.q[:0], 0
		}
		l.mu.Unlock()
	}
}

// drop forgets the queued records from lsn on, whose Appends fail.
func (l *walLog) drop(lsn uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := l.head; i < len(l.q); i++ {
		if l.q[i].lsn >= lsn {
			clear(l.q[i:])
			l.q = l.q[:i]
			break
		}
	}
}

func (l *walLog) Note(rec []byte) error {
	_, err := l.w.Enqueue(rec)
	return err
}

func (l *walLog) Sync() error                     { return l.w.Sync() }
func (l *walLog) TruncateBefore(seq uint64) error { return l.w.TruncateBefore(seq) }
func (l *walLog) NextSeq() uint64                 { return l.w.NextLSN() }
func (l *walLog) Err() error                      { return l.w.Err() }
func (l *walLog) Close() error                    { return l.w.Close() }

func (l *walLog) Undelivered() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.head < len(l.q) {
		return l.q[l.head].lsn
	}
	return l.w.NextLSN()
}

// memLog is the Log of a store without a data directory: records are delivered as they
// are appended and kept nowhere.
type memLog struct {
	mu      sync.Mutex // guards next; held while delivering, so deliveries are in order
	next    uint64
	deliver Deliver
}

func (l *memLog) Replay(uint64, func(uint64, []byte) error) error { return nil }
func (l *memLog) Start(deliver Deliver)                           { l.deliver = deliver }

func (l *memLog) Append(rec []byte, local any) (uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.next++
	l.deliver(l.next, rec, local)
	return l.next, nil
}

func (l *memLog) Note([]byte) error           { return nil }
func (l *memLog) Sync() error                 { return nil }
func (l *memLog) TruncateBefore(uint64) error { return nil }
func (l *memLog) Err() error                  { return nil }
func (l *memLog) Close() error                { return nil }
func (l *memLog) Undelivered() uint64         { return l.NextSeq() }

func (l *memLog) NextSeq() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.next + 1
}
