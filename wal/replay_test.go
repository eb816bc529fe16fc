package wal_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/symscore/symscore/wal"
	"github.com/symscore/symscore/wal/waltest"
)

// build makes a log of n records in a fresh directory and returns it.
func build(t *testing.T, n uint64, segBytes int64) string {
	t.Helper()
	dir := t.TempDir()
	l, _ := open(t, dir, wal.Options{SegmentBytes: segBytes})
	appendN(t, l, 1, n)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// TestTornTailEveryOffset cuts the last segment at every byte offset inside its last
// record: each time the partial record is cut off, the rest replays, and appends continue.
func TestTornTailEveryOffset(t *testing.T) {
	src := build(t, 47, 1<<20) // the last record is 16+201 bytes
	seg := segments(t, src)[0]
	offs := recordOffsets(t, seg)
	start, end := offs[len(offs)-2], offs[len(offs)-1]
	for cut := start; cut < end; cut++ {
		dir := copyDir(t, src)
		p := filepath.Join(dir, filepath.Base(seg))
		if err := os.Truncate(p, cut); err != nil {
			t.Fatal(err)
		}
		var logs logBuffer
		l, recs, err := tryOpen(dir, wal.Options{Logger: logs.logger()}, 0)
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		checkRecords(t, recs, 1, 46)
		if cut > start && !strings.Contains(logs.String(), "torn tail") {
			t.Fatalf("cut at %d: no log line: %q", cut, logs.String())
		}
		if fi, _ := os.Stat(p); fi.Size() != start {
			t.Fatalf("cut at %d: file is %d bytes, want %d", cut, fi.Size(), start)
		}
		appendN(t, l, 47, 2)
		l.Close()
		checkRecords(t, replayAll(t, dir), 1, 48)
	}
}

func TestFlippedBitInLastRecordIsCut(t *testing.T) {
	// Every byte of the last record: header fields and payload.
	src := build(t, 10, 1<<20)
	seg := segments(t, src)[0]
	offs := recordOffsets(t, seg)
	start, end := offs[len(offs)-2], offs[len(offs)-1]
	for off := start; off < end; off += max(1, (end-start)/64) {
		dir := copyDir(t, src)
		flipBit(t, filepath.Join(dir, filepath.Base(seg)), off)
		var logs logBuffer
		l, recs, err := tryOpen(dir, wal.Options{Logger: logs.logger()}, 0)
		if err != nil {
			t.Fatalf("bit at %d: %v", off, err)
		}
		checkRecords(t, recs, 1, 9)
		mustContain(t, logs.String(), "torn tail")
		l.Close()
	}
}

func TestFlippedBitInMiddleRecord(t *testing.T) {
	src := build(t, 30, 1<<20)
	seg := segments(t, src)[0]
	offs := recordOffsets(t, seg)
	victim := uint64(12) // lsn 12 is record index 11
	for _, field := range []struct {
		name string
		off  int64
	}{{"crc", 1}, {"length", 5}, {"length high byte", 7}, {"lsn", 9}, {"payload", 20}} {
		t.Run(field.name, func(t *testing.T) {
			dir := copyDir(t, src)
			p := filepath.Join(dir, filepath.Base(seg))
			bad := offs[victim-1]
			flipBit(t, p, bad+field.off)
			_, recs, err := tryOpen(dir, wal.Options{}, 0)
			ce := asCorrupt(t, err)
			if ce.File != p || ce.Offset != bad || ce.LSN != victim {
				t.Fatalf("got %+v, want file %s offset %d lsn %d", ce, p, bad, victim)
			}
			mustContain(t, ce.Error(), p)
			checkRecords(t, recs, 1, victim-1) // records before the corruption were handed out

			var logs logBuffer
			l, recs, err := tryOpen(dir, wal.Options{Repair: true, Logger: logs.logger()}, 0)
			if err != nil {
				t.Fatal(err)
			}
			checkRecords(t, recs, 1, victim-1)
			mustContain(t, logs.String(), "level=ERROR")
			mustContain(t, logs.String(), "repairing corrupt log")
			appendN(t, l, victim, 3)
			l.Close()
			checkRecords(t, replayAll(t, dir), 1, victim+2)
		})
	}
}

func TestCorruptionInEarlierSegment(t *testing.T) {
	src := build(t, 200, 8<<10)
	segs := segments(t, src)
	if len(segs) < 4 {
		t.Fatalf("%d segments", len(segs))
	}
	// Flip a bit in the last record of the second segment: not a tail, later segments follow.
	dir := copyDir(t, src)
	p := filepath.Join(dir, filepath.Base(segs[1]))
	offs := recordOffsets(t, p)
	last := offs[len(offs)-2]
	flipBit(t, p, last+20)
	_, _, err := tryOpen(dir, wal.Options{}, 0)
	ce := asCorrupt(t, err)
	if ce.File != p || ce.Offset != last {
		t.Fatalf("got %+v, want %s at %d", ce, p, last)
	}
	// Truncating it (a torn end of a non-last segment) is corruption too.
	dir = copyDir(t, src)
	p = filepath.Join(dir, filepath.Base(segs[1]))
	os.Truncate(p, last+3)
	_, _, err = tryOpen(dir, wal.Options{}, 0)
	if ce = asCorrupt(t, err); ce.File != p || ce.Offset != last {
		t.Fatalf("got %+v", ce)
	}
	// Repair cuts there and deletes every later segment.
	l, recs, err := tryOpen(dir, wal.Options{Repair: true}, 0)
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, recs, 1, ce.LSN-1)
	if n := len(segments(t, dir)); n != 2 {
		t.Fatalf("%d segments after repair, want 2", n)
	}
	appendN(t, l, ce.LSN, 5)
	l.Close()
	checkRecords(t, replayAll(t, dir), 1, ce.LSN+4)
}

