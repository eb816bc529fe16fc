package upload

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/symscore/symscore/protocol"
	"github.com/symscore/symscore/wal"
)

// Defaults of Options.
const (
	DefaultTTL = 24 * time.Hour
	// DefaultChunkSize is the chunk size announce suggests.
	DefaultChunkSize = 128 << 10
	// DefaultMaxRanges bounds the disjoint ranges one upload may hold: chunks sent in any
	// order are fine, a client scattering single bytes is refused.
	DefaultMaxRanges = 1 << 16
	// noneSyncInterval is the background sync period of ModeNone: nothing waits for it.
	noneSyncInterval = time.Second
)

// Options configure a Manager.
type Options struct {
	// Dir holds the uploads' files (data_dir/uploads); made if missing.
	Dir string
	// Mode and Interval are the durability of chunks (config durability and
	// durability_interval): ModeAlways acknowledges a chunk once its bytes and its range
	// are fsynced; ModeInterval and ModeNone once they are written, fsynced in the
	// background every Interval (ModeNone: every second).
	Mode     wal.Mode
	Interval time.Duration
	// TTL is uploads.ttl: an unfinished upload expires after TTL without a chunk, and a
	// done or expired one is forgotten TTL after it ended. 0 means DefaultTTL.
	TTL time.Duration
	// MaxUploadBytes, MaxUploads and MaxDiskBytes are limits.max_upload_bytes,
	// limits.max_uploads (per customer) and limits.max_upload_disk_bytes.
	MaxUploadBytes int64
	MaxUploads     int
	MaxDiskBytes   int64
	// MaxRanges bounds an upload's disjoint received ranges; 0 means DefaultMaxRanges.
	MaxRanges int
	// Now is the clock of expiry; nil means time.Now.
	Now func() time.Time
	// Log receives what the manager does on its own (expiry, recovery); nil discards.
	Log *slog.Logger
}

// Manager holds every upload, on disk under Options.Dir. Safe for concurrent use.
//
// Lock order: Manager.mu, then an Upload's locks. mu guards the table and the accounts;
// no file operation happens under it except the removal of a forgotten upload's index.
type Manager struct {
	opts Options
	log  *slog.Logger

	mu       sync.Mutex
	byID     map[string]*Upload
	reserved int64          // bytes of the files of uploads that hold data
	held     map[string]int // per customer: uploads that hold data
	closed   bool

	// BytesWritten counts the chunk bytes written (new or repeated); read by metrics.
	BytesWritten atomic.Int64

	stop    chan struct{}
	stopped chan struct{}
}

// Open opens the uploads in o.Dir (making it if needed) as they were left: each with its
// state and received ranges, the ranges whose bytes cannot be shown durable checked
// against the file. Uploads left finalizing are Unresolved until Resolve says what
// became of them. It starts the background expiry (and syncs, but for ModeAlways).
func Open(o Options) (*Manager, error) {
	if o.TTL <= 0 {
		o.TTL = DefaultTTL
	}
	if o.MaxRanges <= 0 {
		o.MaxRanges = DefaultMaxRanges
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot make the uploads directory: %w", err)
	}
	m := &Manager{opts: o, log: o.Log, byID: map[string]*Upload{}, held: map[string]int{},
		stop: make(chan struct{}), stopped: make(chan struct{})}
	if err := m.recover(); err != nil {
		m.closeFiles()
		return nil, err
	}
	go m.run()
	return m, nil
}

func (m *Manager) dataPath(id string) string  { return filepath.Join(m.opts.Dir, id+".data") }
func (m *Manager) indexPath(id string) string { return filepath.Join(m.opts.Dir, id+".idx") }

// recover opens every upload of the directory and removes what a crash left half made.
func (m *Manager) recover() error {
	entries, err := os.ReadDir(m.opts.Dir)
	if err != nil {
		return fmt.Errorf("cannot read the uploads directory: %w", err)
	}
	indexes := map[string]bool{}
	for _, e := range entries {
		if id, ok := strings.CutSuffix(e.Name(), ".idx"); ok {
			indexes[id] = true
		}
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasSuffix(name, ".idx"):
			id := strings.TrimSuffix(name, ".idx")
			if err := m.recoverUpload(id); err != nil {
				return err
			}
		case strings.HasSuffix(name, ".data") && !indexes[strings.TrimSuffix(name, ".data")],
			strings.HasSuffix(name, ".tmp"):
			// An announce or a compaction a crash interrupted.
			if err := os.Remove(filepath.Join(m.opts.Dir, name)); err != nil {
				return fmt.Errorf("cannot remove %s: %w", name, err)
			}
		}
	}
	return wal.OSFS{}.SyncDir(m.opts.Dir)
}

