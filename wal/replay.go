package wal

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
)

// Replay reads the log and hands every record with LSN ≥ from to fn, in LSN order, then
// opens the log for appending after the last valid record. It must succeed once before the
// first Append; a second call after success returns ErrReplayed. from = 0 means from the
// oldest retained record.
//
// rec is valid only during the call to fn. An error from fn stops Replay and is returned as
// is; the log then stays closed for appending (Replay may be called again).
//
// Every segment read is fsynced first (outside ModeNone), so every record handed to fn is
// durable even if a previous run used a weaker mode.
//
// Bad bytes are handled as the package documentation describes: a torn tail of the last
// segment is cut (logged at warn level) and Replay succeeds; anything else is a
// *CorruptError, unless Options.Repair, which cuts the log there (logged at error level).
// Records handed to fn before a *CorruptError are valid.
//
// Replay returns an error wrapping ErrLSNRange when from > 0 is before the oldest retained
// record (records were truncated) or after the end of the log (a snapshot is ahead of it).
// Replay must not run concurrently with other methods.
func (l *Log) Replay(from uint64, fn func(lsn uint64, rec []byte) error) error {
	l.mu.Lock()
	switch l.state {
	case stateReady:
		l.mu.Unlock()
		return ErrReplayed
	case stateClosed:
		l.mu.Unlock()
		return ErrClosed
	}
	segs := slices.Clone(l.segs)
	l.mu.Unlock()

	if len(segs) == 0 {
		if from > 1 {
			return fmt.Errorf("%w: from %d, but the log is empty", ErrLSNRange, from)
		}
		return l.startAppending(segs, false, 0, 1)
	}
	start := 0
	if from > 0 {
		if from < segs[0].first {
			return fmt.Errorf("%w: from %d, but the oldest retained record is %d", ErrLSNRange, from, segs[0].first)
		}
		start = sort.Search(len(segs), func(i int) bool { return segs[i].first > from }) - 1
	}

	r := segmentReader{fs: l.fs, sync: l.opts.Mode != ModeNone, from: from, fn: fn}
	next := segs[start].first
	var goodEnd int64
	lastRead := false // whether the last retained segment was read (its good end is known)
	for i := start; i < len(segs); i++ {
		seg := segs[i]
		if seg.first != next {
			reason := fmt.Sprintf("segment starts at lsn %d, want %d (missing or overlapping segment)", seg.first, next)
			if err := l.corrupt(seg, 0, next, reason, segs[i:]); err != nil {
				return err
			}
			segs = segs[:i]
			break
		}
		res, err := r.read(seg)
		if err != nil {
			var stop errStop
			if errors.As(err, &stop) {
				return stop.err
			}
			return err
		}
		next, goodEnd, lastRead = res.next, res.goodEnd, true
		if res.bad == nil {
			continue
		}
		bad := res.bad
		isLast := i == len(segs)-1
		if isLast && bad.validAfter < 0 {
			l.log.Warn("wal: cutting torn tail of the last segment", "file", seg.path,
				"offset", bad.offset, "lsn", next, "reason", bad.reason)
		} else {
			reason := bad.reason
			if bad.validAfter >= 0 {
				reason = fmt.Sprintf("%s; a valid record follows at offset %d", reason, bad.validAfter)
			} else if !isLast {
				reason += "; later segments follow"
			}
			if err := l.corrupt(seg, bad.offset, next, reason, segs[i+1:]); err != nil {
				return err
			}
		}
		if bad.headerBad {
			if err := l.removeSegment(seg); err != nil {
				return err
			}
			segs, lastRead = segs[:i], false
		} else {
			if err := l.truncateSegment(seg, bad.offset); err != nil {
				return err
			}
			segs = segs[:i+1]
		}
		break
	}
	if from > next {
		return fmt.Errorf("%w: from %d, but the log ends before lsn %d", ErrLSNRange, from, next)
	}
	return l.startAppending(segs, lastRead, goodEnd, next)
}

// corrupt handles bad bytes that are not a torn tail: a *CorruptError, or under Repair the
// deletion of every later segment (the caller cuts seg itself) and a loud log line.
func (l *Log) corrupt(seg segment, offset int64, lsn uint64, reason string, later []segment) error {
	cerr := &CorruptError{File: seg.path, Offset: offset, LSN: lsn, Reason: reason}
	if !l.opts.Repair {
		return cerr
	}
	dropped := make([]string, 0, len(later))
	for _, s := range later {
		dropped = append(dropped, s.path)
	}
	l.log.Error("wal: repairing corrupt log: dropping every record from here on",
		"file", seg.path, "offset", offset, "first_dropped_lsn", lsn, "reason", reason,
		"dropped_segments", dropped)
	for i := len(later) - 1; i >= 0; i-- { // newest first: a crash midway leaves no gap
		if err := l.removeSegment(later[i]); err != nil {
			return err
		}
	}
	return nil
}

// removeSegment deletes a segment durably.
func (l *Log) removeSegment(seg segment) error {
	if err := l.fs.Remove(seg.path); err != nil {
		return fmt.Errorf("cannot remove wal segment: %w", err)
	}
	if err := l.fs.SyncDir(l.dir); err != nil {
		return fmt.Errorf("cannot fsync wal directory %q: %w", l.dir, err)
	}
	return nil
}

// truncateSegment cuts a segment at off durably.
func (l *Log) truncateSegment(seg segment, off int64) error {
	f, err := l.fs.OpenFile(seg.path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("cannot open wal segment: %w", err)
	}
	err = f.Truncate(off)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cannot truncate wal segment %q: %w", seg.path, err)
	}
	return nil
}

// startAppending makes the log ready for Append after a successful Replay. If the last
// retained segment was read, appends continue in it at goodEnd; otherwise a new segment is
// made now, so that there is always an active segment to fall back on when a later one
// cannot be made (see writeBatch).
func (l *Log) startAppending(segs []segment, lastRead bool, goodEnd int64, next uint64) error {
	var active File
	if lastRead && len(segs) > 0 {
		f, err := l.fs.OpenFile(segs[len(segs)-1].path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return fmt.Errorf("cannot open wal segment for append: %w", err)
		}
		active = f
	} else {
		f, path, err := l.createSegment(next)
		if err != nil {
			return err
		}
		active, goodEnd = f, segmentHeaderSize
		segs = append(segs, segment{first: next, path: path})
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.segs = segs
	l.next = next
	l.written, l.synced, l.acked = next-1, next-1, next-1
	l.active, l.activeSize = active, goodEnd
	l.state = stateReady
	if l.opts.Mode == ModeInterval {
		l.stopSyncer = make(chan struct{})
		l.syncerDone = make(chan struct{})
		go l.runSyncer()
	}
	return nil
}
