//go:build !unix

package wal

import (
	"errors"
	"os"
)

var errWouldBlock = errors.New("wal: lock would block")

// lockFile is a no-op where flock is unavailable: the directory is not protected against a
// second process.
func lockFile(f *os.File) error { return nil }
