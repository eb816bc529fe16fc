package wal_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/symscore/symscore/wal"
)

// FuzzReplay writes arbitrary bytes as the only segment (optionally behind a valid segment
// header) and replays it: Replay never panics and either succeeds or returns a
// *CorruptError; with Repair it always succeeds; a successful replay leaves a log that
// takes appends and replays the same records again without any cut.
func FuzzReplay(f *testing.F) {
	seedDir := f.TempDir()
	l, err := wal.Open(seedDir, wal.Options{Mode: wal.ModeNone})
	if err != nil {
		f.Fatal(err)
	}
	l.Replay(0, func(uint64, []byte) error { return nil })
	for id := uint64(1); id <= 5; id++ {
		l.Append(payload(id)[:8+id*3])
	}
	l.Close()
	seg, err := os.ReadFile(filepath.Join(seedDir, "00000000000000000001.wal"))
	if err != nil {
		f.Fatal(err)
	}
	header := seg[:32]
	f.Add(seg, false)
	f.Add(seg[32:], true)
	f.Add(seg[:len(seg)-3], false)
	f.Add(seg[32:60], true)
	f.Add(append(seg[:48:48], make([]byte, 100)...), false)
	f.Add([]byte{}, false)
	f.Add([]byte{}, true)
	f.Add(make([]byte, 64), true)
	f.Fuzz(func(t *testing.T, data []byte, withHeader bool) {
		if withHeader {
			data = append(header[:32:32], data...)
		}
		for _, repair := range []bool{false, true} {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "00000000000000000001.wal"), data, 0o600); err != nil {
				t.Fatal(err)
			}
			opts := wal.Options{Mode: wal.ModeNone, Repair: repair}
			l, recs, err := tryOpen(dir, opts, 0)
			if err != nil {
				var ce *wal.CorruptError
				if !errors.As(err, &ce) {
					t.Fatalf("repair %v: %v is not a *CorruptError", repair, err)
				}
				if repair {
					t.Fatalf("Repair did not repair: %v", err)
				}
				continue
			}
			for i, r := range recs {
				if r.lsn != uint64(i+1) {
					t.Fatalf("record %d has lsn %d", i, r.lsn)
				}
			}
			lsn, err := l.Append([]byte("after"))
			if err != nil || lsn != uint64(len(recs)+1) {
				t.Fatalf("Append after replay: %d, %v", lsn, err)
			}
			l.Close()
			var logs logBuffer
			opts.Logger = logs.logger()
			l, again, err := tryOpen(dir, opts, 0)
			if err != nil {
				t.Fatalf("second replay: %v", err)
			}
			l.Close()
			if logs.String() != "" {
				t.Fatalf("second replay cut something: %s", logs.String())
			}
			if len(again) != len(recs)+1 || string(again[len(recs)].rec) != "after" {
				t.Fatalf("second replay: %d records, want %d", len(again), len(recs)+1)
			}
			for i := range recs {
				if string(again[i].rec) != string(recs[i].rec) {
					t.Fatalf("record %d changed", i)
				}
			}
		}
	})
}
