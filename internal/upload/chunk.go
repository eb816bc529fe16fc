package upload

import (
	"bytes"
	"os"

	"github.com/symscore/symscore/wal"
)

// compareBuf is the most bytes of the file read at once to compare a repeated chunk.
const compareBuf = 64 << 10

// Write writes a chunk: data at position pos of the file. It returns once the chunk is
// durable under the manager's mode (ModeAlways: fsynced; otherwise written), with the
// number of distinct bytes received so far. A chunk repeating bytes already received is
// compared with them: the same bytes are acknowledged (nothing new is written), different
// ones refused with ErrConflict and nothing written. Other refusals (*Error): ErrNotFound
// (deleted meanwhile), ErrBadRequest (past the size, or too many disjoint ranges),
// ErrConflict (the upload is finalizing or finished), ErrIO (the files cannot be written:
// the upload takes nothing more), ErrClosed. data is only read during the call.
func (u *Upload) Write(pos int64, data []byte) (received int64, err error) {
	t, err := u.WriteAsync(pos, data)
	if err != nil {
		return 0, err
	}
	return u.Await(t)
}

// Ticket is a chunk written and not yet known durable: Await returns once it is. A value.
type Ticket struct {
	gen uint64 // the commit that makes it durable; 0: durable already
}

// Durable reports whether the chunk was durable when WriteAsync returned (Await then
// returns at once).
func (t Ticket) Durable() bool { return t.gen == 0 }

// WriteAsync is Write in two steps: it checks and writes the chunk (its refusals are
// Write's) and returns a Ticket for Await, which returns once the chunk is durable. A
// connection writes its next chunks meanwhile, so that chunks written while a commit runs
// share the next one. data is only read during the call.
func (u *Upload) WriteAsync(pos int64, data []byte) (Ticket, error) {
	r := Range{pos, pos + int64(len(data))}
	u.mu.Lock()
	defer u.mu.Unlock()
	if err := u.writableLocked(); err != nil {
		return Ticket{}, err
	}
	if r.From < 0 || r.To > u.desc.Size || r.From >= r.To {
		return Ticket{}, refusef(ErrBadRequest, "chunk [%d, %d) is past the upload's size of %d bytes", r.From, r.To, u.desc.Size)
	}
	if err := u.compareLocked(r, data); err != nil {
		return Ticket{}, err
	}
	u.active = u.m.opts.Now()
	repeat := u.got.Contains(r)
	if !repeat {
		if n := u.got.CountAfterAdd(r); n > u.m.opts.MaxRanges {
			return Ticket{}, refusef(ErrBadRequest, "the chunk would leave the upload in %d separate received ranges, more than %d: send chunks closer to each other", n, u.m.opts.MaxRanges)
		}
		if _, err := u.data.WriteAt(data, pos); err != nil {
			return Ticket{}, u.failIOLocked("write", err)
		}
		u.got.Add(r)
		u.m.BytesWritten.Add(int64(len(data)))
	}
	if u.m.opts.Mode != wal.ModeAlways {
		if !repeat {
			if err := u.appendRangeLocked(r, data); err != nil {
				return Ticket{}, err
			}
		}
		return Ticket{}, nil
	}
	// ModeAlways: a new range's record joins the next commit; a repeat waits for it too,
	// as its bytes may be another connection's, written and not yet durable.
	if !repeat {
		u.pending = appendRange(u.pending, r, 0, true)
		u.records++
	} else if len(u.pending) == 0 && !u.flushing {
		return Ticket{}, nil // nothing written is waiting: the bytes are durable
	}
	return Ticket{gen: u.gen}, nil
}

// Await returns once the chunk of t is durable, with the number of distinct bytes
// received so far; its refusals are ErrIO (a commit failed) and ErrNotFound (deleted
// meanwhile).
func (u *Upload) Await(t Ticket) (received int64, err error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if t.gen != 0 {
		if err := u.commitLocked(t.gen); err != nil {
			return 0, err
		}
	}
	return u.got.Len(), nil
}

// writableLocked refuses a chunk the upload cannot take.
func (u *Upload) writableLocked() error {
	switch {
	case u.gone:
		return refusef(ErrNotFound, "cannot find upload %s", quote(u.desc.ID))
	case u.ioErr != nil:
		return &Error{Err: ErrIO, Msg: "the upload's file cannot be written: delete it and upload again"}
	case u.st.State != Receiving && u.st.State != Failed:
		return refusef(ErrConflict, "upload %s is %s: it takes no more chunks", quote(u.desc.ID), u.st.State)
	}
	return nil
}

