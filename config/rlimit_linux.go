//go:build linux

package config

import (
	"fmt"
	"syscall"
)

// raiseDescriptorLimit sets the soft RLIMIT_NOFILE to the hard one and returns the soft
// limit before and after. When the hard limit cannot be reached (it may exceed the
// kernel's nr_open), the soft limit stays as it was.
func raiseDescriptorLimit() (was, now uint64, err error) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, 0, fmt.Errorf("cannot read the limit of open files: %w", err)
	}
	was = rl.Cur
	if rl.Cur < rl.Max {
		raised := rl
		raised.Cur = rl.Max
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised) == nil {
			rl = raised
		}
	}
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return was, 0, fmt.Errorf("cannot read the limit of open files: %w", err)
	}
	return was, rl.Cur, nil
}
