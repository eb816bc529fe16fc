package upload

import (
	"os"
	"sync"
	"time"

	"github.com/symscore/symscore/protocol"
)

// State is where an upload is in its life.
type State uint8

// The states, in the order an upload goes through them.
const (
	// Receiving: chunks are taken.
	Receiving State = iota
	// Finalizing: a finalize job reads the file.
	Finalizing
	// Applying: the file's change is being logged and applied.
	Applying
	// Done: the change is applied and durable; the file is gone.
	Done
	// Failed: the finalize job failed (the file is kept for another finalize, unless
	// the failure was the file's own: see Status.Retry), or the upload's files could not
	// be written.
	Failed
	// Expired: unfinished for uploads.ttl; the file is gone.
	Expired
	numStates
)

var stateNames = [numStates]string{"receiving", "finalizing", "finalizing", "done", "failed", "expired"}

// String is the state's wire name: receiving, finalizing (Applying too), done, failed or
// expired.
func (s State) String() string {
	if s < numStates {
		return stateNames[s]
	}
	return "unknown"
}

// holdsData reports whether an upload in state s keeps its file (and its reservation).
func (s State) holdsData() bool { return s <= Applying || s == Failed }

// MaxMissing is the most missing ranges a Status or an incomplete finalize lists.
const MaxMissing = 100

// Status is what GET /uploads/{id} says of an upload: a copy, the caller's.
type Status struct {
	Description
	Received int64
	Complete bool
	// Missing lists at most MaxMissing ranges not yet received, in order.
	Missing []Range
	State   State
	// Expires is when an unfinished upload expires (it moves with every chunk), or when a
	// done or expired one is forgotten.
	Expires time.Time
	// Job is the id of the last finalize job ("" before any).
	Job string
	// Forget: the last finalize forgets the rows.
	Forget bool
	// Rows and Skipped are the rows applied and skipped (Done, and Applying).
	Rows, Skipped int64
	// Status and Msg are a failed finalize's wire status and message; Retry says whether
	// finalize may be asked again (the file is intact).
	FailStatus protocol.Status
	Msg        string
	Retry      bool
	// Node and NodeID name the cluster node that holds the upload's file: its public_url
	// (may be empty) and its cluster.node_id. Empty on a single node. The Manager leaves
	// them empty; the operations fill them in.
	Node, NodeID string
}

// Upload is one announced upload: its description, its state, and its files. Safe for
// concurrent use: several connections write chunks, a finalize job reads the file.
//
// mu guards everything. It is held while a chunk is compared and written into the page
// cache and while a record is appended to the index, never across an fsync: a commit or
// a background sync counts itself in io and syncs without it, and the files are closed
// only once io is 0. While the index is rewritten (compacting), nothing is appended to it.
type Upload struct {
	m    *Manager
	desc Description // immutable

	mu     sync.Mutex
	cond   sync.Cond // on mu: a commit, a sync or a compaction finished
	st     stateRec
	gone   bool      // deleted, forgotten or closed: every call refuses
	active time.Time // the last chunk or state change: expiry counts from it
	got    Ranges    // bytes written into the data file
	ioErr  error     // a write or fsync failed: no more chunks, no finalize

	data       *os.File // nil once the file is removed
	idx        *os.File // nil once closed
	idxEnd     int64    // where the next index record goes
	records    int      // range records in the index, or queued for it
	io         int      // syncs in progress without mu
	compacting bool     // the index is being rewritten

	// The group commit of ModeAlways (chunk.go): chunks written since the last commit
	// wait for the next one, whose leader syncs the data, then appends their range
	// records and syncs the index.
	pending    []byte // range records awaiting the next commit
	spare      []byte // the buffer pending had before the commit under way
	gen        uint64 // the commit the next chunk joins
	durableGen uint64 // the last commit done
	flushing   bool   // a leader is committing
	dirty      bool   // ModeInterval/ModeNone: written since the last background sync
	syncing    bool   // a background sync is under way
}

func newUpload(m *Manager, d Description) *Upload {
	u := &Upload{m: m, desc: d, gen: 1}
	u.cond.L = &u.mu
	return u
}

// ID is the upload's id.
func (u *Upload) ID() string { return u.desc.ID }

// Description is what the upload is.
func (u *Upload) Description() Description { return u.desc }

// Status describes the upload now.
func (u *Upload) Status() Status {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.statusLocked()
}

func (u *Upload) statusLocked() Status {
	s := Status{
		Description: u.desc,
		Received:    u.got.Len(),
		State:       u.st.State,
		Job:         u.st.Job,
		Forget:      u.st.Forget,
		Rows:        u.st.Rows,
		Skipped:     u.st.Skipped,
		FailStatus:  u.st.Status,
		Msg:         u.st.Msg,
		Retry:       u.st.Retry && u.ioErr == nil,
	}
	s.Complete = s.Received == u.desc.Size
	if u.st.State.holdsData() {
		s.Missing = u.got.Missing(u.desc.Size, MaxMissing)
		s.Expires = u.active.Add(u.m.opts.TTL)
	} else {
		s.Expires = u.st.At.Add(u.m.opts.TTL)
	}
	return s
}
