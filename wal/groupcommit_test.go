package wal_test

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/symscore/symscore/wal"
	"github.com/symscore/symscore/wal/waltest"
)

// TestGroupCommitSharesFsync: 32 appenders in ModeAlways on a disk whose fsync takes 1 ms
// need far fewer fsyncs than appends.
func TestGroupCommitSharesFsync(t *testing.T) {
	dir := t.TempDir()
	ffs := waltest.New(nil)
	l, _ := open(t, dir, wal.Options{Mode: wal.ModeAlways, FS: ffs})
	ffs.SetDelay(waltest.OpSync, time.Millisecond)
	syncs0, writes0 := ffs.Calls(waltest.OpSync), ffs.Calls(waltest.OpWrite)
	const writers, each = 32, 20
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if _, err := l.Append(payload(uint64(w*each + i + 1))); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	syncs := ffs.Calls(waltest.OpSync) - syncs0
	writes := ffs.Calls(waltest.OpWrite) - writes0
	t.Logf("%d appends, %d writes, %d fsyncs", writers*each, writes, syncs)
	if syncs*2 > writers*each || writes*2 > writers*each {
		t.Fatalf("%d appends took %d writes and %d fsyncs: not shared", writers*each, writes, syncs)
	}
	l.Close()
	if n := len(replayAll(t, dir)); n != writers*each {
		t.Fatalf("%d records", n)
	}
}

// TestPowerCut appends from several goroutines, crashes the file system at a random
// moment, drops everything not fsynced, and checks what the mode promises: in ModeAlways
// every acknowledged record survives; in every mode the log reopens cleanly and holds a
// prefix of what was appended, with exact payloads.
func TestPowerCut(t *testing.T) {
	for _, mode := range []wal.Mode{wal.ModeAlways, wal.ModeInterval, wal.ModeNone} {
		t.Run(mode.String(), func(t *testing.T) {
			for round := range 5 {
				seed := uint64(time.Now().UnixNano())
				rng := rand.New(rand.NewPCG(seed, uint64(round)))
				dir := t.TempDir()
				ffs := waltest.New(nil)
				opts := wal.Options{Mode: mode, FS: ffs, SegmentBytes: 16 << 10, Interval: time.Millisecond}
				l, _ := open(t, dir, opts)
				crashAt := int64(20 + rng.IntN(300))
				var acks atomic.Int64
				var mu sync.Mutex
				acked := map[uint64]uint64{} // lsn → id
				var wg sync.WaitGroup
				for w := range 8 {
					wg.Go(func() {
						for i := uint64(0); ; i++ {
							id := uint64(w)<<32 | i
							lsn, err := l.Append(payload(id))
							if err != nil {
								return
							}
							mu.Lock()
							acked[lsn] = id
							mu.Unlock()
							if acks.Add(1) == crashAt {
								ffs.Crash()
							}
						}
					})
				}
				wg.Wait()
				l.Close()
				if err := ffs.LoseUnsynced(); err != nil {
					t.Fatal(err)
				}
				recs := replayAll(t, dir)
				for i, r := range recs {
					id, ok := checkPayload(r.rec)
					if r.lsn != uint64(i+1) || !ok {
						t.Fatalf("seed %d: lsn %d: bad record", seed, r.lsn)
					}
					if want, was := acked[r.lsn]; was && want != id {
						t.Fatalf("seed %d: lsn %d: id %d, acknowledged as %d", seed, r.lsn, id, want)
					}
				}
				if mode == wal.ModeAlways {
					for lsn := range acked {
						if lsn > uint64(len(recs)) {
							t.Fatalf("seed %d: acknowledged lsn %d lost (%d records survive)", seed, lsn, len(recs))
						}
					}
				}
			}
		})
	}
}

func TestAppendAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocations differ under the race detector")
	}
	for _, mode := range []wal.Mode{wal.ModeAlways, wal.ModeInterval, wal.ModeNone} {
		t.Run(mode.String(), func(t *testing.T) {
			l, _ := open(t, t.TempDir(), wal.Options{Mode: mode})
			defer l.Close()
			rec := payload(7)
			for range 10 {
				l.Append(rec)
			}
			n := testing.AllocsPerRun(200, func() {
				if _, err := l.Append(rec); err != nil {
					t.Fatal(err)
				}
			})
			if n != 0 {
				t.Fatalf("%v allocations per Append", n)
			}
		})
	}
}