// recoverUpload opens upload id from its index and data file.
func (m *Manager) recoverUpload(id string) error {
	ipath := m.indexPath(id)
	raw, err := os.ReadFile(ipath)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", ipath, err)
	}
	x, err := decodeIndex(raw)
	if err == nil && x.desc.ID != id {
		err = fmt.Errorf("%w: it describes upload %q", errIndex, x.desc.ID)
	}
	if err != nil {
		// Nothing was ever acknowledged for an upload whose description is not durable
		// (announce fsyncs it before answering): a crash during announce.
		m.log.Warn("upload: removing an upload whose index does not read", "file", ipath, "err", err)
		os.Remove(m.dataPath(id))
		return os.Remove(ipath)
	}
	u := newUpload(m, x.desc)
	u.st = x.state
	if u.st.At.IsZero() { // no state record: receiving since the announce
		u.st.At = x.desc.Created
	}
	u.active = u.st.At
	if st, err := os.Stat(ipath); err == nil && st.ModTime().After(u.active) {
		u.active = st.ModTime() // the last chunk
	}
	if u.active.IsZero() || u.active.Before(x.desc.Created) {
		u.active = x.desc.Created
	}
	u.records = x.records
	if u.st.State.holdsData() {
		f, err := os.OpenFile(m.dataPath(id), os.O_RDWR, 0)
		if err != nil {
			m.log.Error("upload: the data file of an upload is missing; it fails", "upload", id, "err", err)
			u.st = stateRec{State: Failed, At: m.opts.Now(), Job: u.st.Job, Status: protocol.StatusInternalServerError,
				Msg: "the upload's file was lost; delete it and upload again"}
		} else {
			u.data = f
		}
	} else {
		os.Remove(m.dataPath(id)) // done (the change was durable first) or expired
	}
	checked, dropped := u.recoverRanges(x)
	idx, err := os.OpenFile(ipath, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("cannot open %s: %w", ipath, err)
	}
	u.idx, u.idxEnd = idx, x.end
	if x.torn {
		if err := idx.Truncate(x.end); err != nil {
			return fmt.Errorf("cannot cut the torn tail of %s: %w", ipath, err)
		}
	}
	if checked > 0 && u.data != nil {
		// The bytes of the checked ranges are in the file (the page cache at least): make
		// them durable and the index say so, once.
		u.mu.Lock()
		err := u.compactLocked()
		u.mu.Unlock()
		if err != nil {
			return err
		}
	}
	if dropped > 0 {
		m.log.Warn("upload: ranges whose bytes did not reach the disk are missing again", "upload", id, "ranges", dropped)
	}
	if u.st.State.holdsData() && u.data != nil {
		m.reserved += x.desc.Size
		m.held[x.desc.CID]++
	}
	m.byID[id] = u
	return nil
}

// recoverRanges rebuilds the received ranges from the index: a range whose bytes are known
// durable (its record says so, or a later synced record covers it) is taken as it is; any
// other is checked against the file's bytes (its checksum) and dropped when they differ.
func (u *Upload) recoverRanges(x index) (checked, dropped int) {
	var buf []byte
	for _, r := range x.ranges {
		if r.durable || r.off < x.synced {
			u.got.Add(r.Range)
			continue
		}
		if u.data == nil {
			u.got.Add(r.Range) // a finished upload: nothing to check against
			continue
		}
		checked++
		buf = grow(buf, int(r.Len()))
		if _, err := u.data.ReadAt(buf, r.From); err != nil || checksum(buf) != r.sum {
			dropped++
			continue
		}
		u.got.Add(r.Range)
	}
	return checked, dropped
}

func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

// Unresolved returns the uploads left finalizing by the last run: their change may or may
// not have been logged; Resolve says which.
func (m *Manager) Unresolved() []*Upload {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*Upload
	for _, u := range m.byID {
		u.mu.Lock()
		if s := u.st.State; s == Finalizing || s == Applying {
			out = append(out, u)
		}
		u.mu.Unlock()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].desc.ID < out[j].desc.ID })
	return out
}

