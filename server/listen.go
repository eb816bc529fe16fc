package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/symscore/symscore/config"
)

const (
	// overLimitSlack is how many connections past limits.max_connections are still read
	// and answered 503; beyond that, new connections are closed at once, unanswered.
	overLimitSlack = 256
	// inflightWait is how long a connection waits for a slot when the server is at
	// limits.max_inflight before its message is refused (wsSession.refuse).
	inflightWait = 2 * time.Second
	// closeLinger is how long a connection that sent a close frame waits for the client's
	// before it closes TCP.
	closeLinger = time.Second
	// maxAcceptDelay bounds the back-off after a failed Accept.
	maxAcceptDelay = time.Second
)

// mainListener is the state of the main listener: WebSocket routes, the REST server, the
// limits shared by all connections, and the open WebSocket connections (for shutdown).
type mainListener struct {
	s      *Server
	ln     net.Listener
	limits config.Limits // defaults applied
	routes map[string]*wsRoute
	hooks  *connHooks

	rest   *http.Server
	restLn *memListener

	inflight   chan struct{} // semaphore of limits.max_inflight
	unverified *byteBudget   // limits.max_unverified_bytes, shared by WebSocket and REST
	metrics    *wsMetrics
	refused    map[string]prometheus.Counter // Metrics.Refusals by limit, resolved once

	open     atomic.Int64 // client connections in any phase (handshake, WebSocket, REST)
	stopping atomic.Bool
	stop     chan struct{} // closed when shutdown begins

	mu      sync.Mutex // guards conns, allDone
	conns   map[*wsConn]struct{}
	allDone chan struct{} // made by shutdown; closed once conns is empty
}

// wsRoute is a registered WebSocket path.
type wsRoute struct {
	path                   string
	ep                     wsEndpoint
	frames, messages, sent prometheus.Counter
}

// serveMain accepts connections on the main listener until it is closed. Each connection is
// read up to its request line: GET requests on a /symetry/ws/ path are upgraded to
// WebSocket (upgradeWS) and served by the connection loop (wsConn.serve); everything else is
// handed to the REST server (s.restHandler) with the bytes already read.
func (s *Server) serveMain(ln net.Listener) {
	l := newMainListener(s, ln)
	s.onShutdown(l.shutdown)
	s.goroutine(l.serveREST)
	l.acceptLoop()
}

func newMainListener(s *Server, ln net.Listener) *mainListener {
	cfg := s.cfg
	cfg.ApplyDefaults()
	l := &mainListener{
		s:          s,
		ln:         ln,
		limits:     cfg.Limits,
		routes:     make(map[string]*wsRoute),
		hooks:      hooksFor(s),
		inflight:   make(chan struct{}, cfg.Limits.MaxInflight),
		unverified: &byteBudget{limit: cfg.Limits.MaxUnverifiedBytes},
		metrics:    newWSMetrics(s.metrics),
		refused:    make(map[string]prometheus.Counter),
		stop:       make(chan struct{}),
		conns:      make(map[*wsConn]struct{}),
	}
	for _, name := range []string{limitMaxConnections, limitMaxFrameBytes, limitMaxMessageBytes,
		limitMaxInflight, limitOutboundQueue, limitHandshakeTimeout, limitHandshakeBytes, limitUnverifiedBytes, limitWriteTimeout} {
		l.refused[name] = s.metrics.Refusals.WithLabelValues(name)
	}
	eps := s.wsEndpoints()
	if cfg.Testing.EchoEndpoint {
		eps[echoPath] = echoEndpoint{}
	}
	for path, ep := range l.hooks.endpoints {
		eps[path] = ep
	}
	for path, ep := range eps {
		l.routes[path] = &wsRoute{
			path:     path,
			ep:       ep,
			frames:   l.metrics.framesReceived.WithLabelValues(path),
			messages: l.metrics.messagesReceived.WithLabelValues(path),
			sent:     l.metrics.messagesSent.WithLabelValues(path),
		}
	}
	l.restLn = newMemListener(ln.Addr())
	l.rest = l.newRESTServer()
	l.hooks.listener.Store(l)
	return l
}

