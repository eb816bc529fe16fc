package waltest

// Over 400 lines: a fault-injecting file system implements every method of wal.FS and of
// its files, each with the same injection hook.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/symscore/symscore/wal"
)

// Op is a kind of file system operation.
type Op uint8

const (
	OpOpen     Op = iota + 1 // FS.OpenFile
	OpRead                   // File.Read and File.ReadAt
	OpWrite                  // File.Write
	OpSync                   // File.Sync
	OpTruncate               // File.Truncate
	OpClose                  // File.Close
	OpReadDir                // FS.ReadDir
	OpMkdir                  // FS.MkdirAll
	OpRemove                 // FS.Remove
	OpRename                 // FS.Rename
	OpSyncDir                // FS.SyncDir
	OpLock                   // FS.Lock
	numOps
)

var opNames = [numOps]string{"", "open", "read", "write", "sync", "truncate", "close",
	"readdir", "mkdir", "remove", "rename", "syncdir", "lock"}

func (o Op) String() string {
	if o < numOps && o > 0 {
		return opNames[o]
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// ErrCrashed is returned by every operation after a crash (Fault.Crash or FaultFS.Crash).
var ErrCrashed = errors.New("waltest: file system crashed")

// Fault describes an injected failure.
type Fault struct {
	Op   Op     // the operation that fails
	Nth  int    // which matching call fails, counted from Inject: 1 is the next one
	Path string // only calls on paths containing this substring count ("" = all)
	Err  error  // the error returned; nil means syscall.EIO
	// Keep is, for OpWrite, how many bytes are really written before the error: a short
	// write (use Err = syscall.ENOSPC for a full disk).
	Keep int
	// Repeat makes every matching call from the Nth on fail, not just the Nth.
	Repeat bool
	// Crash makes the Nth call the last one: it and every later operation of any kind fail
	// (with ErrCrashed after the Nth), as if the process had died there. Cleanup code
	// cannot run, so what is on disk is what a crash leaves.
	Crash bool
}

type faultState struct {
	Fault
	seen int
}

// fileState tracks what of a file would survive a power failure.
type fileState struct {
	synced  int64 // bytes known durable: the size when the last successful fsync began
	created bool  // created since the last successful SyncDir of its directory
}

// FaultFS wraps a wal.FS. It is safe for concurrent use.
type FaultFS struct {
	inner wal.FS

	mu      sync.Mutex // guards calls, faults, delay, crashed, files
	calls   [numOps]int
	faults  []*faultState
	delay   [numOps]time.Duration
	crashed bool
	files   map[string]*fileState
}

// New wraps inner (nil means wal.OSFS).
func New(inner wal.FS) *FaultFS {
	if inner == nil {
		inner = wal.OSFS{}
	}
	return &FaultFS{inner: inner, files: map[string]*fileState{}}
}

// Inject adds a fault.
func (f *FaultFS) Inject(ft Fault) {
	if ft.Nth < 1 {
		ft.Nth = 1
	}
	if ft.Err == nil {
		ft.Err = syscall.EIO
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, &faultState{Fault: ft})
}

// Clear removes every fault injected so far.
func (f *FaultFS) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = nil
}

// Calls returns how many calls of op were made.
func (f *FaultFS) Calls(op Op) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

// SetDelay makes every later call of op sleep d first (a slow disk).
func (f *FaultFS) SetDelay(op Op, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delay[op] = d
}

// Crash makes every later operation fail with ErrCrashed.
func (f *FaultFS) Crash() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.crashed = true
}

// Crashed reports whether the file system has crashed.
func (f *FaultFS) Crashed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.crashed
}

