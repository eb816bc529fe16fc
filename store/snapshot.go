package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/wal"
)

const (
	snapshotMagic  = "SYMS"
	snapshotSuffix = ".snap"
)

// snapshotPath names the snapshot file of a project by a hash of its customer and id, which
// may hold any printable character; the file itself holds both in full.
func (s *Store) snapshotPath(cid, pid string) string {
	h := sha256.New()
	h.Write([]byte(cid))
	h.Write([]byte{0})
	h.Write([]byte(pid))
	return filepath.Join(s.snap, hex.EncodeToString(h.Sum(nil)[:16])+snapshotSuffix)
}

// writeSnapshot makes data (the project's Checkpoint encoding) its durable snapshot.
// Caller holds fileMu.
func (s *Store) writeSnapshot(cid, pid string, data []byte) error {
	b := make([]byte, 0, len(snapshotMagic)+len(cid)+len(pid)+len(data)+20)
	b = append(b, snapshotMagic...)
	b = appendString(b, cid)
	b = appendString(b, pid)
	b = append(b, data...)
	return wal.WriteFileAtomic(s.fs, s.snapshotPath(cid, pid), b)
}

// removeSnapshot deletes the project's snapshot file durably. Caller holds fileMu.
func (s *Store) removeSnapshot(cid, pid string) error {
	if err := s.fs.Remove(s.snapshotPath(cid, pid)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot remove snapshot of project %q: %w", pid, err)
	}
	if err := s.fs.SyncDir(s.snap); err != nil {
		return fmt.Errorf("cannot fsync snapshot directory %q: %w", s.snap, err)
	}
	return nil
}

// snapshotFile is one decoded snapshot file.
type snapshotFile struct {
	path     string
	cid, pid string
	project  *model.Project
}

// readSnapshots reads every snapshot file, after removing temporary files a crash left.
func (s *Store) readSnapshots() ([]snapshotFile, error) {
	if err := s.fs.MkdirAll(s.snap, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create snapshot directory %q: %w", s.snap, err)
	}
	removed, err := wal.RemoveTempFiles(s.fs, s.snap)
	if err != nil {
		return nil, err
	}
	for _, p := range removed {
		s.slog.Warn("store: removed a snapshot a crash left half-written", "file", p)
	}
	entries, err := s.fs.ReadDir(s.snap)
	if err != nil {
		return nil, fmt.Errorf("cannot read snapshot directory %q: %w", s.snap, err)
	}
	var out []snapshotFile
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), snapshotSuffix) {
			continue
		}
		path := filepath.Join(s.snap, e.Name())
		sf, err := s.readSnapshot(path)
		if err != nil {
			if !s.opts.Repair {
				return nil, err
			}
			s.slog.Error("store: repair: setting aside a snapshot that cannot be read", "file", path, "err", err)
			if err := s.fs.Rename(path, path+".corrupt"); err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, sf)
	}
	return out, nil
}

func (s *Store) readSnapshot(path string) (snapshotFile, error) {
	sf := snapshotFile{path: path}
	data, err := wal.ReadFile(s.fs, path)
	if err != nil {
		return sf, fmt.Errorf("store: snapshot %s: %w", path, err)
	}
	bad := func(msg string) error { return &RecoveryError{File: path, Msg: msg} }
	if !strings.HasPrefix(string(data), snapshotMagic) {
		return sf, bad("not a snapshot")
	}
	r := reader{b: data[len(snapshotMagic):]}
	sf.cid, sf.pid = string(r.bytes()), string(r.bytes())
	if r.err != nil {
		return sf, bad("truncated header")
	}
	if s.snapshotPath(sf.cid, sf.pid) != path {
		return sf, bad(fmt.Sprintf("holds project %q of customer %q, which belongs in another file", sf.pid, sf.cid))
	}
	p, err := model.UnmarshalProject(r.b)
	if err != nil {
		return sf, bad(err.Error())
	}
	if p.ID() != sf.pid {
		return sf, bad(fmt.Sprintf("header names project %q, the state %q", sf.pid, p.ID()))
	}
	sf.project = p
	return sf, nil
}
