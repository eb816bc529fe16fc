package wal

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Append adds rec to the log and returns its LSN once the record is as durable as the
// mode promises: fsynced in ModeAlways, written in ModeInterval and ModeNone. rec is copied;
// the caller may reuse it when Append returns. Safe for concurrent use: concurrent
// appenders share one write and, in ModeAlways, one fsync. Append is Enqueue then Wait.
//
// An error means the record was not acknowledged. It may still be on disk and be replayed
// after a restart, as with any request whose outcome is unknown. Errors wrapping ErrFailed
// are sticky; ErrTooLarge leaves the log unaffected.
func (l *Log) Append(rec []byte) (uint64, error) {
	lsn, err := l.Enqueue(rec)
	if err != nil {
		return 0, err
	}
	return lsn, l.Wait(lsn)
}

// Enqueue gives rec its LSN and queues it for the next write, without waiting: call Wait
// before acting on the record's durability. LSNs follow the order of Enqueue calls, so a
// caller that enqueues under its own lock orders its records by that lock. rec is copied.
// Enqueue does no I/O and allocates nothing once the batch buffers have grown. A queued
// record is written by the next Wait, Sync or Close of anyone.
func (l *Log) Enqueue(rec []byte) (uint64, error) {
	if len(rec) > MaxRecordBytes {
		return 0, ErrTooLarge
	}
	pcrc := payloadCRC(rec)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.appendableLocked(); err != nil {
		return 0, err
	}
	lsn := l.next
	l.next++
	l.pending = appendRecord(l.pending, lsn, rec, pcrc)
	return lsn, nil
}

// Wait returns nil once record lsn (from Enqueue) is as durable as the mode promises, or
// the sticky failure if the log failed before that. While nobody else is writing, the
// caller takes the flush role and writes (and in ModeAlways fsyncs) everything queued:
// concurrent waiters share writes and fsyncs (group commit).
func (l *Log) Wait(lsn uint64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		switch {
		case l.acked >= lsn:
			return nil
		case l.failErr != nil:
			return l.failErr
		case lsn >= l.next:
			return fmt.Errorf("wal: Wait for lsn %d, which was never enqueued", lsn)
		case !l.flushing && len(l.pending) > 0:
			l.flushLocked()
		case !l.flushing:
			// Nothing queued, nobody writing, not acknowledged: only a closed log gets here.
			return ErrClosed
		default:
			l.cond.Wait()
		}
	}
}

func (l *Log) appendableLocked() error {
	switch {
	case l.state == stateClosed:
		return ErrClosed
	case l.state == stateOpen:
		return ErrNotReplayed
	case l.failErr != nil:
		return l.failErr
	}
	return nil
}

// flushLocked takes the flush role, writes the pending batch (and fsyncs it in
// ModeAlways) with mu released, and gives the role back. Called with mu held, flushing
// false, failErr nil and pending non-empty; returns with mu held.
func (l *Log) flushLocked() {
	l.flushing = true
	buf := l.pending
	l.pending, l.spare = l.spare[:0], nil
	first, last := l.written+1, l.next-1
	l.mu.Unlock()

	err := l.writeBatch(buf, first)
	if err == nil && l.opts.Mode == ModeAlways {
		if serr := l.active.Sync(); serr != nil {
			err = fmt.Errorf("cannot fsync wal segment: %w", serr)
		}
	}

	l.mu.Lock()
	l.flushing = false
	if cap(buf) <= maxSpareBytes {
		l.spare = buf[:0]
	}
	switch {
	case err != nil:
		l.failLocked(err)
	case l.failErr == nil: // a concurrent fsync failure also withholds this batch's acks
		l.written = last
		if l.opts.Mode == ModeAlways {
			l.synced = last
			l.acked = last
		} else {
			l.acked = last
		}
	}
	l.cond.Broadcast()
}

// writeBatch writes buf, whose first record has LSN first, to the active segment,
// starting a new segment first when the active one is full. When the new segment cannot be
// made, nothing of the batch having been written (open, header, fsync of the new file or
// of the directory failed, the new file removed), the batch goes into the active segment,
// which grows past SegmentBytes, and the next batch tries again: a shortage of file
// descriptors or inodes does not stop the log. Flush role.
func (l *Log) writeBatch(buf []byte, first uint64) error {
	if l.activeSize >= l.opts.SegmentBytes {
		if err := l.roll(first); err != nil {
			var re *rollError
			if !errors.As(err, &re) {
				return err
			}
			if !l.rollFailing {
				l.log.Warn("wal: cannot start a new segment; appending to the active one and trying again with the next write",
					"dir", l.dir, "err", re.err)
			}
			l.rollFailing = true
		} else if l.rollFailing {
			l.rollFailing = false
			l.log.Info("wal: started a new segment again", "dir", l.dir)
		}
	}
	if _, err := l.active.Write(buf); err != nil {
		return fmt.Errorf("cannot write wal segment: %w", err)
	}
	l.activeSize += int64(len(buf))
	return nil
}

// rollError is a failure to start a new segment that left nothing behind: the log goes on
// in the active segment.
type rollError struct{ err error }

func (e *rollError) Error() string { return e.err.Error() }
func (e *rollError) Unwrap() error { return e.err }