// LoseUnsynced simulates a power failure: every file written through f is cut back to its
// size when its last successful fsync began, and files created since the last successful
// SyncDir of their directory are deleted. Renames and removals are taken as durable at
// once, and data is assumed to be lost from the end only. Call it when nothing uses f; it
// works on the inner file system even after a crash, and ends the crash.
func (f *FaultFS) LoseUnsynced() error {
	f.mu.Lock()
	files := f.files
	f.files = map[string]*fileState{}
	f.crashed = false
	f.mu.Unlock()
	var errs []error
	for name, st := range files {
		if st.created {
			if err := f.inner.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
			continue
		}
		h, err := f.inner.OpenFile(name, os.O_WRONLY, 0)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if fi, err := h.Stat(); err != nil {
			errs = append(errs, err)
		} else if fi.Size() > st.synced {
			if err := h.Truncate(st.synced); err != nil {
				errs = append(errs, err)
			}
		}
		if err := h.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// check counts a call and decides its fate: the error to return (nil to proceed) and,
// for writes, how many bytes to write first.
func (f *FaultFS) check(op Op, path string) (keep int, err error) {
	f.mu.Lock()
	if f.crashed {
		f.mu.Unlock()
		return 0, ErrCrashed
	}
	f.calls[op]++
	for _, ft := range f.faults {
		if ft.Op != op || !strings.Contains(path, ft.Path) {
			continue
		}
		ft.seen++
		if ft.seen == ft.Nth || (ft.Repeat && ft.seen > ft.Nth) {
			if ft.Crash {
				f.crashed = true
			}
			f.mu.Unlock()
			return ft.Keep, ft.Err
		}
	}
	d := f.delay[op]
	f.mu.Unlock()
	if d > 0 {
		time.Sleep(d)
	}
	return 0, nil
}

// track returns the durability state of a file, creating it as given when absent.
func (f *FaultFS) track(name string, st fileState) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.files[name]; !ok {
		f.files[name] = &st
	}
}

// OpenFile implements wal.FS.
func (f *FaultFS) OpenFile(name string, flag int, perm fs.FileMode) (wal.File, error) {
	name = filepath.Clean(name)
	if _, err := f.check(OpOpen, name); err != nil {
		return nil, err
	}
	existed := true
	if flag&os.O_CREATE != 0 {
		probe, err := f.inner.OpenFile(name, os.O_RDONLY, 0)
		existed = err == nil
		if existed {
			probe.Close()
		}
	}
	h, err := f.inner.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	if !existed {
		f.mu.Lock()
		f.files[name] = &fileState{created: true}
		f.mu.Unlock()
	} else if fi, err := h.Stat(); err == nil && !fi.IsDir() {
		size := fi.Size()
		if flag&os.O_TRUNC != 0 {
			size = 0
		}
		f.track(name, fileState{synced: size})
	}
	return &faultFile{fs: f, f: h, name: name}, nil
}

// ReadDir implements wal.FS.
func (f *FaultFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if _, err := f.check(OpReadDir, name); err != nil {
		return nil, err
	}
	return f.inner.ReadDir(name)
}

// MkdirAll implements wal.FS.
func (f *FaultFS) MkdirAll(name string, perm fs.FileMode) error {
	if _, err := f.check(OpMkdir, name); err != nil {
		return err
	}
	return f.inner.MkdirAll(name, perm)
}

// Remove implements wal.FS.
func (f *FaultFS) Remove(name string) error {
	name = filepath.Clean(name)
	if _, err := f.check(OpRemove, name); err != nil {
		return err
	}
	if err := f.inner.Remove(name); err != nil {
		return err
	}
	f.mu.Lock()
	delete(f.files, name)
	f.mu.Unlock()
	return nil
}

// Rename implements wal.FS.
func (f *FaultFS) Rename(oldname, newname string) error {
	oldname, newname = filepath.Clean(oldname), filepath.Clean(newname)
	if _, err := f.check(OpRename, newname); err != nil {
		return err
	}
	if err := f.inner.Rename(oldname, newname); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if st, ok := f.files[oldname]; ok {
		st.created = false // renames are taken as durable at once
		f.files[newname] = st
		delete(f.files, oldname)
	} else {
		delete(f.files, newname)
	}
	return nil
}

// SyncDir implements wal.FS.
func (f *FaultFS) SyncDir(name string) error {
	name = filepath.Clean(name)
	if _, err := f.check(OpSyncDir, name); err != nil {
		return err
	}
	f.mu.Lock()
	var created []*fileState
	for p, st := range f.files {
		if st.created && filepath.Dir(p) == name {
			created = append(created, st)
		}
	}
	f.mu.Unlock()
	if err := f.inner.SyncDir(name); err != nil {
		return err
	}
	f.mu.Lock()
	for _, st := range created {
		st.created = false
	}
	f.mu.Unlock()
	return nil
}

// Lock implements wal.FS.
func (f *FaultFS) Lock(name string) (io.Closer, error) {
	if _, err := f.check(OpLock, name); err != nil {
		return nil, err
	}
	return f.inner.Lock(name)
}

// faultFile wraps a wal.File.
type faultFile struct {
	fs   *FaultFS
	f    wal.File
	name string
}

func (h *faultFile) Read(p []byte) (int, error) {
	if _, err := h.fs.check(OpRead, h.name); err != nil {
		return 0, err
	}
	return h.f.Read(p)
}

func (h *faultFile) ReadAt(p []byte, off int64) (int, error) {
	if _, err := h.fs.check(OpRead, h.name); err != nil {
		return 0, err
	}
	return h.f.ReadAt(p, off)
}

func (h *faultFile) Write(p []byte) (int, error) {
	keep, err := h.fs.check(OpWrite, h.name)
	if err != nil {
		if keep > 0 && !errors.Is(err, ErrCrashed) {
			n, _ := h.f.Write(p[:min(keep, len(p))])
			return n, err
		}
		return 0, err
	}
	return h.f.Write(p)
}

func (h *faultFile) Sync() error {
	if _, err := h.fs.check(OpSync, h.name); err != nil {
		return err
	}
	fi, err := h.f.Stat()
	if err != nil {
		return err
	}
	if err := h.f.Sync(); err != nil {
		return err
	}
	h.fs.mu.Lock()
	// Concurrent fsyncs of one file may finish out of order; what one made durable stays
	// durable, so the watermark only grows here (Truncate lowers it).
	if st, ok := h.fs.files[h.name]; ok && fi.Size() > st.synced {
		st.synced = fi.Size()
	}
	h.fs.mu.Unlock()
	return nil
}

func (h *faultFile) Truncate(size int64) error {
	if _, err := h.fs.check(OpTruncate, h.name); err != nil {
		return err
	}
	if err := h.f.Truncate(size); err != nil {
		return err
	}
	h.fs.mu.Lock()
	if st, ok := h.fs.files[h.name]; ok && st.synced > size {
		st.synced = size
	}
	h.fs.mu.Unlock()
	return nil
}

func (h *faultFile) Close() error {
	_, err := h.fs.check(OpClose, h.name)
	cerr := h.f.Close() // always release the descriptor
	if err != nil {
		return err
	}
	return cerr
}

func (h *faultFile) Stat() (fs.FileInfo, error) { return h.f.Stat() }