func TestMissingSegment(t *testing.T) {
	src := build(t, 200, 8<<10)
	segs := segments(t, src)
	dir := copyDir(t, src)
	os.Remove(filepath.Join(dir, filepath.Base(segs[2])))
	_, _, err := tryOpen(dir, wal.Options{}, 0)
	ce := asCorrupt(t, err)
	if ce.File != filepath.Join(dir, filepath.Base(segs[3])) || ce.Offset != 0 {
		t.Fatalf("got %+v", ce)
	}
	mustContain(t, ce.Reason, "missing")
	// Replaying from beyond the gap does not need the missing segment.
	third := recordsIn(t, segs[:3])
	l, recs, err := tryOpen(dir, wal.Options{}, third+1)
	if err != nil {
		t.Fatalf("from after the gap: %v", err)
	}
	checkRecords(t, recs, third+1, 200)
	l.Close()
	// Repair drops everything from the gap on.
	l, recs, err = tryOpen(dir, wal.Options{Repair: true}, 0)
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, recs, 1, recordsIn(t, segs[:2]))
	if n := len(segments(t, dir)); n != 2 {
		t.Fatalf("%d segments after repair", n)
	}
	l.Close()
}

// recordsIn counts the records in the given segment files.
func recordsIn(t *testing.T, paths []string) uint64 {
	var n uint64
	for _, p := range paths {
		n += uint64(len(recordOffsets(t, p)) - 1)
	}
	return n
}

func TestZeroedTail(t *testing.T) {
	for _, zeros := range []int{1, 15, 16, 4096, 1 << 20} {
		src := build(t, 20, 1<<20)
		seg := segments(t, src)[0]
		fi, _ := os.Stat(seg)
		f, _ := os.OpenFile(seg, os.O_WRONLY|os.O_APPEND, 0)
		f.Write(make([]byte, zeros)) // what preallocation or a lost page looks like
		f.Close()
		l, recs := open(t, src, wal.Options{})
		checkRecords(t, recs, 1, 20)
		if fi2, _ := os.Stat(seg); fi2.Size() != fi.Size() {
			t.Fatalf("%d zeros: size %d, want %d", zeros, fi2.Size(), fi.Size())
		}
		appendN(t, l, 21, 1)
		l.Close()
		checkRecords(t, replayAll(t, src), 1, 21)
	}
}

