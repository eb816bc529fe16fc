//go:build linux

package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/rawws"
)

// floodFiles is the limit of open files the flooded server runs under (prlimit).
const floodFiles = 700

// TestServeSurvivesConnectionFlood (issue 13 item 1, scaled down from 20 000 connections
// against 20 000 descriptors): a server process that may open 700 files is flooded with
// 1 500 connections from 20 addresses that upgrade and never authenticate. At start it
// fitted max_connections to its descriptors with the reserve; during the flood it keeps
// that reserve free (the log, snapshots and uploads can still open files), answers or
// closes the connections past its limits, and serves a customer connected before; once
// auth_timeout has closed the strangers' connections, new connections are served. After a
// restart, every row acknowledged is there.
func TestServeSurvivesConnectionFlood(t *testing.T) {
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		t.Skip("no prlimit to run the server under a small limit of open files")
	}
	dataDir := filepath.Join(t.TempDir(), "data")
	cfgPath := writeConfig(t, fmt.Sprintf(`
listen: "127.0.0.1:0"
admin_listen: "127.0.0.1:0"
data_dir: %q
customers:
  - {id: %s, secrets: [%q]}
  - {id: %s, secrets: [%q]}
limits: {auth_timeout: "8s", max_unauthenticated_connections_per_address: 40}
`, dataDir, testenv.CID1, testenv.Secret1, testenv.CID2, testenv.Secret2))
	cmd := command(t, "serve", "--config", cfgPath)
	cmd.Args = append([]string{prlimit, fmt.Sprintf("--nofile=%d", floodFiles)}, cmd.Args...)
	cmd.Path = prlimit
	p := startProcess(t, cmd)
	eff := p.waitLog(t, "effective limits", 30*time.Second)
	maxConns := floodFiles - 512
	if eff["open_files"] != float64(floodFiles) || eff["max_connections"] != float64(maxConns) {
		t.Fatalf("effective limits %v", eff)
	}
	started := p.waitLog(t, "symscore started", 30*time.Second)
	addr, _ := started["listen"].(string)
	admin, _ := started["admin_listen"].(string)
	b := testkit.NewBystander(t, addr, testenv.CID2, testenv.Secret2)
	metric := func(series string) float64 {
		_, text, err := httpGet("http://" + admin + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(text, "\n") {
			if v, ok := strings.CutPrefix(line, series+" "); ok {
				f, _ := strconv.ParseFloat(v, 64)
				return f
			}
		}
		return 0
	}

	// The flood: every connection asks for an upgrade and then says nothing.
	var conns []net.Conn
	for i := range 1500 {
		d := net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 1, byte(10+i%20))}}
		nc, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		conns = append(conns, nc)
		nc.Write([]byte(rawws.UpgradeRequest("/symetry/ws/learn")))
	}
	t.Cleanup(func() {
		for _, nc := range conns {
			nc.Close()
		}
	})
	fds := func() int {
		entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", p.cmd.Process.Pid))
		if err != nil {
			t.Fatal(err)
		}
		return len(entries)
	}
	// Every connection has been accepted and given its place or its refusal: the server
	// holds at most max_connections and the 256 being refused, well inside its files.
	maxUnauth := float64(maxConns / 2)
	testenv.Eventually(t, "every connection placed or refused", func() bool {
		refused := 0.0
		for _, limit := range []string{"max_connections", "max_unauthenticated_connections", "max_unauthenticated_connections_per_address"} {
			refused += metric(`symscore_refusals_total{limit="` + limit + `"}`)
		}
		return metric("symscore_unauthenticated_connections") == maxUnauth && refused == 1500-maxUnauth
	})
	peak := fds()
	b.Check()
	b.Check()
	if n := fds(); n > peak {
		peak = n
	}
	if peak > floodFiles-128 {
		t.Fatalf("the flooded server holds %d of its %d files: fewer than 128 left for the log and snapshots", peak, floodFiles)
	}
	t.Logf("flooded server: %d descriptors open of %d", peak, floodFiles)

	// auth_timeout closes the strangers' connections; then new connections are served.
	testenv.Eventually(t, "the strangers' connections closed", func() bool { return fds() < 64 })
	b.CheckNew()
	p.cmd.Process.Signal(syscall.SIGTERM)
	if exit, stderr := p.wait(t, 15*time.Second); exit != 0 || strings.Contains(stderr, "too many open files") ||
		strings.Contains(stderr, "accept failed") {
		t.Fatalf("exit %d:\n%s", exit, stderr)
	}

	// Restarted (without the small limit), the server has every row acknowledged.
	p2 := startServe(t, "--config", cfgPath)
	b.Addr, _ = p2.waitLog(t, "symscore started", 30*time.Second)["listen"].(string)
	b.Verify()
	p2.cmd.Process.Signal(syscall.SIGTERM)
	p2.wait(t, 15*time.Second)
}
