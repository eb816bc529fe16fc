//go:build linux

package config

import (
	"syscall"
	"testing"
)

// TestFitDescriptorsRaisesTheSoftLimit: a soft limit below the hard one is raised to it.
func TestFitDescriptorsRaisesTheSoftLimit(t *testing.T) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		t.Fatal(err)
	}
	if rl.Max < 2*(DescriptorReserve+MinConnections) || rl.Max == ^uint64(0) {
		t.Skipf("hard limit %d: nothing to test here", rl.Max)
	}
	low := rl
	low.Cur = rl.Max / 2
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
		t.Skipf("cannot lower the soft limit: %v", err)
	}
	l := Limits{MaxConnections: int(rl.Max), MaxUnauthenticatedConnections: 4096}
	d, err := l.FitDescriptors()
	if err != nil {
		t.Fatal(err)
	}
	if d.Was != low.Cur || d.Limit != rl.Max {
		t.Fatalf("limit %d (was %d), want %d (was %d)", d.Limit, d.Was, rl.Max, low.Cur)
	}
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur != rl.Max {
		t.Fatalf("soft limit %d after FitDescriptors, hard %d (%v)", rl.Cur, rl.Max, err)
	}
	if l.MaxConnections != int(rl.Max)-DescriptorReserve || len(d.Lowered) == 0 {
		t.Fatalf("max_connections %d for %d descriptors; notes %q", l.MaxConnections, rl.Max, d.Lowered)
	}
}
