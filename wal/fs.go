package wal

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// FS is the file system the log and WriteFileAtomic work through. OSFS is the real one;
// waltest.FaultFS wraps any FS to inject faults in tests.
//
// Implementations must be safe for concurrent use. Paths are ordinary OS paths.
type FS interface {
	// OpenFile opens a file like os.OpenFile.
	OpenFile(name string, flag int, perm fs.FileMode) (File, error)
	// ReadDir lists a directory like os.ReadDir.
	ReadDir(name string) ([]fs.DirEntry, error)
	// MkdirAll creates a directory and its parents like os.MkdirAll.
	MkdirAll(name string, perm fs.FileMode) error
	// Remove removes a file like os.Remove.
	Remove(name string) error
	// Rename renames a file like os.Rename (atomic within one directory).
	Rename(oldname, newname string) error
	// SyncDir makes the directory's entries (creations, renames, removals) durable.
	SyncDir(name string) error
	// Lock takes an exclusive, advisory lock on the named file, creating it if needed. The
	// lock is held until the returned Closer is closed or the process exits. A lock held
	// elsewhere is an error wrapping ErrLocked.
	Lock(name string) (io.Closer, error)
}

// File is an open file. Write writes all of p or returns an error, as os.File does.
// A File is used by one goroutine at a time, except that Sync may run concurrently with Write.
type File interface {
	io.Reader
	io.ReaderAt
	io.Writer
	io.Closer
	Sync() error
	Truncate(size int64) error
	Stat() (fs.FileInfo, error)
}

// OSFS is the operating system's file system.
type OSFS struct{}

// OpenFile implements FS.
func (OSFS) OpenFile(name string, flag int, perm fs.FileMode) (File, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err // a nil *os.File must not become a non-nil File
	}
	return f, nil
}

// ReadDir implements FS.
func (OSFS) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }

// MkdirAll implements FS.
func (OSFS) MkdirAll(name string, perm fs.FileMode) error { return os.MkdirAll(name, perm) }

// Remove implements FS.
func (OSFS) Remove(name string) error { return os.Remove(name) }

// Rename implements FS.
func (OSFS) Rename(oldname, newname string) error { return os.Rename(oldname, newname) }

// SyncDir implements FS.
func (OSFS) SyncDir(name string) error {
	d, err := os.Open(name)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Lock implements FS.
func (OSFS) Lock(name string) (io.Closer, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, fmt.Errorf("%w: %s", ErrLocked, name)
		}
		return nil, fmt.Errorf("cannot lock %s: %w", name, err)
	}
	return f, nil // closing the file releases the lock
}

// syncParent makes the entry of path in its directory durable.
func syncParent(fsys FS, path string) error {
	return fsys.SyncDir(filepath.Dir(path))
}