// Announce makes a new upload of size bytes for customer cid's project pid (the caller
// checked it), reserving the file's room on disk at once, and returns its status. The
// description is durable before Announce returns. Refusals: *Error wrapping
// ErrBadRequest (size, format), ErrTooLarge, ErrTooMany, ErrDiskBudget, ErrNoSpace, ErrIO,
// ErrClosed.
func (m *Manager) Announce(cid, pid, name, format string, size int64) (Status, error) {
	switch {
	case format != "csv":
		return Status{}, refusef(ErrBadRequest, "format must be \"csv\", not %s", quote(format))
	case size <= 0:
		return Status{}, refusef(ErrBadRequest, "size must be a positive number of bytes, not %d", size)
	case size > m.opts.MaxUploadBytes:
		return Status{}, refusef(ErrTooLarge, "size %d is larger than limits.max_upload_bytes (%d)", size, m.opts.MaxUploadBytes)
	}
	if err := m.reserve(cid, size); err != nil {
		return Status{}, err
	}
	d := Description{ID: rand.Text(), CID: cid, PID: pid, Name: name, Format: format, Size: size,
		Created: m.opts.Now().UTC()}
	u, err := m.create(d)
	if err != nil {
		m.unreserve(cid, size)
		return Status{}, err
	}
	m.mu.Lock()
	closed := m.closed
	if !closed {
		m.byID[d.ID] = u
	}
	m.mu.Unlock()
	if closed {
		u.remove()
		m.unreserve(cid, size)
		return Status{}, &Error{Err: ErrClosed, Msg: "the server is shutting down"}
	}
	return u.Status(), nil
}

// reserve takes size bytes of the disk budget and one upload of customer cid's.
func (m *Manager) reserve(cid string, size int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.closed:
		return &Error{Err: ErrClosed, Msg: "the server is shutting down"}
	case m.held[cid] >= m.opts.MaxUploads:
		return refusef(ErrTooMany, "this customer has %d unfinished uploads, the most limits.max_uploads allows: finalize or delete one", m.held[cid])
	case m.reserved+size > m.opts.MaxDiskBytes:
		return refusef(ErrDiskBudget, "the server's upload space (limits.max_upload_disk_bytes, %d bytes) has %d bytes free, not the %d asked: retry when other uploads are done",
			m.opts.MaxDiskBytes, max(m.opts.MaxDiskBytes-m.reserved, 0), size)
	}
	m.reserved += size
	m.held[cid]++
	return nil
}

func (m *Manager) unreserve(cid string, size int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reserved -= size
	if m.held[cid]--; m.held[cid] <= 0 {
		delete(m.held, cid)
	}
}

// create makes the files of upload d: the data file with its room allocated, the index
// with the description, both durable, and the directory entries too.
func (m *Manager) create(d Description) (*Upload, error) {
	u := newUpload(m, d)
	u.st = stateRec{State: Receiving, At: d.Created}
	u.active = d.Created
	fail := func(what string, err error) (*Upload, error) {
		u.remove()
		if errors.Is(err, errNoSpace) {
			return nil, refusef(ErrNoSpace, "the server's disk has no room for %d bytes", d.Size)
		}
		m.log.Error("upload: cannot make an upload's files", "op", what, "err", err)
		return nil, &Error{Err: ErrIO, Msg: "cannot make the upload's files"}
	}
	f, err := os.OpenFile(m.dataPath(d.ID), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fail("create", err)
	}
	u.data = f
	if err := allocate(f, d.Size); err != nil {
		return fail("allocate", err)
	}
	if err := f.Sync(); err != nil {
		return fail("sync", err)
	}
	idx, err := os.OpenFile(m.indexPath(d.ID), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fail("create", err)
	}
	u.idx = idx
	b := appendDescribe(appendHeader(nil), d)
	if _, err := idx.WriteAt(b, 0); err != nil {
		return fail("write", err)
	}
	if err := idx.Sync(); err != nil {
		return fail("sync", err)
	}
	if err := (wal.OSFS{}).SyncDir(m.opts.Dir); err != nil {
		return fail("sync dir", err)
	}
	u.idxEnd = int64(len(b))
	return u, nil
}

// remove closes and removes u's files (best effort: an announce that failed, not yet
// shared).
func (u *Upload) remove() {
	if u.data != nil {
		u.data.Close()
		u.data = nil
	}
	if u.idx != nil {
		u.idx.Close()
		u.idx = nil
	}
	os.Remove(u.m.dataPath(u.desc.ID))
	os.Remove(u.m.indexPath(u.desc.ID))
}

// Get returns customer cid's upload id; another customer's is not found.
func (m *Manager) Get(cid, id string) (*Upload, error) {
	m.mu.Lock()
	u := m.byID[id]
	m.mu.Unlock()
	if u == nil || u.desc.CID != cid {
		return nil, refusef(ErrNotFound, "cannot find upload %s", quote(id))
	}
	return u, nil
}

