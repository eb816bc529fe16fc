package wal_test

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/wal"
	"github.com/symscore/symscore/wal/waltest"
)

// checkSticky checks that Append keeps failing with ErrFailed and cause.
func checkSticky(t *testing.T, l *wal.Log, cause error) {
	t.Helper()
	for range 3 {
		_, err := l.Append(payload(999))
		if !errors.Is(err, wal.ErrFailed) || !errors.Is(err, cause) {
			t.Fatalf("Append on a failed log: %v, want ErrFailed wrapping %v", err, cause)
		}
	}
	if err := l.Sync(); !errors.Is(err, wal.ErrFailed) {
		t.Fatalf("Sync on a failed log: %v", err)
	}
	if err := l.Err(); !errors.Is(err, wal.ErrFailed) {
		t.Fatalf("Err: %v", err)
	}
}

func TestFailures(t *testing.T) {
	cases := []struct {
		name  string
		mode  wal.Mode
		fault waltest.Fault
	}{
		{"fsync error", wal.ModeAlways, waltest.Fault{Op: waltest.OpSync, Err: syscall.EIO}},
		{"write error", wal.ModeAlways, waltest.Fault{Op: waltest.OpWrite, Err: syscall.EIO}},
		{"short write ENOSPC", wal.ModeAlways, waltest.Fault{Op: waltest.OpWrite, Keep: 20, Err: syscall.ENOSPC}},
		{"write error none", wal.ModeNone, waltest.Fault{Op: waltest.OpWrite, Err: syscall.EIO}},
		{"short write ENOSPC interval", wal.ModeInterval, waltest.Fault{Op: waltest.OpWrite, Keep: 100, Err: syscall.ENOSPC}},
		{"fsync of the full segment, interval", wal.ModeInterval, waltest.Fault{Op: waltest.OpSync, Err: syscall.EIO}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			ffs := waltest.New(nil)
			opts := wal.Options{Mode: c.mode, FS: ffs, SegmentBytes: 4 << 10}
			l, _ := open(t, dir, opts)
			appendN(t, l, 1, 20) // acknowledged, several segments
			if err := l.Sync(); err != nil {
				t.Fatal(err)
			}
			c.fault.Repeat = false
			ffs.Inject(c.fault)
			// Append until the fault hits (segment creation faults need a roll first).
			var err error
			for id := uint64(21); id < 100 && err == nil; id++ {
				_, err = l.Append(payload(id))
			}
			if !errors.Is(err, wal.ErrFailed) || !errors.Is(err, c.fault.Err) {
				t.Fatalf("got %v, want ErrFailed wrapping %v", err, c.fault.Err)
			}
			checkSticky(t, l, c.fault.Err)
			l.Close()
			// After a restart every acknowledged record is there; the torn remains of the
			// failed write are cut.
			recs := replayAll(t, dir)
			if len(recs) < 20 {
				t.Fatalf("%d records after restart, want at least the 20 acknowledged", len(recs))
			}
			checkRecords(t, recs, 1, uint64(len(recs)))
		})
	}
}

