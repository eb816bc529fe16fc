package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/symscore/symscore/config"
)

// Server is a running symscore: the main listener (WebSocket and REST) and the admin
// listener. Create it with New, start it with Start, stop it with Shutdown. Safe for
// concurrent use.
type Server struct {
	cfg     config.Config
	log     *slog.Logger
	metrics *Metrics

	ready    atomic.Bool
	stopping atomic.Bool

	mu       sync.Mutex // guards mainLn, adminLn, adminSrv, closers
	mainLn   net.Listener
	adminLn  net.Listener
	adminSrv *http.Server
	closers  []func(ctx context.Context) error

	wg sync.WaitGroup // every goroutine started through s.goroutine
}

// New checks nothing beyond what config.Validate already did; it prepares a server that
// Start brings up. cfg must have its defaults applied.
func New(cfg config.Config, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, log: log, metrics: newMetrics()}
	return s, nil
}

// Start opens both listeners, runs recovery, and returns once the server takes traffic
// (Ready reports true). It does not block.
func (s *Server) Start() error {
	adminLn, err := net.Listen("tcp", s.cfg.AdminListen)
	if err != nil {
		return fmt.Errorf("cannot listen on admin_listen %q: %w", s.cfg.AdminListen, err)
	}
	adminSrv := &http.Server{Handler: s.adminHandler(), ReadHeaderTimeout: 5 * time.Second}
	mainLn, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		adminLn.Close()
		return fmt.Errorf("cannot listen on listen %q: %w", s.cfg.Listen, err)
	}
	s.mu.Lock()
	s.adminLn, s.adminSrv, s.mainLn = adminLn, adminSrv, mainLn
	s.mu.Unlock()

	s.goroutine(func() {
		if err := adminSrv.Serve(adminLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("admin listener stopped", "err", err)
		}
	})
	s.goroutine(func() { s.serveMain(mainLn) })
	s.ready.Store(true)
	s.log.Info("symscore started", "listen", mainLn.Addr().String(), "admin_listen", adminLn.Addr().String())
	return nil
}

// Addr is the main listener's address (useful with port 0). Empty before Start.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mainLn == nil {
		return ""
	}
	return s.mainLn.Addr().String()
}

// AdminAddr is the admin listener's address. Empty before Start.
func (s *Server) AdminAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.adminLn == nil {
		return ""
	}
	return s.adminLn.Addr().String()
}

// Ready reports whether the server takes traffic: recovery done, listeners up, not stopping.
func (s *Server) Ready() bool { return s.ready.Load() && !s.stopping.Load() }

// onShutdown registers f to run during Shutdown, after the main listener is closed and
// before the admin listener is; closers run in registration order.
func (s *Server) onShutdown(f func(ctx context.Context) error) {
	s.mu.Lock()
	s.closers = append(s.closers, f)
	s.mu.Unlock()
}

// Shutdown stops accepting, lets registered closers finish in-flight work (WebSocket
// connections are closed with 1001 after their in-flight replies, REST requests finish,
// durability is flushed), then stops the admin listener and waits for every goroutine.
// It returns ctx's error if the deadline passes first.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stopping.Store(true)
	s.mu.Lock()
	mainLn, adminSrv, closers := s.mainLn, s.adminSrv, s.closers
	s.mu.Unlock()
	var errs []error
	if mainLn != nil {
		mainLn.Close()
	}
	for _, f := range closers {
		if err := f(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if adminSrv != nil {
		if err := adminSrv.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("shutdown deadline passed with goroutines running: %w", ctx.Err()))
	}
	return errors.Join(errs...)
}

// goroutine starts f tracked by the server, so Shutdown can wait for it.
func (s *Server) goroutine(f func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}
