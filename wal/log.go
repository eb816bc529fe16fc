package wal

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"time"
)

// Mode says when Append returns.
type Mode uint8

const (
	// ModeAlways: Append returns after the record is written and fsynced. Concurrent
	// appenders share one write and one fsync (group commit).
	ModeAlways Mode = iota
	// ModeInterval: Append returns after write(2); a background loop fsyncs at most every
	// Options.Interval. A power failure loses up to Interval of acknowledged records; a
	// process crash loses nothing.
	ModeInterval
	// ModeNone: Append returns after write(2); the log never fsyncs on its own. A process
	// crash loses nothing; a power failure loses whatever the kernel had not written back.
	ModeNone
)

// ParseMode parses "always", "interval" or "none".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "always":
		return ModeAlways, nil
	case "interval":
		return ModeInterval, nil
	case "none":
		return ModeNone, nil
	}
	return 0, fmt.Errorf("wal: unknown durability mode %q (want always, interval or none)", s)
}

func (m Mode) String() string {
	switch m {
	case ModeAlways:
		return "always"
	case ModeInterval:
		return "interval"
	case ModeNone:
		return "none"
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

const (
	// DefaultInterval is the fsync period of ModeInterval when Options.Interval is zero.
	DefaultInterval = 10 * time.Millisecond
	// DefaultSegmentBytes is the segment size when Options.SegmentBytes is zero.
	DefaultSegmentBytes = 64 << 20
	// maxSpareBytes bounds the batch buffer kept between flushes.
	maxSpareBytes = 8 << 20
	lockName      = "LOCK"
)

// Options configure a Log. The zero value is ModeAlways with 64 MiB segments on the OS.
type Options struct {
	Mode Mode
	// Interval is the fsync period in ModeInterval; 0 means DefaultInterval.
	Interval time.Duration
	// SegmentBytes is the size at which the active segment is closed and a new one started;
	// 0 means DefaultSegmentBytes. A segment may exceed it by one write batch, or by more
	// while no new segment can be made (see the package documentation, Failures).
	SegmentBytes int64
	// FS is the file system; nil means OSFS.
	FS FS
	// Repair makes Replay cut the log at corruption instead of failing: everything from the
	// first bad byte on is deleted and logged at error level.
	Repair bool
	// Logger receives recovery actions (torn tails cut, repairs); nil discards them.
	Logger *slog.Logger
}

type state uint8

const (
	stateOpen   state = iota // opened, Replay not yet successful
	stateReady               // replayed, appending
	stateClosed              // closed
)

// Log is a segmented write-ahead log. Append, Sync, TruncateBefore, NextLSN and Err are safe
// for concurrent use; Replay must not run concurrently with anything else.
type Log struct {
	dir  string
	opts Options
	fs   FS
	log  *slog.Logger
	lock io.Closer

	mu   sync.Mutex // guards every field below, except those marked "flush role"
	cond sync.Cond  // broadcast when acked, synced, failErr, flushing or syncing change

	state   state
	segs    []segment // retained segments in LSN order; the last is the active one
	next    uint64    // LSN the next Append gets
	written uint64    // last LSN written to a segment
	synced  uint64    // last LSN known to be fsynced
	acked   uint64    // last LSN whose Append may return: synced in ModeAlways, else written
	failErr error     // sticky failure, wraps ErrFailed

	pending  []byte // encoded records waiting for the flush role
	spare    []byte // the other batch buffer
	flushing bool   // someone holds the flush role: the only one doing segment file I/O
	syncing  bool   // the interval syncer is fsyncing active outside mu
	active   File   // active segment open for append (Replay makes one); written by the flush role

	activeSize  int64 // flush role: bytes in the active segment
	rollFailing bool  // flush role: the last attempt to start a new segment failed

	stopSyncer chan struct{} // closed by Close to stop the interval syncer
	syncerDone chan struct{} // closed when the syncer has returned
}

// Open opens (creating if needed) the log in dir and locks the directory against other
// processes. Nothing is read yet: call Replay before the first Append.
func Open(dir string, opts Options) (*Log, error) {
	if opts.Mode > ModeNone {
		return nil, fmt.Errorf("wal: invalid mode %d", opts.Mode)
	}
	if opts.Interval < 0 || opts.SegmentBytes < 0 {
		return nil, fmt.Errorf("wal: negative Interval or SegmentBytes")
	}
	if opts.Interval == 0 {
		opts.Interval = DefaultInterval
	}
	if opts.SegmentBytes == 0 {
		opts.SegmentBytes = DefaultSegmentBytes
	}
	if opts.FS == nil {
		opts.FS = OSFS{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	fsys := opts.FS
	if err := fsys.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create wal directory %q: %w", dir, err)
	}
	if err := syncParent(fsys, filepath.Clean(dir)); err != nil {
		return nil, fmt.Errorf("cannot sync parent of wal directory %q: %w", dir, err)
	}
	lock, err := fsys.Lock(filepath.Join(dir, lockName))
	if err != nil {
		return nil, err
	}
	segs, err := listSegments(fsys, dir)
	if err != nil {
		lock.Close()
		return nil, err
	}
	l := &Log{dir: dir, opts: opts, fs: fsys, log: opts.Logger, lock: lock, segs: segs, next: 1}
	l.cond.L = &l.mu
	return l, nil
}

// NextLSN returns the LSN the next Append will get. It is meaningful after Replay.
func (l *Log) NextLSN() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.next
}

// Err returns the sticky failure (wrapping ErrFailed), or nil while the log is healthy.
func (l *Log) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.failErr
}

// Close flushes records still waiting, fsyncs (ModeAlways, ModeInterval) and closes the
// log. Appends waiting at the time of Close complete normally; later calls return ErrClosed.
// A failed log is closed without fsync. A second Close returns ErrClosed.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.state == stateClosed {
		l.mu.Unlock()
		return ErrClosed
	}
	wasReady := l.state == stateReady
	l.state = stateClosed
	for l.flushing || (len(l.pending) > 0 && l.failErr == nil) {
		if l.flushing {
			l.cond.Wait()
			continue
		}
		l.flushLocked()
	}
	l.pending = l.pending[:0]
	l.mu.Unlock()

	if l.stopSyncer != nil {
		close(l.stopSyncer)
		<-l.syncerDone
	}

	var err error
	if wasReady && l.opts.Mode != ModeNone {
		err = l.syncAll()
	}
	l.mu.Lock()
	f := l.active
	l.active = nil
	l.cond.Broadcast()
	l.mu.Unlock()
	if f != nil {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("cannot close wal segment: %w", cerr)
		}
	}
	if cerr := l.lock.Close(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}
