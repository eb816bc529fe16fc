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
	// AuthTimeout: a connection whose session has not authenticated this long after its
	// upgrade is closed (1008), whatever it is sending.
	AuthTimeout time.Duration
}

// Tracker is what a Server tells the listener about its connections (for shutdown). Its
// methods are safe for concurrent use.
type Tracker interface {
	// Register adds an upgraded connection to the open set; false when the server is
	// stopping (the connection is then closed with 1001 at once). A registered connection
	// is stopped through Conn.Interrupt and, past the shutdown deadline, Conn.Abort.
	Register(c *Conn) bool
	// Unregister removes a registered connection, once, when it is done.
	Unregister(c *Conn)
	// Stopping reports whether shutdown has begun.
	Stopping() bool
}

// Admission is a connection's places under the listener's limits of connections
// (limits.max_connections, max_unauthenticated_connections and its per-address bound),
// given by the listener that accepted it. Its methods are safe for concurrent use.
type Admission interface {
	// Over says whether the connection was accepted past a limit (it is answered 503
	// and closed) or is to be served (NotOver).
	Over() Over
	// Authenticated frees the connection's places under the limits of unauthenticated
	// connections: the Server calls it when its session first reports Trusted.
	// Idempotent.
	Authenticated()
	// Release frees every place the connection holds: the Server calls it exactly once
	// per Serve, whatever happened.
	Release()
}

// Deps are everything a Server uses.
type Deps struct {
	Limits Limits
	// Inflight is the limiter of requests in flight (limits.max_inflight), shared with the
	// other transports: each message is handled within a slot.
	Inflight *admit.Limiter
	// Unverified bounds the bytes held before their signature can be checked
	// (limits.max_unverified_bytes, per address and per connection), shared with REST: a
	// session's messages count against it, as they arrive, until the session is Trusted.
	Unverified *admit.Unverified
	// InflightBytes is the budget of authenticated message bytes in flight
	// (limits.max_inflight_bytes), shared with REST: a Trusted session's messages count
	// against the budget its session names (a child of this one) or, if none, this one,
	// from their first byte until their reply is sent. Required.
	InflightBytes *admit.Budget
	Tracker       Tracker
	Metrics       *metrics.Set
	// Spawn starts a goroutine the server's shutdown waits for (flushers, Peer.Go).
	Spawn func(func())
	Log   *slog.Logger
	// TLS says the connections come through TLS: sessions see the scheme "wss" (the
	// service URL of signatures), not "ws".
	TLS bool
}

// refusals are the Metrics.Refusal counters a Server counts, resolved once.
type refusals struct {
	frame, message, inflight, outbound, handshakeTimeout, handshakeBytes, writeTimeout prometheus.Counter
	unverified, unverifiedAddress, unverifiedConnection, authTimeout                   prometheus.Counter
	inflightBytes, inflightBytesCustomer                                               prometheus.Counter
}

func newRefusals(m *metrics.Set) refusals {
	return refusals{
		frame:            m.Refusal(metrics.LimitMaxFrameBytes),
		message:          m.Refusal(metrics.LimitMaxMessageBytes),
		inflight:         m.Refusal(metrics.LimitMaxInflight),
		outbound:         m.Refusal(metrics.LimitOutboundQueue),
		handshakeTimeout: m.Refusal(metrics.LimitHandshakeTimeout),
		handshakeBytes:   m.Refusal(metrics.LimitHandshakeBytes),
		writeTimeout:     m.Refusal(metrics.LimitWriteTimeout),

		unverified:            m.Refusal(metrics.LimitUnverifiedBytes),
		unverifiedAddress:     m.Refusal(metrics.LimitUnverifiedBytesPerAddress),
		unverifiedConnection:  m.Refusal(metrics.LimitUnverifiedBytesPerConnection),
		authTimeout:           m.Refusal(metrics.LimitAuthTimeout),
		inflightBytes:         m.Refusal(metrics.LimitInflightBytes),
		inflightBytesCustomer: m.Refusal(metrics.LimitInflightBytesPerCustomer),
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