// compareLocked refuses a chunk whose bytes differ from those received at the same
// positions.
func (u *Upload) compareLocked(r Range, data []byte) error {
	var conflict *Error
	var buf []byte
	u.got.Overlaps(r, func(o Range) {
		for from := o.From; from < o.To && conflict == nil; from += compareBuf {
			to := min(from+compareBuf, o.To)
			if buf == nil {
				buf = make([]byte, min(compareBuf, o.Len()))
			}
			b := buf[:to-from]
			if _, err := u.data.ReadAt(b, from); err != nil {
				conflict = u.failIOLocked("read", err)
				return
			}
			if !bytes.Equal(b, data[from-r.From:to-r.From]) {
				conflict = refusef(ErrConflict, "chunk [%d, %d) differs from the bytes already received at [%d, %d): nothing written", r.From, r.To, o.From, o.To)
			}
		}
	})
	if conflict != nil {
		return conflict
	}
	return nil
}

// appendRangeLocked writes the record of a new range now (ModeInterval, ModeNone), with
// the checksum of its bytes: until a background sync says they are durable, a recovery
// checks them.
func (u *Upload) appendRangeLocked(r Range, data []byte) error {
	if err := u.appendIndexLocked(appendRange(nil, r, checksum(data), false)); err != nil {
		return u.failIOLocked("write index", err)
	}
	u.records++
	u.dirty = true
	return nil
}

// appendIndexLocked appends records to the index, once no compaction is under way.
func (u *Upload) appendIndexLocked(recs []byte) error {
	for u.compacting {
		u.cond.Wait()
	}
	if u.idx == nil {
		return ErrClosed
	}
	if _, err := u.idx.WriteAt(recs, u.idxEnd); err != nil {
		return err
	}
	u.idxEnd += int64(len(recs))
	return nil
}

// commitLocked returns once commit gen is done: the data synced, then the range records of
// the chunks written before it appended to the index and synced. The first waiter to find
// no commit running leads one, for every chunk written so far; the others wait. Caller
// holds mu, which the leader releases during the fsyncs.
func (u *Upload) commitLocked(gen uint64) error {
	for u.durableGen < gen {
		switch {
		case u.ioErr != nil:
			return &Error{Err: ErrIO, Msg: "the upload's file cannot be written: delete it and upload again"}
		case u.gone || u.data == nil:
			return refusef(ErrNotFound, "cannot find upload %s", quote(u.desc.ID))
		case u.flushing:
			u.cond.Wait()
			continue
		}
		u.flushing = true
		batch, g := u.pending, u.gen
		u.pending, u.spare = u.spare[:0], nil // the two buffers alternate
		u.gen++
		err := u.flushLocked(batch)
		u.spare = batch
		u.flushing = false
		if err != nil {
			u.failIOLocked("commit", err)
		} else {
			u.durableGen = g
		}
		u.cond.Broadcast()
	}
	return nil
}

// flushLocked makes a commit: the data synced, then batch (range records) appended to the
// index and the index synced; when the index holds many more records than ranges, it is
// rewritten instead (compactLocked), which covers the batch. Caller holds mu; the fsyncs
// run without it.
func (u *Upload) flushLocked(batch []byte) error {
	if len(batch) > 0 && u.records > compactAt(u.got.Count()) {
		return u.compactLocked()
	}
	if err := u.syncUnlocked(u.data); err != nil {
		return err
	}
	if len(batch) == 0 {
		return nil
	}
	if err := u.appendIndexLocked(batch); err != nil {
		return err
	}
	return u.syncUnlocked(u.idx)
}

// syncUnlocked fsyncs f (its data) without mu, which the caller holds; the files stay
// open meanwhile (io).
func (u *Upload) syncUnlocked(f *os.File) error {
	u.io++
	u.mu.Unlock()
	err := datasync(f)
	u.mu.Lock()
	u.io--
	u.cond.Broadcast()
	return err
}

// compactAt is the number of range records past which the index of an upload of ranges
// disjoint ranges is rewritten.
func compactAt(ranges int) int { return max(compactBase, 8*ranges) }

// compactBase is the fewest range records an index is compacted at (a variable for tests).
var compactBase = 4096

// failIOLocked records a failed write or sync: the upload takes nothing more (after a
// failed fsync the kernel may have dropped the bytes). It returns the refusal.
func (u *Upload) failIOLocked(what string, err error) *Error {
	if u.ioErr == nil {
		u.ioErr = err
		u.m.log.Error("upload: cannot write an upload's files; it takes no more chunks", "upload", u.desc.ID, "op", what, "err", err)
	}
	return &Error{Err: ErrIO, Msg: "the upload's file cannot be written: delete it and upload again"}
}