func TestZeroedMiddleIsCorruption(t *testing.T) {
	src := build(t, 50, 1<<20)
	seg := segments(t, src)[0]
	offs := recordOffsets(t, seg)
	b, _ := os.ReadFile(seg)
	clear(b[offs[10] : offs[10]+4096]) // a lost block in the middle; records follow it
	os.WriteFile(seg, b, 0o600)
	_, _, err := tryOpen(src, wal.Options{}, 0)
	if ce := asCorrupt(t, err); ce.Offset != offs[10] || ce.LSN != 11 {
		t.Fatalf("got %+v", ce)
	}
}

func TestTornSegmentHeader(t *testing.T) {
	for _, size := range []int64{0, 5, 31, 32} {
		dir := build(t, 100, 8<<10)
		segs := segments(t, dir)
		last := segs[len(segs)-1]
		before := recordsIn(t, segs[:len(segs)-1])
		// Cut the last segment inside its header (or right after it) and blank what is left.
		b, _ := os.ReadFile(last)
		os.WriteFile(last, b[:size], 0o600)
		l, recs := open(t, dir, wal.Options{})
		if size < 32 {
			checkRecords(t, recs, 1, before)
			// Removed, and made again as the new active segment: a fresh header only.
			if fi, err := os.Stat(last); err != nil || fi.Size() != 32 {
				t.Fatalf("header cut at %d: segment not replaced by a new one: %v", size, err)
			}
		} else {
			checkRecords(t, recs, 1, before)
		}
		appendN(t, l, before+1, 3)
		l.Close()
		checkRecords(t, replayAll(t, dir), 1, before+3)
	}
}

func TestCorruptHeaderWithRecordsAfter(t *testing.T) {
	dir := build(t, 100, 8<<10)
	segs := segments(t, dir)
	last := segs[len(segs)-1]
	flipBit(t, last, 3) // magic
	_, _, err := tryOpen(dir, wal.Options{}, 0)
	if ce := asCorrupt(t, err); ce.File != last || ce.Offset != 0 {
		t.Fatalf("got %+v", ce)
	}
}

func TestReadErrorIsNotCorruption(t *testing.T) {
	dir := build(t, 30, 1<<20)
	seg := segments(t, dir)[0]
	fi, _ := os.Stat(seg)
	ffs := waltest.New(nil)
	ffs.Inject(waltest.Fault{Op: waltest.OpRead, Nth: 1, Err: syscall.EIO})
	_, _, err := tryOpen(dir, wal.Options{FS: ffs}, 0)
	var ce *wal.CorruptError
	if !errors.Is(err, syscall.EIO) || errors.As(err, &ce) {
		t.Fatalf("got %v, want the read error", err)
	}
	if fi2, _ := os.Stat(seg); fi2.Size() != fi.Size() {
		t.Fatal("a read error truncated the segment")
	}
	checkRecords(t, replayAll(t, dir), 1, 30)
}

func TestReplayTruncatedStart(t *testing.T) {
	dir := build(t, 200, 8<<10)
	l, _ := open(t, dir, wal.Options{SegmentBytes: 8 << 10})
	if err := l.TruncateBefore(100); err != nil {
		t.Fatal(err)
	}
	l.Close()
	_, _, err := tryOpen(dir, wal.Options{}, 1)
	if !errors.Is(err, wal.ErrLSNRange) {
		t.Fatalf("from 1 after truncation: %v", err)
	}
	l, recs, err := tryOpen(dir, wal.Options{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, recs, 100, 200)
	l.Close()
	l, recs, err = tryOpen(dir, wal.Options{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if recs[0].lsn > 100 || recs[len(recs)-1].lsn != 200 {
		t.Fatalf("from 0: lsn %d..%d", recs[0].lsn, recs[len(recs)-1].lsn)
	}
	l.Close()
}
