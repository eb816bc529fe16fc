package wal

import (
	"errors"
	"fmt"
)

var (
	// ErrFailed marks every error of a log that hit a write or fsync error. The state is
	// sticky: the failing Append and every later one return an error wrapping ErrFailed (and
	// the original cause). Only a restart, which replays the log, recovers.
	ErrFailed = errors.New("wal: log failed")
	// ErrClosed is returned by operations on a closed log.
	ErrClosed = errors.New("wal: log closed")
	// ErrNotReplayed is returned by Append, Sync and Close-time flushes before Replay has
	// succeeded: the end of the log is unknown until then.
	ErrNotReplayed = errors.New("wal: log not replayed")
	// ErrReplayed is returned by a second Replay once the log is open for appending.
	ErrReplayed = errors.New("wal: log already replayed")
	// ErrTooLarge is returned by Append for a record longer than MaxRecordBytes; the log is
	// unaffected.
	ErrTooLarge = errors.New("wal: record too large")
	// ErrLSNRange is returned by Replay when from lies outside the retained log: records
	// before it were truncated, or it is beyond the end (a snapshot is ahead of the log).
	ErrLSNRange = errors.New("wal: replay start outside the log")
	// ErrLocked is returned by Open when another process holds the directory.
	ErrLocked = errors.New("wal: directory locked by another process")
)

// CorruptError reports bytes that are not a valid record where one is required: anywhere
// but the torn tail of the last segment (see the package documentation).
type CorruptError struct {
	File   string // path of the segment (or checked file)
	Offset int64  // byte offset of the first bad byte
	LSN    uint64 // LSN of the first record that could not be read (0 for checked files)
	Reason string // what is wrong
}

func (e *CorruptError) Error() string {
	if e.LSN == 0 {
		return fmt.Sprintf("wal: corrupt file %s at offset %d: %s", e.File, e.Offset, e.Reason)
	}
	return fmt.Sprintf("wal: corrupt segment %s at offset %d (lsn %d): %s", e.File, e.Offset, e.LSN, e.Reason)
}
