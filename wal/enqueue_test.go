package wal_test

import (
	"errors"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/symscore/symscore/wal"
	"github.com/symscore/symscore/wal/waltest"
)

// TestEnqueueOrdersByCallerLock: records enqueued under a caller's lock get LSNs in that
// lock's order, and waiting outside the lock still shares fsyncs (group commit).
func TestEnqueueOrdersByCallerLock(t *testing.T) {
	dir := t.TempDir()
	ffs := waltest.New(nil)
	l, _ := open(t, dir, wal.Options{Mode: wal.ModeAlways, FS: ffs})
	ffs.SetDelay(waltest.OpSync, time.Millisecond)
	var mu sync.Mutex // the caller's lock
	var order []uint64
	syncs0 := ffs.Calls(waltest.OpSync)
	const writers, each = 16, 20
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				id := uint64(w*each + i + 1)
				mu.Lock()
				lsn, err := l.Enqueue(payload(id))
				if err != nil {
					mu.Unlock()
					t.Error(err)
					return
				}
				order = append(order, id)
				if uint64(len(order)) != lsn {
					t.Errorf("record %d of the caller's order got lsn %d", len(order), lsn)
				}
				mu.Unlock()
				if err := l.Wait(lsn); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if syncs := ffs.Calls(waltest.OpSync) - syncs0; syncs*2 > writers*each {
		t.Fatalf("%d records took %d fsyncs: not shared", writers*each, syncs)
	}
	l.Close()
	recs := replayAll(t, dir)
	if len(recs) != len(order) {
		t.Fatalf("%d records replayed, %d enqueued", len(recs), len(order))
	}
	for i, r := range recs {
		if id, ok := checkPayload(r.rec); !ok || id != order[i] {
			t.Fatalf("lsn %d holds id %d, enqueued as %d", r.lsn, id, order[i])
		}
	}
}

// TestWaitEdges: waiting for a record never enqueued is an error; Wait returns the sticky
// failure for a record not yet durable, and nil for one acknowledged before the failure.
func TestWaitEdges(t *testing.T) {
	dir := t.TempDir()
	ffs := waltest.New(nil)
	l, _ := open(t, dir, wal.Options{Mode: wal.ModeAlways, FS: ffs})
	lsn1, err := l.Append(payload(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(lsn1 + 5); err == nil {
		t.Fatal("Wait for an LSN never enqueued succeeded")
	}
	ffs.Inject(waltest.Fault{Op: waltest.OpSync, Err: syscall.EIO})
	lsn2, err := l.Enqueue(payload(2))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(lsn2); !errors.Is(err, wal.ErrFailed) {
		t.Fatalf("Wait through a failed fsync: %v", err)
	}
	if err := l.Wait(lsn1); err != nil {
		t.Fatalf("Wait for a record acknowledged before the failure: %v", err)
	}
	if _, err := l.Enqueue(payload(3)); !errors.Is(err, wal.ErrFailed) {
		t.Fatalf("Enqueue on a failed log: %v", err)
	}
	l.Close()
}

// TestCloseWritesQueued: records enqueued and never waited for are written by Close.
func TestCloseWritesQueued(t *testing.T) {
	dir := t.TempDir()
	l, _ := open(t, dir, wal.Options{Mode: wal.ModeAlways})
	for id := uint64(1); id <= 3; id++ {
		if _, err := l.Enqueue(payload(id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if n := len(replayAll(t, dir)); n != 3 {
		t.Fatalf("%d records after Close, want 3", n)
	}
}
