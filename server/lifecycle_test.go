package server

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/testenv"
)

// The tests of the lifecycle's internals: closers and tracked goroutines.

// lifecycleConfig is a valid configuration listening on loopback port 0 for both listeners.
func lifecycleConfig(t *testing.T) config.Config {
	t.Helper()
	c := config.Default()
	c.Listen, c.AdminListen = "127.0.0.1:0", "127.0.0.1:0"
	c.DataDir = t.TempDir()
	c.Customers = []config.Customer{{ID: testenv.CID1, Secrets: []string{testenv.Secret1}}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestShutdownRunsClosersInOrderAndReportsTheirErrors(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, err := New(lifecycleConfig(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	var order []int
	boom := errors.New("boom")
	s.onShutdown(func(context.Context) error { order = append(order, 1); return boom })
	s.onShutdown(func(context.Context) error { order = append(order, 2); return nil })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, boom) {
		t.Errorf("Shutdown = %v, want the closer's error", err)
	}
	if len(order) != 2 || order[0] != 1 || order[1] != 2 {
		t.Errorf("closers ran in order %v, want [1 2]", order)
	}
}

func TestShutdownDeadline(t *testing.T) {
	s, err := New(lifecycleConfig(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	s.goroutine(func() { <-release }) // a goroutine that outlives the deadline
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v, want the deadline", err)
	}
	close(release)
}

func TestReadyzOnlyWhileReady(t *testing.T) {
	s, err := New(lifecycleConfig(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	h := s.adminHandler()
	readyz := func() int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
		return rec.Code
	}
	if code := readyz(); code != http.StatusServiceUnavailable {
		t.Errorf("before Start: /readyz %d, want 503", code)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if code := readyz(); code != http.StatusOK {
		t.Errorf("after Start: /readyz %d, want 200", code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if code := readyz(); code != http.StatusServiceUnavailable {
		t.Errorf("after Shutdown: /readyz %d, want 503", code)
	}
}
