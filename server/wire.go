package server

import (
	"net"
	"time"

	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/restapi"
	"github.com/symscore/symscore/internal/rpcapi"
	"github.com/symscore/symscore/internal/wsapi"
	"github.com/symscore/symscore/internal/wsconn"
)

// The wiring: what the server is made of, and nothing else. Each transport is an adapter
// over the operations (package ops); the WebSocket ones run on the connection layer
// (package wsconn), REST on net/http. Both share one limiter of requests in flight and one
// budget of unverified bytes.

// inflightWait is how long a request waits for a slot when the server is at
// limits.max_inflight before it is refused.
const inflightWait = 2 * time.Second

// openService recovers the state and opens the operations (the recovery /readyz waits for).
func (s *Server) openService() (*ops.Service, error) {
	h := s.hooks
	return ops.Open(ops.Options{
		Config: s.cfg, Log: s.log, Metrics: s.metrics, Now: h.Now, FS: h.FS,
		Spawn: s.goroutine, BeforeBuild: h.BeforeBuild, BuildsStopped: h.BuildsStopped,
	})
}

// newMain makes the main listener's servers — WebSocket endpoints, the REST control plane
// (their metrics' series included) — and registers the closers that stop them (and the
// jobs) at shutdown; serve runs it until it is closed. Start calls newMain before it
// says the server is ready, so that nothing of it is missing then.
func (s *Server) newMain(ln net.Listener) (serve func()) {
	cfg, h, svc := s.cfg, s.hooks, s.svc
	inflight, unverified := h.Inflight, h.Unverified
	if inflight == nil {
		inflight = admit.NewLimiter(cfg.Limits.MaxInflight, inflightWait)
	}
	if unverified == nil {
		unverified = admit.NewBudget(cfg.Limits.MaxUnverifiedBytes)
	}
	l := newMainListener(ln, s.metrics, s.log, s.goroutine)
	l.wrap = h.WrapConn
	l.tls = cfg.TLS.Enabled()
	l.maxConns = int64(cfg.Limits.MaxConnections)
	l.handshakeTimeout = cfg.Limits.HandshakeTimeout

	endpoints := wsapi.Endpoints(wsapi.Options{Service: svc, Metrics: s.metrics, SignedFramesOnly: cfg.Auth.SignedFramesOnly})
	endpoints[rpcapi.Path] = rpcapi.NewEndpoint(rpcapi.Options{
		Service: svc, Metrics: s.metrics, Inflight: inflight, Unverified: unverified,
		MaxMessageBytes: cfg.Limits.MaxMessageBytes, MaxChunkBytes: cfg.Limits.MaxFrameBytes,
		RPCInflight: cfg.Limits.RPCInflight, Log: s.log,
	})
	if cfg.Testing.EchoEndpoint {
		endpoints[wsconn.EchoPath] = wsconn.Echo{}
	}
	for path, ep := range h.Endpoints {
		endpoints[path] = ep
	}
	l.ws = wsconn.NewServer(wsconn.Deps{
		Limits: wsconn.Limits{
			MaxFrameBytes:      cfg.Limits.MaxFrameBytes,
			MaxMessageBytes:    cfg.Limits.MaxMessageBytes,
			IdleTimeout:        cfg.Limits.IdleTimeout,
			WriteTimeout:       cfg.Limits.WriteTimeout,
			HandshakeTimeout:   cfg.Limits.HandshakeTimeout,
			OutboundQueueBytes: int(cfg.Limits.OutboundQueueBytes),
		},
		Inflight: inflight, Unverified: unverified, Tracker: l,
		Metrics: s.metrics, Spawn: s.goroutine, Log: s.log, TLS: l.tls,
	}, endpoints)
	rest := restapi.NewHandler(restapi.Options{
		Service: svc, Metrics: s.metrics, Inflight: inflight, Unverified: unverified,
		MaxBody: cfg.Limits.MaxMessageBytes, ReadTimeout: cfg.Limits.IdleTimeout,
		WriteTimeout: cfg.Limits.WriteTimeout, Upgrade: l.handBackUpgrade, Log: s.log, TLS: l.tls,
	})
	l.rest = l.newRESTServer(withDashboard(rest), cfg.Limits.IdleTimeout)

	// Closers run in this order: new builds are refused and running ones finish (their
	// models reach the store before it closes), then connections are stopped.
	s.onShutdown(svc.Shutdown)
	s.onShutdown(l.shutdown)
	return func() {
		s.goroutine(l.serveREST)
		l.acceptLoop()
	}
}
