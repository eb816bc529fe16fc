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

	"github.com/prometheus/client_golang/prometheus"

	"github.com/symscore/symscore/internal/metrics"
	"github.com/symscore/symscore/internal/wsconn"
)

const (
	// overLimitSlack is how many connections past limits.max_connections are still read
	// and answered 503; beyond that, new connections are closed at once, unanswered.
	overLimitSlack = 256
	// maxAcceptDelay bounds the back-off after a failed Accept.
	maxAcceptDelay = time.Second
)

// mainListener accepts the connections of the main listener and routes each by its
// request line: WebSocket upgrades to the WebSocket server (package wsconn), everything
// else to the REST server (through an in-memory listener, handoff.go). It is the
// wsconn.Tracker of the WebSocket connections: it counts every connection under
// limits.max_connections and stops them at shutdown.
type mainListener struct {
	ln               net.Listener
	ws               *wsconn.Server // set once by newMain, before the first Accept
	rest             *http.Server
	restLn           *memListener
	wrap             func(net.Conn) net.Conn // nil: none
	tls              bool                    // ln is a TLS listener
	maxConns         int64
	handshakeTimeout time.Duration
	log              *slog.Logger
	spawn            func(func())
	openGauge        prometheus.Gauge
	refused          struct{ connections, handshakeTimeout prometheus.Counter }

	open     atomic.Int64 // client connections in any phase (handshake, WebSocket, REST)
	stopping atomic.Bool
	stop     chan struct{} // closed when shutdown begins

	mu      sync.Mutex // guards conns, allDone
	conns   map[*wsconn.Conn]struct{}
	allDone chan struct{} // made by shutdown; closed once conns is empty
}

func newMainListener(ln net.Listener, m *metrics.Set, log *slog.Logger, spawn func(func())) *mainListener {
	l := &mainListener{
		ln:        ln,
		log:       log,
		spawn:     spawn,
		openGauge: m.OpenConnections,
		stop:      make(chan struct{}),
		conns:     make(map[*wsconn.Conn]struct{}),
		restLn:    newMemListener(ln.Addr()),
	}
	l.refused.connections = m.Refusal(metrics.LimitMaxConnections)
	l.refused.handshakeTimeout = m.Refusal(metrics.LimitHandshakeTimeout)
	return l
}

// acceptLoop accepts until the listener is closed, backing off after other errors (e.g. out
// of file descriptors) as net/http does.
func (l *mainListener) acceptLoop() {
	// The listener closes only at shutdown. Stopping here too covers a Shutdown that read
	// its closers before newMain registered this listener's.
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
			l.log.Warn("accept failed; retrying", "err", err, "delay", delay)
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
		if n > l.maxConns+overLimitSlack {
			l.open.Add(-1)
			l.refused.connections.Inc()
			nc.Close()
			continue
		}
		l.spawn(func() { l.serveConn(nc, n > l.maxConns) })
	}
}

// serveConn reads the request line of a new connection and routes it. over: the connection
// was accepted past limits.max_connections and is to be answered 503.
func (l *mainListener) serveConn(nc net.Conn, over bool) {
	if l.wrap != nil {
		nc = l.wrap(nc)
	}
	if over {
		l.refused.connections.Inc()
	}
	r := &wsconn.Reader{}
	r.Init(nc)
	nc.SetDeadline(time.Now().Add(l.handshakeTimeout))
	line, err := r.PeekLine()
	switch {
	case err != nil && !errors.Is(err, wsconn.ErrLineTooLong):
		if isTimeout(err) {
			l.refused.handshakeTimeout.Inc()
		}
		if l.tls {
			answerPlainHTTP(err)
		}
		r.ReleaseAll()
		nc.Close()
		l.Release()
	case err == nil && wsconn.IsUpgradeLine(line):
		l.ws.Serve(nc, r, over) // owns the connection from here
	default:
		nc.SetDeadline(time.Time{})
		l.handoffREST(nc, r, over)
	}
}

// Register implements wsconn.Tracker: it adds an upgraded connection to the open set, or
// reports false when the server is stopping.
func (l *mainListener) Register(c *wsconn.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopping.Load() {
		return false
	}
	l.conns[c] = struct{}{}
	l.openGauge.Inc()
	return true
}

// Unregister implements wsconn.Tracker.
func (l *mainListener) Unregister(c *wsconn.Conn) {
	l.mu.Lock()
	if _, ok := l.conns[c]; ok {
		delete(l.conns, c)
		l.openGauge.Dec()
	}
	if len(l.conns) == 0 && l.allDone != nil {
		close(l.allDone)
		l.allDone = nil
	}
	l.mu.Unlock()
}

// Stopping implements wsconn.Tracker.
func (l *mainListener) Stopping() bool { return l.stopping.Load() }

// Release implements wsconn.Tracker: a connection's place under limits.max_connections is
// free.
func (l *mainListener) Release() { l.open.Add(-1) }

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
	// sees Stopping before its next read.
	for c := range l.conns {
		c.Interrupt()
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
				c.Abort()
			}
			l.mu.Unlock()
		}
	}
	return errors.Join(err, <-restErr)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
