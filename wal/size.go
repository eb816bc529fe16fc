package wal

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// SegmentBytes returns the bytes of the segment files (*.wal) in dir, the log's size on
// disk; 0 when dir does not exist. It reads the directory as it is: safe to call while a
// Log appends to it or truncates it (a segment removed meanwhile is not counted).
func SegmentBytes(fsys FS, dir string) (int64, error) {
	if fsys == nil {
		fsys = OSFS{}
	}
	entries, err := fsys.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("cannot list wal directory %q: %w", dir, err)
	}
	var n int64
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), segmentSuffix) {
			continue
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("cannot stat wal segment %q: %w", e.Name(), err)
		}
		n += info.Size()
	}
	return n, nil
}
