package wal

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

const segmentSuffix = ".wal"

// segment is one file of the log.
type segment struct {
	first uint64 // LSN of its first record (from the file name)
	path  string
}

// segmentName is the file name of the segment whose first record is first: 20 decimal
// digits, so names sort like LSNs.
func segmentName(first uint64) string {
	return fmt.Sprintf("%020d%s", first, segmentSuffix)
}

// parseSegmentName returns the first LSN named by a segment file name.
func parseSegmentName(name string) (uint64, bool) {
	digits, ok := strings.CutSuffix(name, segmentSuffix)
	if !ok || len(digits) != 20 {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || n == 0 {
		return 0, false
	}
	return n, true
}

// listSegments returns the segments in dir in LSN order. Files not ending in .wal are
// ignored; a .wal file with any other name is an error.
func listSegments(fsys FS, dir string) ([]segment, error) {
	entries, err := fsys.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot list wal directory %q: %w", dir, err)
	}
	var segs []segment
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, segmentSuffix) {
			continue
		}
		first, ok := parseSegmentName(name)
		if !ok || e.IsDir() {
			return nil, fmt.Errorf("unexpected file %q in wal directory %q", name, dir)
		}
		segs = append(segs, segment{first: first, path: filepath.Join(dir, name)})
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].first < segs[j].first })
	return segs, nil
}