// roll closes the active segment (fsyncing it first in ModeInterval) and makes a new
// segment whose first record is first the active one. Outside ModeNone the new file and its
// directory entry are durable before any record goes in. A *rollError means the active
// segment is still the active one and can take the batch; any other error is a failure of
// data already written (the fsync of the active segment). Flush role.
func (l *Log) roll(first uint64) error {
	old := l.active
	if old != nil && l.opts.Mode == ModeInterval {
		if err := old.Sync(); err != nil {
			return fmt.Errorf("cannot fsync wal segment: %w", err)
		}
	}
	f, path, err := l.createSegment(first)
	if err != nil {
		return err
	}

	l.mu.Lock()
	for l.syncing { // the interval syncer may be using old
		l.cond.Wait()
	}
	l.active = f
	l.segs = append(l.segs, segment{first: first, path: path})
	if old != nil && l.opts.Mode == ModeInterval && l.written > l.synced {
		l.synced = l.written
	}
	l.mu.Unlock()
	l.activeSize = segmentHeaderSize

	if old != nil {
		if err := old.Close(); err != nil {
			return fmt.Errorf("cannot close wal segment: %w", err)
		}
	}
	return nil
}

// createSegment makes the segment file whose first record is first, its header written
// and (outside ModeNone) durable with its directory entry. On failure the file is removed
// and the error is a *rollError, unless the removal itself failed: a segment file the log
// does not account for would make the next Replay fail.
func (l *Log) createSegment(first uint64) (File, string, error) {
	path := filepath.Join(l.dir, segmentName(first))
	f, err := l.fs.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o600)
	if err != nil {
		return nil, "", l.abandonSegment(path, fmt.Errorf("cannot create wal segment %q: %w", path, err), errors.Is(err, fs.ErrExist))
	}
	fail := func(err error) (File, string, error) {
		f.Close()
		return nil, "", l.abandonSegment(path, err, false)
	}
	if _, err := f.Write(appendSegmentHeader(nil, first)); err != nil {
		return fail(fmt.Errorf("cannot write wal segment header %q: %w", path, err))
	}
	if l.opts.Mode != ModeNone {
		if err := f.Sync(); err != nil {
			return fail(fmt.Errorf("cannot fsync wal segment %q: %w", path, err))
		}
		if err := l.fs.SyncDir(l.dir); err != nil {
			return fail(fmt.Errorf("cannot fsync wal directory %q: %w", l.dir, err))
		}
	}
	return f, path, nil
}

// abandonSegment removes what a failed createSegment may have left at path (unless the
// file was there before: exists) and returns cause as a *rollError, or a plain error if
// the file could not be removed durably.
func (l *Log) abandonSegment(path string, cause error, exists bool) error {
	if exists {
		return cause // not ours to remove; the log cannot account for it
	}
	switch err := l.fs.Remove(path); {
	case errors.Is(err, fs.ErrNotExist):
		return &rollError{cause} // nothing was created
	case err != nil:
		return fmt.Errorf("%w; cannot remove it: %w", cause, err)
	}
	if err := l.fs.SyncDir(l.dir); err != nil {
		return fmt.Errorf("%w; cannot fsync the removal: %w", cause, err)
	}
	return &rollError{cause}
}

// failLocked puts the log in the failed state. The page cache of a file whose write or
// fsync failed is in an unknown state, so nothing is retried.
func (l *Log) failLocked(cause error) {
	if l.failErr != nil {
		return
	}
	l.failErr = fmt.Errorf("%w: %w", ErrFailed, cause)
	l.log.Error("wal: log failed; appends refused until restart", "dir", l.dir, "err", cause)
}

// Sync makes every record appended before the call durable, in any mode. It returns the
// sticky failure if the log has failed.
func (l *Log) Sync() error {
	l.mu.Lock()
	err := l.appendableLocked()
	l.mu.Unlock()
	if err != nil {
		return err
	}
	return l.syncAll()
}

// syncAll writes pending records and fsyncs the active segment until everything appended
// before the call is durable.
func (l *Log) syncAll() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	target := l.next - 1
	for {
		switch {
		case l.failErr != nil:
			return l.failErr
		case l.synced >= target:
			return nil
		case l.flushing:
			l.cond.Wait()
			continue
		case len(l.pending) > 0:
			l.flushLocked()
			continue
		case l.active == nil:
			return ErrClosed
		}
		l.flushing = true
		f, w := l.active, l.written
		l.mu.Unlock()
		err := f.Sync()
		l.mu.Lock()
		l.flushing = false
		if err != nil {
			l.failLocked(fmt.Errorf("cannot fsync wal segment: %w", err))
		} else if w > l.synced {
			l.synced = w
		}
		l.cond.Broadcast()
	}
}

// runSyncer is the ModeInterval background loop: every Interval, if records were written
// since the last fsync, fsync the active segment. It runs concurrently with writes; roll
// waits for it before closing the segment it may be syncing.
func (l *Log) runSyncer() {
	defer close(l.syncerDone)
	t := time.NewTicker(l.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-l.stopSyncer:
			return
		case <-t.C:
		}
		l.syncOnce()
	}
}

func (l *Log) syncOnce() {
	l.mu.Lock()
	if l.failErr != nil || l.active == nil || l.synced >= l.written {
		l.mu.Unlock()
		return
	}
	f, w := l.active, l.written
	l.syncing = true
	l.mu.Unlock()
	err := f.Sync()
	l.mu.Lock()
	l.syncing = false
	if err != nil {
		l.failLocked(fmt.Errorf("cannot fsync wal segment: %w", err))
	} else if w > l.synced {
		l.synced = w
	}
	l.cond.Broadcast()
	l.mu.Unlock()
}
