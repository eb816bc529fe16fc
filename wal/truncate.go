package wal

import (
	"fmt"
	"slices"
)

// TruncateBefore deletes every segment whose records all have LSN < lsn. The active
// segment is never deleted, so the log keeps its place in the LSN sequence. Safe to call
// concurrently with Append: appenders wait only for a short lock while the segment list is
// updated; files are removed outside it, oldest first, each removal made durable before
// the next so that a crash midway leaves a contiguous log.
func (l *Log) TruncateBefore(lsn uint64) error {
	l.mu.Lock()
	if l.state == stateClosed {
		l.mu.Unlock()
		return ErrClosed
	}
	n := 0 // segments [0, n) end before lsn: the next one starts at or below it
	for n+1 < len(l.segs) && l.segs[n+1].first <= lsn {
		n++
	}
	victims := slices.Clone(l.segs[:n])
	l.segs = slices.Delete(l.segs, 0, n)
	l.mu.Unlock()

	for _, s := range victims {
		if err := l.fs.Remove(s.path); err != nil {
			return fmt.Errorf("cannot remove wal segment: %w", err)
		}
		if err := l.fs.SyncDir(l.dir); err != nil {
			return fmt.Errorf("cannot fsync wal directory %q: %w", l.dir, err)
		}
	}
	return nil
}
