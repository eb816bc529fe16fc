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

	"github.com/prometheus/client_golang/prometheus"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/metrics"
	"github.com/symscore/symscore/internal/ops"
)

// Server is a running symscore: the main listener (WebSocket and REST) and the admin
// listener. Create it with New, start it with Start, stop it with Shutdown; a Server runs
// once. Safe for concurrent use.
//
// Lifecycle: New → Start (admin listener up, recovery, main listener up, Ready) →
// Shutdown (not Ready, main listener closed, closers, admin listener closed, goroutines
// waited for).
type Server struct {
	cfg     config.Config // defaults applied
	log     *slog.Logger
	metrics *metrics.Set
	hooks   Hooks
	svc     *ops.Service // set by Start before the main listener opens; closed by Shutdown

	ready    atomic.Bool
	stopping atomic.Bool

	mu       sync.Mutex // guards started, mainLn, adminLn, adminSrv, closers, certs
	started  bool
	certs    *certStore // the main listener's certificate; nil without TLS
	mainLn   net.Listener
	adminLn  net.Listener
	adminSrv *http.Server
	closers  []func(ctx context.Context) error

	wg sync.WaitGroup // every goroutine started through s.goroutine

	shutdownOnce sync.Once
	shutdownDone chan struct{} // closed when the first Shutdown returns
	shutdownErr  error         // written before shutdownDone is closed
}

// New checks nothing beyond what config.Validate already did; it prepares a server that
// Start brings up. cfg must have its defaults applied. A nil log discards logging. opts
// are for tests (WithHooks).
func New(cfg config.Config, log *slog.Logger, opts ...Option) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg.ApplyDefaults()
	s := &Server{cfg: cfg, log: log, metrics: metrics.New(), shutdownDone: make(chan struct{})}
	for _, o := range opts {
		o(&s.hooks)
	}
	s.metrics.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "symscore_ready", Help: "1 when the server takes traffic (as /readyz), else 0."},
		func() float64 {
			if s.Ready() {
				return 1
			}
			return 0
		}))
	// The state gauges: 0 until recovery is done.
	s.metrics.SetState(func() metrics.State {
		s.mu.Lock()
		svc, certs := s.svc, s.certs
		s.mu.Unlock()
		var st metrics.State
		if svc != nil {
			st = svc.State()
		}
		if certs != nil {
			st.TLSCertNotAfter = certs.notAfter()
		}
		return st
	})
	return s, nil
}

// Start opens the admin listener, then the main listener, and returns once the server
// takes traffic (Ready reports true). It does not block. The admin listener comes first so
// that /healthz answers, and /readyz says 503, during whatever must finish before traffic.
// It logs "symscore started" with the actual addresses (attributes listen and
// admin_listen), which matter with port 0, and whether the main listener serves TLS
// (attribute tls; then tls.cert_file and tls.key_file must load, or Start fails). It fails if the server was started or shut
// down before; when it fails it closes what it opened.
func (s *Server) Start() error {
	s.mu.Lock()
	if s.started || s.stopping.Load() {
		s.mu.Unlock()
		return errors.New("server: Start called twice or after Shutdown")
	}
	s.started = true
	s.mu.Unlock()

	adminLn, err := net.Listen("tcp", s.cfg.AdminListen)
	if err != nil {
		return fmt.Errorf("cannot listen on admin_listen %q: %w", s.cfg.AdminListen, err)
	}
	adminSrv := newAdminServer(s.adminHandler())
	if err := s.publish(func() { s.adminLn, s.adminSrv = adminLn, adminSrv }); err != nil {
		adminLn.Close()
		return err
	}
	s.goroutine(func() {
		if err := adminSrv.Serve(adminLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("admin listener stopped", "err", err)
		}
	})

	// Recovery of the state (snapshots, then the write-ahead log) happens here, between the
	// two listeners: /healthz answers and /readyz says 503 meanwhile.
	svc, err := s.openService()
	if err != nil {
		adminSrv.Close()
		return err
	}
	if err := s.publish(func() { s.svc = svc }); err != nil {
		svc.Close()
		return err
	}

	var certs *certStore
	if s.cfg.TLS.Enabled() {
		if certs, err = newCertStore(s.cfg.TLS.CertFile, s.cfg.TLS.KeyFile); err != nil {
			adminSrv.Close()
			svc.Close()
			return err
		}
	}
	mainLn, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		adminSrv.Close()
		svc.Close()
		return fmt.Errorf("cannot listen on listen %q: %w", s.cfg.Listen, err)
	}
	if certs != nil {
		mainLn = tlsListener(mainLn, certs)
	}
	if err := s.publish(func() { s.mainLn, s.certs = mainLn, certs }); err != nil {
		mainLn.Close()
		return err
	}
	s.goroutine(s.newMain(mainLn))
	s.ready.Store(true)
	s.log.Info("symscore started", "listen", mainLn.Addr().String(), "admin_listen", adminLn.Addr().String(),
		"tls", certs != nil)
	return nil
}

