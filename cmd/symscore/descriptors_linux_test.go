//go:build linux

package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/symscore/symscore/config"
)

// TestServeFitsConnectionsToDescriptors: serve keeps max_connections below the
// descriptors it may open, with the reserve, and logs the effective limits.
func TestServeFitsConnectionsToDescriptors(t *testing.T) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		t.Fatal(err)
	}
	if rl.Max == ^uint64(0) || rl.Max > 10_000_000 {
		t.Skipf("hard limit of open files %d: nothing is lowered", rl.Max)
	}
	cfgPath := writeConfig(t, fmt.Sprintf(`
listen: "127.0.0.1:0"
admin_listen: "127.0.0.1:0"
data_dir: %q
limits: {max_connections: %d, max_unauthenticated_connections: %d}
`, filepath.Join(t.TempDir(), "data"), rl.Max+1000, rl.Max))
	p := startServe(t, "--config", cfgPath)
	eff := p.waitLog(t, "effective limits", 30*time.Second)
	want := float64(rl.Max - config.DescriptorReserve)
	if eff["max_connections"] != want || eff["max_unauthenticated_connections"] != float64(int(want)/2) ||
		eff["open_files"] != float64(rl.Max) || eff["replay_predict"] != true {
		t.Fatalf("effective limits %v; want max_connections %v for %d open files", eff, want, rl.Max)
	}
	p.waitLog(t, "symscore started", 30*time.Second)
	p.cmd.Process.Signal(syscall.SIGTERM)
	if exit, stderr := p.wait(t, 15*time.Second); exit != 0 || !strings.Contains(stderr, "symscore stopped") {
		t.Fatalf("exit %d:\n%s", exit, stderr)
	}
}
