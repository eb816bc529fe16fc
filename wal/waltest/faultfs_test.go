package waltest_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/symscore/symscore/wal/waltest"
)

func TestNthCallFails(t *testing.T) {
	ffs := waltest.New(nil)
	f, err := ffs.OpenFile(filepath.Join(t.TempDir(), "f"), os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Write([]byte("before"))
	ffs.Inject(waltest.Fault{Op: waltest.OpWrite, Nth: 2, Err: syscall.ENOSPC, Keep: 3})
	if _, err := f.Write([]byte("one")); err != nil {
		t.Fatalf("first write after Inject: %v", err)
	}
	n, err := f.Write([]byte("second"))
	if n != 3 || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("second write: %d, %v; want a 3-byte short write with ENOSPC", n, err)
	}
	if _, err := f.Write([]byte("third")); err != nil {
		t.Fatalf("third write (no Repeat): %v", err)
	}
	if got := ffs.Calls(waltest.OpWrite); got != 4 {
		t.Fatalf("Calls(OpWrite) = %d, want 4", got)
	}
	fi, _ := f.Stat()
	if fi.Size() != int64(len("before")+len("one")+3+len("third")) {
		t.Fatalf("size %d", fi.Size())
	}
}

func TestRepeatPathAndCrash(t *testing.T) {
	dir := t.TempDir()
	ffs := waltest.New(nil)
	ffs.Inject(waltest.Fault{Op: waltest.OpSync, Path: filepath.Join(dir, "a"), Repeat: true})
	a, _ := ffs.OpenFile(filepath.Join(dir, "a"), os.O_WRONLY|os.O_CREATE, 0o600)
	b, _ := ffs.OpenFile(filepath.Join(dir, "b"), os.O_WRONLY|os.O_CREATE, 0o600)
	for range 3 {
		if err := a.Sync(); !errors.Is(err, syscall.EIO) {
			t.Fatalf("sync a: %v", err)
		}
	}
	if err := b.Sync(); err != nil {
		t.Fatalf("sync b: %v", err)
	}
	ffs.Inject(waltest.Fault{Op: waltest.OpRename, Crash: true})
	if err := ffs.Rename(filepath.Join(dir, "b"), filepath.Join(dir, "c")); !errors.Is(err, syscall.EIO) {
		t.Fatalf("rename: %v", err)
	}
	if _, err := b.Write([]byte("x")); !errors.Is(err, waltest.ErrCrashed) || !ffs.Crashed() {
		t.Fatalf("write after crash: %v", err)
	}
	if err := ffs.Remove(filepath.Join(dir, "a")); !errors.Is(err, waltest.ErrCrashed) {
		t.Fatalf("remove after crash: %v", err)
	}
	a.Close()
	b.Close()
}

func TestLoseUnsynced(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old")
	os.WriteFile(old, []byte("durable"), 0o600) // existed before: taken as durable
	ffs := waltest.New(nil)

	f, _ := ffs.OpenFile(old, os.O_WRONLY|os.O_APPEND, 0)
	f.Write([]byte("+synced"))
	f.Sync()
	f.Write([]byte("+lost"))
	f.Close()

	kept := filepath.Join(dir, "kept")
	h, _ := ffs.OpenFile(kept, os.O_WRONLY|os.O_CREATE, 0o600)
	h.Write([]byte("abc"))
	h.Sync()
	ffs.SyncDir(dir)
	h.Write([]byte("def"))
	h.Close()

	created := filepath.Join(dir, "created")
	g, _ := ffs.OpenFile(created, os.O_WRONLY|os.O_CREATE, 0o600)
	g.Write([]byte("data"))
	g.Sync() // data synced, but the directory entry is not
	g.Close()

	if err := ffs.LoseUnsynced(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(old); string(b) != "durable+synced" {
		t.Fatalf("old: %q", b)
	}
	if _, err := os.Stat(created); !os.IsNotExist(err) {
		t.Fatalf("created without directory sync survived: %v", err)
	}
	if b, _ := os.ReadFile(kept); string(b) != "abc" {
		t.Fatalf("kept: %q", b)
	}
}
