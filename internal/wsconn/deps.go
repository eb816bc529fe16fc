package wsconn

import (
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/metrics"
)

// Limits bound every connection of a Server (the configuration's limits.*, defaults
// applied).
type Limits struct {
	MaxFrameBytes      int64         // a larger frame is refused (1009) before it is read
	MaxMessageBytes    int64         // a larger reassembled message is refused (1009)
	IdleTimeout        time.Duration // no frame for this long (to within 1/16): closed with 1001
	WriteTimeout       time.Duration // bound on one write of the outbound queue
	HandshakeTimeout   time.Duration // bound on the upgrade
	OutboundQueueBytes int           // bytes queued for a client before it is closed as slow
}

// Tracker is what a Server tells the listener about its connections (for shutdown and
// limits.max_connections). Its methods are safe for concurrent use.
type Tracker interface {
	// Register adds an upgraded connection to the open set; false when the server is
	// stopping (the connection is then closed with 1001 at once). A registered connection
	// is stopped through Conn.Interrupt and, past the shutdown deadline, Conn.Abort.
	Register(c *Conn) bool
	// Unregister removes a registered connection, once, when it is done.
	Unregister(c *Conn)
	// Stopping reports whether shutdown has begun.
	Stopping() bool
	// Release frees the connection's place under limits.max_connections: called exactly
	// once per Serve, whatever happened.
	Release()
}

// Deps are everything a Server uses.
type Deps struct {
	Limits Limits
	// Inflight is the limiter of requests in flight (limits.max_inflight), shared with the
	// other transports: each message is handled within a slot.
	Inflight *admit.Limiter
	// Unverified is the budget of bytes held before their signature can be checked
	// (limits.max_unverified_bytes), shared with REST: a session's messages count against
	// it until the session is Trusted.
	Unverified *admit.Budget
	Tracker    Tracker
	Metrics    *metrics.Set
	// Spawn starts a goroutine the server's shutdown waits for (flushers, Peer.Go).
	Spawn func(func())
	Log   *slog.Logger
	// TLS says the connections come through TLS: sessions see the scheme "wss" (the
	// service URL of signatures), not "ws".
	TLS bool
}

// refusals are the Metrics.Refusal counters a Server counts, resolved once.
type refusals struct {
	frame, message, inflight, outbound, handshakeTimeout, handshakeBytes, unverified, writeTimeout prometheus.Counter
}

func newRefusals(m *metrics.Set) refusals {
	return refusals{
		frame:            m.Refusal(metrics.LimitMaxFrameBytes),
		message:          m.Refusal(metrics.LimitMaxMessageBytes),
		inflight:         m.Refusal(metrics.LimitMaxInflight),
		outbound:         m.Refusal(metrics.LimitOutboundQueue),
		handshakeTimeout: m.Refusal(metrics.LimitHandshakeTimeout),
		handshakeBytes:   m.Refusal(metrics.LimitHandshakeBytes),
		unverified:       m.Refusal(metrics.LimitUnverifiedBytes),
		writeTimeout:     m.Refusal(metrics.LimitWriteTimeout),
	}
}

// Server serves the WebSocket connections of one listener: it routes each upgrade to the
// endpoint of its path. Safe for concurrent use.
type Server struct {
	d       Deps
	routes  map[string]*route
	refused refusals
}

// route is a registered path.
type route struct {
	path string
	ep   Endpoint
	m    *metrics.Route
}

// NewServer makes the server of endpoints, by path (each must start with PathPrefix).
func NewServer(d Deps, endpoints map[string]Endpoint) *Server {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{d: d, routes: make(map[string]*route, len(endpoints)), refused: newRefusals(d.Metrics)}
	for path, ep := range endpoints {
		s.routes[path] = &route{path: path, ep: ep, m: d.Metrics.Route(path)}
	}
	return s
}
