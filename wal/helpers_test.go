package wal_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/symscore/symscore/wal"
)

// payload returns the deterministic record for id: 8 bytes of id, then bytes derived from
// it, 0 to 3000 bytes long, so records of every size cross segment boundaries.
func payload(id uint64) []byte {
	n := 8 + int(id*7919%3000)
	b := make([]byte, n)
	binary.LittleEndian.PutUint64(b, id)
	x := id*0x9E3779B97F4A7C15 + 1
	for i := 8; i < n; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return b
}

// checkPayload reports whether rec is payload(id) for the id it starts with.
func checkPayload(rec []byte) (uint64, bool) {
	if len(rec) < 8 {
		return 0, false
	}
	id := binary.LittleEndian.Uint64(rec)
	return id, bytes.Equal(rec, payload(id))
}

type record struct {
	lsn uint64
	rec []byte
}

// logBuffer captures log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// open opens dir and replays from 0, returning the log and every record.
func open(t *testing.T, dir string, opts wal.Options) (*wal.Log, []record) {
	t.Helper()
	l, recs, err := tryOpen(dir, opts, 0)
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	return l, recs
}

// tryOpen opens dir and replays from; on a Replay error the log is closed.
func tryOpen(dir string, opts wal.Options, from uint64) (*wal.Log, []record, error) {
	l, err := wal.Open(dir, opts)
	if err != nil {
		return nil, nil, err
	}
	var recs []record
	err = l.Replay(from, func(lsn uint64, rec []byte) error {
		recs = append(recs, record{lsn, bytes.Clone(rec)})
		return nil
	})
	if err != nil {
		l.Close()
		return nil, recs, err
	}
	return l, recs, nil
}

// reopen closes l and returns every record of dir read by a fresh log.
func replayAll(t *testing.T, dir string) []record {
	t.Helper()
	l, recs := open(t, dir, wal.Options{})
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return recs
}

// appendN appends payload(first..first+n-1) and checks the LSNs are consecutive.
func appendN(t *testing.T, l *wal.Log, first, n uint64) {
	t.Helper()
	for id := first; id < first+n; id++ {
		want := l.NextLSN()
		lsn, err := l.Append(payload(id))
		if err != nil {
			t.Fatalf("append %d: %v", id, err)
		}
		if lsn != want {
			t.Fatalf("append %d: lsn %d, want %d", id, lsn, want)
		}
	}
}

// checkRecords checks that recs are payload(lsn) for lsn = first, first+1, ... last.
func checkRecords(t *testing.T, recs []record, first, last uint64) {
	t.Helper()
	if got := uint64(len(recs)); got != last-first+1 {
		t.Fatalf("got %d records, want %d (lsn %d..%d)", got, last-first+1, first, last)
	}
	for i, r := range recs {
		if want := first + uint64(i); r.lsn != want {
			t.Fatalf("record %d: lsn %d, want %d", i, r.lsn, want)
		}
		if !bytes.Equal(r.rec, payload(r.lsn)) {
			t.Fatalf("lsn %d: payload differs", r.lsn)
		}
	}
}

// segments returns the segment files of dir in order.
func segments(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.wal"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(m)
	return m
}

// recordOffsets parses a segment file and returns the offset of each record and the end.
func recordOffsets(t *testing.T, path string) []int64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var offs []int64
	off := int64(32)
	for off+16 <= int64(len(b)) {
		offs = append(offs, off)
		off += 16 + int64(binary.LittleEndian.Uint32(b[off+4:]))
	}
	if off != int64(len(b)) {
		t.Fatalf("%s: records end at %d, file at %d", path, off, len(b))
	}
	return append(offs, off)
}

func asCorrupt(t *testing.T, err error) *wal.CorruptError {
	t.Helper()
	var ce *wal.CorruptError
	if !errors.As(err, &ce) {
		t.Fatalf("got error %v, want *wal.CorruptError", err)
	}
	return ce
}

func mustContain(t *testing.T, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Fatalf("%q does not contain %q", s, sub)
	}
}

func flipBit(t *testing.T, path string, off int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[off] ^= 0x10
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

var _ = fmt.Sprint
