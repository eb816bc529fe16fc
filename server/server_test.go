package server_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/server"
)

// testConfig is a valid configuration listening on loopback port 0 for both listeners.
func testConfig(t *testing.T) config.Config {
	t.Helper()
	c := config.Default()
	c.Listen, c.AdminListen = "127.0.0.1:0", "127.0.0.1:0"
	c.DataDir = t.TempDir()
	c.Customers = []config.Customer{{ID: "c1", Secrets: []string{"A1ciUrDJgm5LIJU710bxeQ=="}}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return c
}

// startServer starts a server and shuts it down when the test ends.
func startServer(t *testing.T) *server.Server {
	t.Helper()
	s, err := server.New(testConfig(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { shutdown(t, s) })
	return s
}

func shutdown(t *testing.T, s *server.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

func TestStartAndShutdown(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, err := server.New(testConfig(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Ready() || s.Addr() != "" || s.AdminAddr() != "" {
		t.Fatalf("before Start: Ready %v, Addr %q, AdminAddr %q", s.Ready(), s.Addr(), s.AdminAddr())
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if !s.Ready() {
		t.Error("not Ready after Start returned")
	}
	for _, addr := range []string{s.Addr(), s.AdminAddr()} {
		if !strings.HasPrefix(addr, "127.0.0.1:") || strings.HasSuffix(addr, ":0") {
			t.Errorf("address %q: want the bound loopback port", addr)
		}
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("dial %s: %v", addr, err)
		}
		c.Close()
	}
	if err := s.Start(); err == nil {
		t.Error("second Start succeeded")
	}
	shutdown(t, s)
	if s.Ready() {
		t.Error("Ready after Shutdown")
	}
	for _, addr := range []string{s.Addr(), s.AdminAddr()} {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			t.Errorf("%s still accepts after Shutdown", addr)
		}
	}
	shutdown(t, s) // a second Shutdown returns the first one's result
	if err := s.Start(); err == nil {
		t.Error("Start after Shutdown succeeded")
	}
}

func TestStartFailsOnBusyPortAndReleasesAdmin(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cfg := testConfig(t)
	cfg.Listen = busy.Addr().String()
	s, err := server.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Start()
	if err == nil || !strings.Contains(err.Error(), "cannot listen on listen") {
		t.Fatalf("Start on a busy port: %v", err)
	}
	if s.Ready() {
		t.Error("Ready after a failed Start")
	}
	if c, err := net.Dial("tcp", s.AdminAddr()); err == nil {
		c.Close()
		t.Errorf("admin listener %s still open after a failed Start", s.AdminAddr())
	}
	shutdown(t, s)
}
