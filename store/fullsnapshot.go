package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/wal"
)

// A full snapshot is every project of a store in one piece, for a node that joins a
// cluster without its history (package cluster publishes them to a JetStream object
// store). Its encoding:
//
//	"SYMF", version byte (1), uvarint Covered, uvarint project count, then per project
//	the customer id, the project id and the project's encoding (model.Project.Checkpoint),
//	each as uvarint length + bytes.
//
// Covered is the log sequence it covers: every record below it is in the state of its
// project (or changed nothing). Each project may also hold records from Covered on (its
// Seq says up to which): a node resumes the log at Covered, and recovery skips what a
// project already holds, exactly as with the per-project snapshot files.
const (
	fullSnapshotMagic   = "SYMF"
	fullSnapshotVersion = 1
)

// ErrFullSnapshot is wrapped by the refusal of a full snapshot that does not decode.
var ErrFullSnapshot = errors.New("store: not a valid full snapshot")

// FullSnapshot encodes every project (the encoding above) and returns it with the
// sequence it covers. Learners are not blocked: each
// project is read-locked while it is encoded.
func (s *Store) FullSnapshot() (data []byte, covered uint64, err error) {
	// Records below covered are applied to their projects before any project is read: the
	// same order as Checkpoint (delivered, then queued, then applied).
	covered = min(s.log.Undelivered(), s.laneFloor())
	projects := s.liveProjects()
	b := append([]byte(fullSnapshotMagic), fullSnapshotVersion)
	b = binary.AppendUvarint(b, covered)
	b = binary.AppendUvarint(b, uint64(len(projects)))
	for _, lp := range projects {
		enc, _, err := lp.p.Checkpoint()
		if err != nil {
			return nil, 0, err
		}
		b = appendString(b, lp.cid)
		b = appendString(b, lp.p.ID())
		b = appendBytes(b, enc)
	}
	return b, covered, nil
}

// EmptyFullSnapshot is the full snapshot of no project, covering sequence 1: a store
// given it removes its snapshot files and replays its log from the first record.
func EmptyFullSnapshot() []byte {
	return append([]byte(fullSnapshotMagic), fullSnapshotVersion, 1, 0)
}

// fullProject is one project of a decoded full snapshot.
type fullProject struct {
	cid, pid string
	enc      []byte // model.Project.Checkpoint's encoding
}

// decodeFullSnapshot checks a full snapshot all through: every project decodes, with
// the id its header names, once.
func decodeFullSnapshot(data []byte) (covered uint64, projects []fullProject, err error) {
	bad := func(msg string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrFullSnapshot, fmt.Sprintf(msg, a...))
	}
	if !strings.HasPrefix(string(data), fullSnapshotMagic) {
		return 0, nil, bad("no magic")
	}
	r := reader{b: data[len(fullSnapshotMagic):]}
	if v := r.byte(); r.err == nil && v != fullSnapshotVersion {
		return 0, nil, bad("unknown version %d", v)
	}
	covered = r.uvarint()
	n := r.count(3)
	if r.err != nil {
		return 0, nil, bad("truncated header")
	}
	if covered == 0 {
		return 0, nil, bad("covers no sequence")
	}
	seen := make(map[[2]string]bool, n)
	for i := range n {
		fp := fullProject{cid: string(r.bytes()), pid: string(r.bytes()), enc: r.bytes()}
		if r.err != nil {
			return 0, nil, bad("project %d of %d truncated", i+1, n)
		}
		key := [2]string{fp.cid, fp.pid}
		if fp.cid == "" || fp.pid == "" || seen[key] {
			return 0, nil, bad("project %d: empty or repeated ids", i+1)
		}
		seen[key] = true
		p, err := model.UnmarshalProject(fp.enc)
		if err != nil {
			return 0, nil, bad("project %q of customer %q: %v", fp.pid, fp.cid, err)
		}
		if p.ID() != fp.pid {
			return 0, nil, bad("header names project %q, the state %q", fp.pid, p.ID())
		}
		projects = append(projects, fp)
	}
	if len(r.b) != 0 {
		return 0, nil, bad("%d bytes after the last project", len(r.b))
	}
	return covered, projects, nil
}

// InstallFullSnapshot makes data (a FullSnapshot, or nil for an empty state) the
// snapshot files of the store of opts.Dir, replacing every one there, and returns the
// sequence it covers (1 for nil): the store opened next on that directory resumes its log
// there. data is checked whole before any file is touched; a crash during the install
// leaves files of both states, so the caller must not record the resume point before it
// returns. The store must not be open.
func InstallFullSnapshot(opts Options, data []byte) (covered uint64, err error) {
	if opts.Dir == "" {
		return 0, errors.New("store: a full snapshot is installed in a data directory")
	}
	covered = 1
	var projects []fullProject
	if data != nil {
		if covered, projects, err = decodeFullSnapshot(data); err != nil {
			return 0, err
		}
	}
	s := &Store{fs: opts.FS, snap: filepath.Join(opts.Dir, "snapshots")}
	if s.fs == nil {
		s.fs = wal.OSFS{}
	}
	if err := s.fs.MkdirAll(s.snap, 0o700); err != nil {
		return 0, fmt.Errorf("cannot create snapshot directory %q: %w", s.snap, err)
	}
	entries, err := s.fs.ReadDir(s.snap)
	if err != nil {
		return 0, fmt.Errorf("cannot read snapshot directory %q: %w", s.snap, err)
	}
	for _, e := range entries {
		if err := s.fs.Remove(filepath.Join(s.snap, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return 0, fmt.Errorf("cannot remove %s: %w", e.Name(), err)
		}
	}
	for _, fp := range projects {
		if err := s.writeSnapshot(fp.cid, fp.pid, fp.enc); err != nil {
			return 0, err
		}
	}
	if err := s.fs.SyncDir(s.snap); err != nil {
		return 0, fmt.Errorf("cannot fsync snapshot directory %q: %w", s.snap, err)
	}
	return covered, nil
}
