//go:build !linux

package upload

import "os"

// allocate extends f to size bytes (this system has no fallocate here: the space is
// counted against limits.max_upload_disk_bytes, not taken on the disk at once).
func allocate(f *os.File, size int64) error { return f.Truncate(size) }
