package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/symscore/symscore/wal"
)

// resumeFile is the name, in Options.Dir, of the node's resume point.
const resumeFile = "resume"

// resumePoint says where a node's local snapshots leave the stream: every record below
// Next is in them (or changed nothing). It names the stream by its name and creation
// date, so that the snapshots of a stream deleted and made again are not taken for its
// own.
type resumePoint struct {
	Stream  string    `json:"stream"`
	Created time.Time `json:"created"`
	Next    uint64    `json:"next"`
}

// readResume reads the resume point of dir; ok is false when there is none (a new node,
// or one whose snapshots are being replaced).
func readResume(dir string) (r resumePoint, ok bool, err error) {
	data, err := wal.ReadFile(nil, filepath.Join(dir, resumeFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return r, false, nil
	case err != nil:
		return r, false, fmt.Errorf("cluster: resume point: %w", err)
	}
	if err := json.Unmarshal(data, &r); err != nil || r.Next == 0 {
		return r, false, fmt.Errorf("cluster: resume point %s does not decode", filepath.Join(dir, resumeFile))
	}
	return r, true, nil
}

// writeResume makes r the resume point of dir, durably (wal.WriteFileAtomic).
func writeResume(dir string, r resumePoint) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := (wal.OSFS{}).MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return wal.WriteFileAtomic(nil, filepath.Join(dir, resumeFile), data)
}

// removeResume removes the resume point of dir durably: until the snapshots that replace
// the local ones are written, the node has none.
func removeResume(dir string) error {
	fsys := wal.OSFS{}
	if err := fsys.Remove(filepath.Join(dir, resumeFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cluster: cannot remove the resume point: %w", err)
	}
	if err := fsys.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return fsys.SyncDir(dir)
}