// acceptLoop accepts until the listener is closed, backing off after other errors (e.g. out
// of file descriptors) as net/http does.
func (l *mainListener) acceptLoop() {
	// The listener closes only at shutdown. Stopping here too covers a Shutdown that read
	// its closers before serveMain registered this listener's.
	defer l.stopAll()
	defer l.restLn.Close() // no more connections for the REST server
	var delay time.Duration
	for {
		nc, err := l.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || l.stopping.Load() {
				return
			}
			delay = min(max(2*delay, 5*time.Millisecond), maxAcceptDelay)
			l.s.log.Warn("accept failed; retrying", "err", err, "delay", delay)
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-l.stop:
				t.Stop()
				return
			}
			continue
		}
		delay = 0
		n := l.open.Add(1)
		limit := int64(l.limits.MaxConnections)
		if n > limit+overLimitSlack {
			l.open.Add(-1)
			l.refuse(limitMaxConnections)
			nc.Close()
			continue
		}
		l.s.goroutine(func() { l.serveConn(nc, n > limit) })
	}
}

// refuse counts a refusal by limit.
func (l *mainListener) refuse(limit string) { l.refused[limit].Inc() }

// serveConn reads the request line of a new connection and routes it. over: the connection
// was accepted past limits.max_connections and is to be answered 503.
func (l *mainListener) serveConn(nc net.Conn, over bool) {
	if l.hooks.wrapConn != nil {
		nc = l.hooks.wrapConn(nc)
	}
	if over {
		l.refuse(limitMaxConnections)
	}
	r := &connReader{}
	r.init(nc)
	nc.SetDeadline(time.Now().Add(l.limits.HandshakeTimeout))
	line, err := peekLine(r)
	switch {
	case err != nil && !errors.Is(err, errReadBufferFull):
		if isTimeout(err) {
			l.refuse(limitHandshakeTimeout)
		}
		r.releaseAll()
		nc.Close()
		l.open.Add(-1)
	case err == nil && isWebSocketRequestLine(line):
		l.upgradeWS(nc, r, over) // owns the connection from here
	default:
		nc.SetDeadline(time.Time{})
		l.handoffREST(nc, r, over)
	}
}

// register adds an upgraded connection to the open set; it reports false when the server
// is stopping.
func (l *mainListener) register(c *wsConn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopping.Load() {
		return false
	}
	l.conns[c] = struct{}{}
	l.s.metrics.OpenConnections.Inc()
	return true
}

func (l *mainListener) unregister(c *wsConn) {
	l.mu.Lock()
	if _, ok := l.conns[c]; ok {
		delete(l.conns, c)
		l.s.metrics.OpenConnections.Dec()
	}
	if len(l.conns) == 0 && l.allDone != nil {
		close(l.allDone)
		l.allDone = nil
	}
	l.mu.Unlock()
}

// stopAll starts stopping every WebSocket connection: each finishes the message in hand,
// sends its reply and closes with 1001. Idempotent; it does not wait.
func (l *mainListener) stopAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopping.Load() {
		return
	}
	l.stopping.Store(true)
	close(l.stop)
	// Wake every reader: one blocked in a read returns at once; one handling a message
	// sees stopping before its next read.
	for c := range l.conns {
		c.nc.SetReadDeadline(aLongTimeAgo)
	}
}

// shutdown stops the main listener's connections (the listener itself is closed already):
// WebSocket connections finish the message in hand, send its reply and close with 1001; the
// REST server finishes its requests. Past ctx's deadline, connections are closed at once.
func (l *mainListener) shutdown(ctx context.Context) error {
	restErr := make(chan error, 1)
	go func() { restErr <- l.rest.Shutdown(ctx) }()

	l.stopAll()
	l.mu.Lock()
	var done chan struct{}
	if len(l.conns) > 0 {
		done = make(chan struct{})
		l.allDone = done
	}
	l.mu.Unlock()

	var err error
	if done != nil {
		select {
		case <-done:
		case <-ctx.Done():
			err = fmt.Errorf("closing WebSocket connections: %w", ctx.Err())
			l.mu.Lock()
			for c := range l.conns {
				c.nc.Close()
			}
			l.mu.Unlock()
		}
	}
	return errors.Join(err, <-restErr)
}

// aLongTimeAgo is a deadline in the past: it wakes a blocked read at once.
var aLongTimeAgo = time.Unix(1, 0)

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