func TestFailureWakesWaiters(t *testing.T) {
	dir := t.TempDir()
	ffs := waltest.New(nil)
	l, _ := open(t, dir, wal.Options{FS: ffs})
	ffs.SetDelay(waltest.OpSync, 2*time.Millisecond)
	ffs.Inject(waltest.Fault{Op: waltest.OpSync, Nth: 2, Err: syscall.EIO})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var ok, failed int
	for w := range 16 {
		wg.Go(func() {
			for i := range 20 {
				_, err := l.Append(payload(uint64(w*100 + i)))
				mu.Lock()
				if err == nil {
					ok++
				} else if errors.Is(err, wal.ErrFailed) {
					failed++
				} else {
					t.Errorf("unexpected error %v", err)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if failed == 0 {
		t.Fatal("no Append saw the fsync failure")
	}
	l.Close()
	recs := replayAll(t, dir)
	if len(recs) < ok {
		t.Fatalf("%d records after restart, %d acknowledged", len(recs), ok)
	}
}

func TestIntervalSyncerFailure(t *testing.T) {
	dir := t.TempDir()
	ffs := waltest.New(nil)
	l, _ := open(t, dir, wal.Options{Mode: wal.ModeInterval, Interval: time.Millisecond, FS: ffs})
	appendN(t, l, 1, 1) // creates the segment (its header is fsynced)
	// Make record 1 durable now, so that the syncer has nothing to do until record 2 is
	// written and the fault cannot hit before that.
	if err := l.Sync(); err != nil {
		t.Fatal(err)
	}
	ffs.Inject(waltest.Fault{Op: waltest.OpSync, Err: syscall.EIO, Repeat: true})
	appendN(t, l, 2, 1) // written, not yet synced
	testenv.Eventually(t, "the log to fail", func() bool { return l.Err() != nil })
	checkSticky(t, l, syscall.EIO)
	syncs := ffs.Calls(waltest.OpSync)
	l.Close() // closes without fsync: never retry after a failed fsync
	if n := ffs.Calls(waltest.OpSync); n != syncs {
		t.Fatalf("Close of a failed log fsynced (%d → %d)", syncs, n)
	}
}

func TestIntervalSyncs(t *testing.T) {
	dir := t.TempDir()
	ffs := waltest.New(nil)
	l, _ := open(t, dir, wal.Options{Mode: wal.ModeInterval, Interval: time.Millisecond, FS: ffs})
	before := ffs.Calls(waltest.OpSync)
	appendN(t, l, 1, 5)
	testenv.Eventually(t, "an fsync", func() bool { return ffs.Calls(waltest.OpSync) > before })
	// Nothing written: nothing to sync.
	testenv.Eventually(t, "no fsync while nothing is written", func() bool {
		n := ffs.Calls(waltest.OpSync)
		time.Sleep(5 * time.Millisecond)
		return ffs.Calls(waltest.OpSync) == n
	})
	appendN(t, l, 6, 5)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	checkRecords(t, replayAll(t, dir), 1, 10)
}

// TestSegmentCreationFailureIsRetried: when a new segment cannot be made (nothing of it
// written: open, header write, fsync of the file or of the directory fails), the batch goes
// into the active segment and the log goes on; the next batches try again, and once the
// fault is gone the log rolls. No half-made segment file is left. A restart replays every
// acknowledged record.
func TestSegmentCreationFailureIsRetried(t *testing.T) {
	for _, c := range []struct {
		name  string
		mode  wal.Mode
		fault waltest.Fault
	}{
		{"open EMFILE", wal.ModeAlways, waltest.Fault{Op: waltest.OpOpen, Path: ".wal", Err: syscall.EMFILE}},
		{"open ENOSPC interval", wal.ModeInterval, waltest.Fault{Op: waltest.OpOpen, Path: ".wal", Err: syscall.ENOSPC}},
		{"open ENFILE none", wal.ModeNone, waltest.Fault{Op: waltest.OpOpen, Path: ".wal", Err: syscall.ENFILE}},
		// Once: the removal of the new file is made durable by the next directory fsync.
		{"directory fsync", wal.ModeAlways, waltest.Fault{Op: waltest.OpSyncDir, Err: syscall.EIO, Nth: 1}},
		{"header write", wal.ModeAlways, waltest.Fault{Op: waltest.OpWrite}},
		{"new file fsync", wal.ModeAlways, waltest.Fault{Op: waltest.OpSync}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			ffs := waltest.New(nil)
			nsf := &newSegmentFaults{FS: ffs, op: c.fault.Op}
			l, _ := open(t, dir, wal.Options{Mode: c.mode, FS: nsf, SegmentBytes: 4 << 10})
			appendN(t, l, 1, 20) // several segments
			before := len(segments(t, dir))
			if c.fault.Op == waltest.OpWrite || c.fault.Op == waltest.OpSync {
				nsf.on.Store(true)
			} else {
				f := c.fault
				f.Repeat = f.Nth == 0
				ffs.Inject(f)
			}
			appendN(t, l, 21, 60) // well past a segment's worth: rolls are due and fail
			if err := l.Err(); err != nil {
				t.Fatalf("the log failed: %v", err)
			}
			if n := len(segments(t, dir)); n != before && c.fault.Nth == 0 {
				t.Fatalf("%d segments, %d before the fault: a roll succeeded or left a file", n, before)
			}
			if c.fault.Op == waltest.OpWrite || c.fault.Op == waltest.OpSync {
				if nsf.hits.Load() < 2 {
					t.Fatalf("the fault hit %d new segments", nsf.hits.Load())
				}
			}
			ffs.Clear()
			nsf.on.Store(false)
			appendN(t, l, 81, 5)
			if n := len(segments(t, dir)); n <= before {
				t.Fatalf("no new segment once the fault was gone (%d segments)", n)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			checkRecords(t, replayAll(t, dir), 1, 85)
		})
	}
}

// TestSegmentRemovalFailureIsFatal: a new segment that failed and cannot be removed durably
// would be a segment the log does not account for: the log fails (sticky), and a restart
// replays every acknowledged record.
func TestSegmentRemovalFailureIsFatal(t *testing.T) {
	dir := t.TempDir()
	ffs := waltest.New(nil)
	l, _ := open(t, dir, wal.Options{FS: ffs, SegmentBytes: 4 << 10})
	appendN(t, l, 1, 20)
	ffs.Inject(waltest.Fault{Op: waltest.OpSyncDir, Err: syscall.EIO, Repeat: true})
	var err error
	acked := uint64(20)
	for id := uint64(21); id < 100 && err == nil; id++ {
		if _, err = l.Append(payload(id)); err == nil {
			acked = id
		}
	}
	if !errors.Is(err, wal.ErrFailed) || !errors.Is(err, syscall.EIO) {
		t.Fatalf("got %v, want ErrFailed wrapping EIO", err)
	}
	checkSticky(t, l, syscall.EIO)
	l.Close()
	recs := replayAll(t, dir)
	if uint64(len(recs)) < acked {
		t.Fatalf("%d records after restart, %d acknowledged", len(recs), acked)
	}
	checkRecords(t, recs, 1, uint64(len(recs)))
}

// newSegmentFaults fails, while on, the first write (op OpWrite) or every fsync (OpSync)
// of each segment file it creates: the header of a new segment.
type newSegmentFaults struct {
	wal.FS
	op   waltest.Op
	on   atomic.Bool
	hits atomic.Int64
}

func (f *newSegmentFaults) OpenFile(name string, flag int, perm fs.FileMode) (wal.File, error) {
	h, err := f.FS.OpenFile(name, flag, perm)
	if err != nil || flag&os.O_CREATE == 0 || !strings.HasSuffix(name, ".wal") || !f.on.Load() {
		return h, err
	}
	f.hits.Add(1)
	return &failingFile{File: h, op: f.op}, nil
}

type failingFile struct {
	wal.File
	op waltest.Op
}

func (ff *failingFile) Write(p []byte) (int, error) {
	if ff.op == waltest.OpWrite {
		return 0, syscall.ENOSPC
	}
	return ff.File.Write(p)
}

func (ff *failingFile) Sync() error {
	if ff.op == waltest.OpSync {
		return syscall.EIO
	}
	return ff.File.Sync()
}
