package wal_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/symscore/symscore/wal"
)

func TestTruncateBefore(t *testing.T) {
	dir := t.TempDir()
	opts := wal.Options{SegmentBytes: 8 << 10}
	l, _ := open(t, dir, opts)
	appendN(t, l, 1, 200)
	segs := segments(t, dir)
	firsts := make([]uint64, len(segs))
	var n uint64
	for i, s := range segs {
		firsts[i] = n + 1
		n += recordsIn(t, []string{s})
	}
	// Below the second segment's first LSN + 1: only the first segment goes.
	if err := l.TruncateBefore(firsts[1] + 1); err != nil {
		t.Fatal(err)
	}
	if got := segments(t, dir); len(got) != len(segs)-1 || got[0] != segs[1] {
		t.Fatalf("after TruncateBefore(%d): %v", firsts[1]+1, got)
	}
	// Exactly a segment's first LSN: every segment before it goes, it stays.
	if err := l.TruncateBefore(firsts[3]); err != nil {
		t.Fatal(err)
	}
	if got := segments(t, dir); got[0] != segs[3] {
		t.Fatalf("after TruncateBefore(%d): first %s, want %s", firsts[3], got[0], segs[3])
	}
	// Beyond the end: the active segment stays, appends go on.
	if err := l.TruncateBefore(1 << 40); err != nil {
		t.Fatal(err)
	}
	if got := segments(t, dir); len(got) != 1 || got[0] != segs[len(segs)-1] {
		t.Fatalf("after TruncateBefore(huge): %v", got)
	}
	appendN(t, l, 201, 10)
	l.Close()
	l, recs, err := tryOpen(dir, opts, firsts[len(firsts)-1])
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, recs, firsts[len(firsts)-1], 210)
	l.Close()
}

// TestTruncateConcurrentWithAppend runs TruncateBefore in a loop while appenders append
// (run with -race); the log stays a contiguous run of records ending at the last one.
func TestTruncateConcurrentWithAppend(t *testing.T) {
	dir := t.TempDir()
	l, _ := open(t, dir, wal.Options{SegmentBytes: 4 << 10, Mode: wal.ModeNone})
	var stop atomic.Bool
	var truncs sync.WaitGroup
	truncs.Go(func() {
		for !stop.Load() {
			if next := l.NextLSN(); next > 50 {
				if err := l.TruncateBefore(next - 50); err != nil {
					t.Error(err)
					return
				}
			}
		}
	})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 300 {
				if _, err := l.Append(payload(uint64(w*1000 + i))); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	stop.Store(true)
	truncs.Wait()
	l.Close()
	recs := replayAll(t, dir)
	if len(recs) == 0 || recs[len(recs)-1].lsn != 1200 || len(recs) >= 1200 {
		t.Fatalf("%d records, last %d", len(recs), recs[len(recs)-1].lsn)
	}
	for i, r := range recs {
		if _, ok := checkPayload(r.rec); !ok || r.lsn != recs[0].lsn+uint64(i) {
			t.Fatalf("record %d (lsn %d) bad", i, r.lsn)
		}
	}
}
