package wal_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/symscore/symscore/wal"
	"github.com/symscore/symscore/wal/waltest"
)

func TestWriteFileAtomicRoundTrip(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "snap")
	for _, data := range [][]byte{[]byte("first"), {}, bytes.Repeat([]byte("x"), 1<<20)} {
		if err := wal.WriteFileAtomic(nil, p, data); err != nil {
			t.Fatal(err)
		}
		got, err := wal.ReadFile(nil, p)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("ReadFile: %d bytes, %v; want %d bytes", len(got), err, len(data))
		}
	}
	if _, err := wal.ReadFile(nil, filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	if names, _ := filepath.Glob(filepath.Join(dir, ".*")); len(names) != 0 {
		t.Fatalf("temporary files left: %v", names)
	}
}

func TestReadFileDetectsDamage(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "snap")
	data := []byte("a snapshot of some project")
	if err := wal.WriteFileAtomic(nil, p, data); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(p)
	damage := map[string][]byte{
		"flipped data bit":   flipped(good, len(good)-3),
		"flipped length bit": flipped(good, 9),
		"flipped crc bit":    flipped(good, 17),
		"bad magic":          flipped(good, 0),
		"truncated":          good[:len(good)-1],
		"too short":          good[:10],
		"empty":              {},
		"appended":           append(bytes.Clone(good), 0),
		"plain file":         []byte("not framed at all, just text"),
	}
	for name, b := range damage {
		os.WriteFile(p, b, 0o600)
		_, err := wal.ReadFile(nil, p)
		if ce := asCorrupt(t, err); ce.File != p {
			t.Fatalf("%s: %+v", name, ce)
		}
	}
}

func flipped(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 1
	return c
}

// TestWriteFileAtomicCrash crashes at every step of WriteFileAtomic, then drops what was
// not fsynced: the target holds the old or (only once renamed) the new content, never
// anything else, and RemoveTempFiles clears what is left.
func TestWriteFileAtomicCrash(t *testing.T) {
	steps := []waltest.Fault{
		{Op: waltest.OpOpen, Nth: 1},
		{Op: waltest.OpWrite, Nth: 1},
		{Op: waltest.OpWrite, Nth: 2},
		{Op: waltest.OpSync, Nth: 1},
		{Op: waltest.OpClose, Nth: 1},
		{Op: waltest.OpRename, Nth: 1},
		{Op: waltest.OpSyncDir, Nth: 1},
	}
	old, next := []byte("old content"), []byte("new content, longer than the old one")
	for i, step := range steps {
		for _, powerCut := range []bool{false, true} {
			dir := t.TempDir()
			p := filepath.Join(dir, "snap")
			if err := wal.WriteFileAtomic(nil, p, old); err != nil {
				t.Fatal(err)
			}
			ffs := waltest.New(nil)
			step.Crash = true
			ffs.Inject(step)
			if err := wal.WriteFileAtomic(ffs, p, next); err == nil {
				t.Fatalf("step %d (%v): no error", i, step.Op)
			}
			if powerCut {
				if err := ffs.LoseUnsynced(); err != nil {
					t.Fatal(err)
				}
			}
			got, err := wal.ReadFile(nil, p)
			if err != nil {
				t.Fatalf("step %d (%v): target unreadable: %v", i, step.Op, err)
			}
			renamed := step.Op == waltest.OpSyncDir
			if !bytes.Equal(got, old) && !(renamed && bytes.Equal(got, next)) {
				t.Fatalf("step %d (%v): target holds %q", i, step.Op, got)
			}
			temps, _ := filepath.Glob(filepath.Join(dir, ".snap.*.tmp"))
			if i >= 1 && i <= 4 && !powerCut && len(temps) != 1 {
				t.Fatalf("step %d (%v): %d temporary files, want the one a crash leaves", i, step.Op, len(temps))
			}
			removed, err := wal.RemoveTempFiles(nil, dir)
			if err != nil || len(removed) != len(temps) {
				t.Fatalf("RemoveTempFiles: %v, %v (had %v)", removed, err, temps)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
				t.Fatalf("left: %v", left)
			}
			if got2, err := wal.ReadFile(nil, p); err != nil || !bytes.Equal(got, got2) {
				t.Fatal("RemoveTempFiles touched the target")
			}
		}
	}
}

// TestWriteFileAtomicError: an error that is not a crash removes the temporary file.
func TestWriteFileAtomicError(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "snap")
	wal.WriteFileAtomic(nil, p, []byte("old"))
	for _, op := range []waltest.Op{waltest.OpWrite, waltest.OpSync, waltest.OpRename} {
		ffs := waltest.New(nil)
		ffs.Inject(waltest.Fault{Op: op, Err: syscall.ENOSPC})
		err := wal.WriteFileAtomic(ffs, p, []byte("new"))
		if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), p) {
			t.Fatalf("%v: %v", op, err)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
			t.Fatalf("%v: left %v", op, left)
		}
		if got, _ := wal.ReadFile(nil, p); string(got) != "old" {
			t.Fatalf("%v: target %q", op, got)
		}
	}
}

func TestRemoveTempFilesLeavesOthers(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"snap", ".hidden", "x.tmp", ".snap.1-1.tmp"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o600)
	}
	removed, err := wal.RemoveTempFiles(nil, dir)
	if err != nil || len(removed) != 1 || filepath.Base(removed[0]) != ".snap.1-1.tmp" {
		t.Fatalf("removed %v, %v", removed, err)
	}
}
