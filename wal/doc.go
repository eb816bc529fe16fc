// Package wal is a segmented, checksummed write-ahead log with group commit, and atomic file
// replacement for snapshots.
package wal
