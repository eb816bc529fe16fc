package wal

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSegmentBytes: the sizes of the *.wal files only; a missing directory is 0.
func TestSegmentBytes(t *testing.T) {
	dir := t.TempDir()
	if n, err := SegmentBytes(nil, filepath.Join(dir, "none")); n != 0 || err != nil {
		t.Fatalf("missing directory: %d %v", n, err)
	}
	for name, size := range map[string]int{segmentName(1): 100, segmentName(7): 23, "LOCK": 5, "notes.txt": 1000} {
		if err := os.WriteFile(filepath.Join(dir, name), make([]byte, size), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub.wal"), 0o700); err != nil {
		t.Fatal(err)
	}
	if n, err := SegmentBytes(OSFS{}, dir); n != 123 || err != nil {
		t.Fatalf("SegmentBytes %d %v, want 123", n, err)
	}
}