// publish runs set under s.mu unless Shutdown has begun, so that Shutdown sees every
// listener Start opened, or Start sees the shutdown and closes the listener itself.
func (s *Server) publish(set func()) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping.Load() {
		return errors.New("server: shut down during Start")
	}
	set()
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

// Ready reports whether the server takes traffic: recovery done, listeners up, not
// stopping, and durability working (after a failed write or fsync, learn and forget are
// refused until a restart).
func (s *Server) Ready() bool {
	if !s.ready.Load() || s.stopping.Load() {
		return false
	}
	s.mu.Lock()
	svc := s.svc
	s.mu.Unlock()
	return svc != nil && svc.Healthy()
}

// restartNeeded is the service's failure that only a restart mends, or nil (before the
// service opens too).
func (s *Server) restartNeeded() error {
	s.mu.Lock()
	svc := s.svc
	s.mu.Unlock()
	if svc == nil {
		return nil
	}
	return svc.RestartNeeded()
}

// onShutdown registers f to run during Shutdown, after the main listener is closed and
// before the admin listener is; closers run in registration order, each with Shutdown's
// ctx, and every one runs even if an earlier one failed.
func (s *Server) onShutdown(f func(ctx context.Context) error) {
	s.mu.Lock()
	s.closers = append(s.closers, f)
	s.mu.Unlock()
}

// Shutdown stops accepting, lets registered closers finish in-flight work (WebSocket
// connections are closed with 1001 after their in-flight replies, REST requests finish,
// durability is flushed), then stops the admin listener and waits for every goroutine.
// It returns ctx's error if the deadline passes first. /readyz answers 503 from its first
// moment. Later calls wait for the first one to finish (or for their own ctx) and return
// its result.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutdownOnce.Do(func() {
		s.shutdownErr = s.shutdown(ctx)
		close(s.shutdownDone)
	})
	select {
	case <-s.shutdownDone:
		return s.shutdownErr
	case <-ctx.Done():
		return fmt.Errorf("shutdown still running: %w", ctx.Err())
	}
}

func (s *Server) shutdown(ctx context.Context) error {
	s.mu.Lock() // after this, publish refuses: the listeners read here are all there are
	s.stopping.Store(true)
	mainLn, adminLn, adminSrv, closers, svc := s.mainLn, s.adminLn, s.adminSrv, s.closers, s.svc
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
	// Every connection is done (or past the deadline): make the state durable.
	if svc != nil {
		if err := svc.Close(); err != nil {
			errs = append(errs, fmt.Errorf("closing the store: %w", err))
		}
	}
	if adminSrv != nil {
		if err := adminSrv.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
	} else if adminLn != nil {
		adminLn.Close()
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("shutdown deadline passed with goroutines running: %w", ctx.Err()))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	s.log.Info("symscore stopped")
	return nil
}

// goroutine starts f tracked by the server, so Shutdown can wait for it.
func (s *Server) goroutine(f func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}