// List returns the status of every upload of customer cid, oldest first.
func (m *Manager) List(cid string) []Status {
	m.mu.Lock()
	var us []*Upload
	for _, u := range m.byID {
		if u.desc.CID == cid {
			us = append(us, u)
		}
	}
	m.mu.Unlock()
	out := make([]Status, len(us))
	for i, u := range us {
		out[i] = u.Status()
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Delete discards customer cid's upload id and its files. An upload being finalized is
// refused (ErrConflict).
func (m *Manager) Delete(cid, id string) error {
	u, err := m.Get(cid, id)
	if err != nil {
		return err
	}
	u.mu.Lock()
	switch {
	case u.gone:
		u.mu.Unlock()
		return refusef(ErrNotFound, "cannot find upload %s", quote(id))
	case u.st.State == Finalizing || u.st.State == Applying:
		u.mu.Unlock()
		return refusef(ErrConflict, "upload %s is being finalized: it can be deleted once its job is done", quote(id))
	}
	held := u.st.State.holdsData() && u.data != nil
	u.gone = true // claimed: nobody else forgets it
	u.mu.Unlock()
	m.forget(u, held)
	return nil
}

// forget removes u from the table and its files from the disk; held says whether it held
// its reservation.
func (m *Manager) forget(u *Upload, held bool) {
	m.mu.Lock()
	delete(m.byID, u.desc.ID)
	m.mu.Unlock()
	u.mu.Lock()
	if err := u.closeLocked(true); err != nil {
		m.log.Warn("upload: cannot remove an upload's file", "upload", u.desc.ID, "err", err)
	}
	if err := os.Remove(m.indexPath(u.desc.ID)); err != nil && !errors.Is(err, os.ErrNotExist) {
		m.log.Warn("upload: cannot remove an upload's index", "upload", u.desc.ID, "err", err)
	}
	u.mu.Unlock()
	if err := (wal.OSFS{}).SyncDir(m.opts.Dir); err != nil {
		m.log.Warn("upload: cannot sync the uploads directory", "err", err)
	}
	if held {
		m.unreserve(u.desc.CID, u.desc.Size)
	}
}

// Reserved is the disk space reserved by the uploads that hold a file, and their number.
func (m *Manager) Reserved() (bytes int64, uploads int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, n := range m.held {
		uploads += n
	}
	return m.reserved, uploads
}

// Close stops the background work, makes what was written durable and closes every file.
// Operations after it are refused.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	m.mu.Unlock()
	close(m.stop)
	<-m.stopped
	err := m.syncAll()
	m.closeFiles()
	return err
}

func (m *Manager) closeFiles() {
	for _, u := range m.uploads() {
		u.mu.Lock()
		u.closeLocked(false)
		u.mu.Unlock()
	}
}

// run is the background loop: expiry, and the periodic syncs of ModeInterval and
// ModeNone.
func (m *Manager) run() {
	defer close(m.stopped)
	every := min(max(m.opts.TTL/8, 10*time.Millisecond), time.Minute)
	expire := time.NewTicker(every)
	defer expire.Stop()
	var syncC <-chan time.Time
	switch m.opts.Mode {
	case wal.ModeInterval:
		t := time.NewTicker(max(m.opts.Interval, time.Millisecond))
		defer t.Stop()
		syncC = t.C
	case wal.ModeNone:
		t := time.NewTicker(noneSyncInterval)
		defer t.Stop()
		syncC = t.C
	}
	for {
		select {
		case <-m.stop:
			return
		case <-expire.C:
			m.Expire()
		case <-syncC:
			if err := m.syncAll(); err != nil {
				m.log.Error("upload: background sync failed", "err", err)
			}
		}
	}
}

// uploads is a copy of the table.
func (m *Manager) uploads() []*Upload {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*Upload, 0, len(m.byID))
	for _, u := range m.byID {
		out = append(out, u)
	}
	return out
}

// Expire expires the unfinished uploads idle for TTL (their files are removed) and forgets
// the done and expired ones that ended TTL ago. The background loop calls it.
func (m *Manager) Expire() {
	now := m.opts.Now()
	for _, u := range m.uploads() {
		u.mu.Lock()
		st := u.st.State
		idle := now.Sub(u.active) > m.opts.TTL
		ended := now.Sub(u.st.At) > m.opts.TTL
		gone := u.gone
		u.mu.Unlock()
		switch {
		case gone:
		case (st == Receiving || st == Failed) && idle:
			if err := u.expire(now); err != nil {
				m.log.Error("upload: cannot expire an upload", "upload", u.desc.ID, "err", err)
			} else {
				m.log.Info("upload: expired", "upload", u.desc.ID, "cid", u.desc.CID, "pid", u.desc.PID)
			}
		case (st == Done || st == Expired) && ended:
			u.mu.Lock()
			claimed := !u.gone
			u.gone = true
			u.mu.Unlock()
			if claimed {
				m.forget(u, false)
			}
		}
	}
}

// quote quotes client input for a message: at most 40 bytes.
func quote(s string) string {
	if len(s) > 40 {
		return fmt.Sprintf("%q...", s[:40])
	}
	return fmt.Sprintf("%q", s)
}
