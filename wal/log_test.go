package wal_test

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/symscore/symscore/wal"
)

func TestRoundTripAcrossSegments(t *testing.T) {
	for _, mode := range []wal.Mode{wal.ModeAlways, wal.ModeInterval, wal.ModeNone} {
		t.Run(mode.String(), func(t *testing.T) {
			dir := t.TempDir()
			opts := wal.Options{Mode: mode, SegmentBytes: 16 << 10}
			l, recs := open(t, dir, opts)
			if len(recs) != 0 || l.NextLSN() != 1 {
				t.Fatalf("new log: %d records, next %d", len(recs), l.NextLSN())
			}
			appendN(t, l, 1, 300)
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			if n := len(segments(t, dir)); n < 5 {
				t.Fatalf("%d segments, want several", n)
			}
			// Reopen, append more into the same log, reopen again.
			l, recs = open(t, dir, opts)
			checkRecords(t, recs, 1, 300)
			appendN(t, l, 301, 100)
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			checkRecords(t, replayAll(t, dir), 1, 400)
		})
	}
}

func TestReplayFrom(t *testing.T) {
	dir := t.TempDir()
	opts := wal.Options{SegmentBytes: 8 << 10}
	l, _ := open(t, dir, opts)
	appendN(t, l, 1, 200)
	l.Close()
	for _, from := range []uint64{1, 2, 57, 150, 199, 200, 201} {
		l, recs, err := tryOpen(dir, opts, from)
		if err != nil {
			t.Fatalf("from %d: %v", from, err)
		}
		if from <= 200 {
			checkRecords(t, recs, from, 200)
		} else if len(recs) != 0 {
			t.Fatalf("from %d: %d records", from, len(recs))
		}
		l.Close()
	}
	if _, _, err := tryOpen(dir, opts, 202); !errors.Is(err, wal.ErrLSNRange) {
		t.Fatalf("from beyond the end: %v, want ErrLSNRange", err)
	}
	if _, _, err := tryOpen(t.TempDir(), opts, 2); !errors.Is(err, wal.ErrLSNRange) {
		t.Fatalf("from 2 on an empty log: %v, want ErrLSNRange", err)
	}
}

func TestEmptyAndLargeRecords(t *testing.T) {
	dir := t.TempDir()
	l, _ := open(t, dir, wal.Options{SegmentBytes: 4 << 10})
	big := make([]byte, 100<<10) // larger than a segment: alone in its own
	for i := range big {
		big[i] = byte(i)
	}
	for _, rec := range [][]byte{nil, {}, big, {1}} {
		if _, err := l.Append(rec); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.Append(make([]byte, wal.MaxRecordBytes+1)); !errors.Is(err, wal.ErrTooLarge) {
		t.Fatalf("oversized record: %v, want ErrTooLarge", err)
	}
	if _, err := l.Append([]byte{2}); err != nil { // the log is unaffected
		t.Fatal(err)
	}
	l.Close()
	recs := replayAll(t, dir)
	if len(recs) != 5 || len(recs[0].rec) != 0 || len(recs[1].rec) != 0 || len(recs[2].rec) != len(big) ||
		recs[2].rec[12345] != big[12345] || recs[3].rec[0] != 1 || recs[4].rec[0] != 2 {
		t.Fatalf("records differ: %d", len(recs))
	}
}

func TestStateErrors(t *testing.T) {
	dir := t.TempDir()
	l, err := wal.Open(dir, wal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append([]byte("x")); !errors.Is(err, wal.ErrNotReplayed) {
		t.Fatalf("Append before Replay: %v", err)
	}
	if err := l.Sync(); !errors.Is(err, wal.ErrNotReplayed) {
		t.Fatalf("Sync before Replay: %v", err)
	}
	stop := errors.New("stop")
	appendDir := t.TempDir()
	l2, _ := open(t, appendDir, wal.Options{})
	appendN(t, l2, 1, 3)
	l2.Close()
	l3, err := wal.Open(appendDir, wal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := l3.Replay(0, func(uint64, []byte) error { return stop }); err != stop {
		t.Fatalf("callback error: %v, want it returned as is", err)
	}
	if _, err := l3.Append([]byte("x")); !errors.Is(err, wal.ErrNotReplayed) {
		t.Fatalf("Append after a failed Replay: %v", err)
	}
	if err := l3.Replay(0, func(uint64, []byte) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := l3.Replay(0, func(uint64, []byte) error { return nil }); !errors.Is(err, wal.ErrReplayed) {
		t.Fatalf("second Replay: %v", err)
	}
	l3.Close()

	if err := l.Replay(0, func(uint64, []byte) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append([]byte("x")); !errors.Is(err, wal.ErrClosed) {
		t.Fatalf("Append after Close: %v", err)
	}
	if err := l.Close(); !errors.Is(err, wal.ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
}

func TestDirectoryLock(t *testing.T) {
	dir := t.TempDir()
	l, err := wal.Open(dir, wal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wal.Open(dir, wal.Options{}); !errors.Is(err, wal.ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	l.Close()
	l, err = wal.Open(dir, wal.Options{})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	l.Close()
}

func TestUnexpectedFiles(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o600) // ignored
	l, _ := open(t, dir, wal.Options{})
	appendN(t, l, 1, 2)
	l.Close()
	os.WriteFile(filepath.Join(dir, "12.wal"), nil, 0o600)
	if _, err := wal.Open(dir, wal.Options{}); err == nil {
		t.Fatal("a .wal file with a bad name was accepted")
	}
}

func TestConcurrentAppends(t *testing.T) {
	for _, mode := range []wal.Mode{wal.ModeAlways, wal.ModeInterval, wal.ModeNone} {
		t.Run(mode.String(), func(t *testing.T) {
			dir := t.TempDir()
			opts := wal.Options{Mode: mode, SegmentBytes: 32 << 10}
			l, _ := open(t, dir, opts)
			const writers, each = 16, 40
			got := make([]map[uint64]uint64, writers) // lsn → id per writer
			var wg sync.WaitGroup
			for w := range writers {
				got[w] = map[uint64]uint64{}
				wg.Go(func() {
					for i := range each {
						id := uint64(w*each + i + 1)
						lsn, err := l.Append(payload(id))
						if err != nil {
							t.Error(err)
							return
						}
						got[w][lsn] = id
					}
				})
			}
			wg.Wait()
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			byLSN := map[uint64]uint64{}
			for _, m := range got {
				for lsn, id := range m {
					if _, dup := byLSN[lsn]; dup {
						t.Fatalf("lsn %d given twice", lsn)
					}
					byLSN[lsn] = id
				}
			}
			recs := replayAll(t, dir)
			if len(recs) != writers*each {
				t.Fatalf("%d records, want %d", len(recs), writers*each)
			}
			for i, r := range recs {
				id, ok := checkPayload(r.rec)
				if r.lsn != uint64(i+1) || !ok || byLSN[r.lsn] != id {
					t.Fatalf("lsn %d: wrong record (id %d, want %d)", r.lsn, id, byLSN[r.lsn])
				}
			}
		})
	}
}

func TestParseMode(t *testing.T) {
	for _, m := range []wal.Mode{wal.ModeAlways, wal.ModeInterval, wal.ModeNone} {
		got, err := wal.ParseMode(m.String())
		if err != nil || got != m {
			t.Fatalf("ParseMode(%q) = %v, %v", m.String(), got, err)
		}
	}
	if _, err := wal.ParseMode("sometimes"); err == nil {
		t.Fatal("unknown mode accepted")
	}
}
