package upload

import (
	"errors"
	"os"
	"syscall"
)

// allocate gives f size bytes of disk at once (fallocate), so that writing its chunks
// later cannot run out of space; where the file system cannot, the file is only extended.
// A full disk is errNoSpace.
func allocate(f *os.File, size int64) error {
	err := syscall.Fallocate(int(f.Fd()), 0, 0, size)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, syscall.ENOSPC):
		return errNoSpace
	case errors.Is(err, syscall.EOPNOTSUPP), errors.Is(err, syscall.ENOSYS), errors.Is(err, syscall.EINVAL):
		return f.Truncate(size)
	}
	return err
}
