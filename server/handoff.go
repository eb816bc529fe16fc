package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/symscore/symscore/internal/wsconn"
)

// The REST server is a net/http Server that serves connections the main listener hands it
// through an in-memory listener (memListener), after it has read their request line to route
// them. The bytes read so far are given back first (handoffConn).

// newRESTServer builds the server of the REST control plane around h.
func (l *mainListener) newRESTServer(h http.Handler, idleTimeout time.Duration) *http.Server {
	return &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if hc, ok := r.Context().Value(handoffKey{}).(*handoffConn); ok && hc.adm.over != wsconn.NotOver {
				w.Header().Set("Connection", "close")
				http.Error(w, hc.adm.over.Reason(), http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: l.handshakeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    wsconn.MaxHandshakeBytes,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			if hc, ok := c.(*handoffConn); ok {
				return context.WithValue(ctx, handoffKey{}, hc)
			}
			return ctx
		},
		ErrorLog: slog.NewLogLogger(l.log.Handler(), slog.LevelDebug),
	}
}

// handoffKey holds, in a request's context, its connection (*handoffConn): one accepted
// past a limit has its requests answered 503; a verified request authenticates it.
type handoffKey struct{}

// restVerified is the REST handler's Verified: the request's connection has authenticated.
func (l *mainListener) restVerified(r *http.Request) {
	if hc, ok := r.Context().Value(handoffKey{}).(*handoffConn); ok {
		hc.authenticate()
	}
}

// serveREST runs the REST server until shutdown.
func (l *mainListener) serveREST() {
	err := l.rest.Serve(l.restLn)
	if err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
		l.log.Error("REST server stopped", "err", err)
	}
}

// handoffREST gives nc to the REST server.
func (l *mainListener) handoffREST(nc net.Conn, r *wsconn.Reader, a *admission) {
	hc := &handoffConn{Conn: nc, r: r, adm: a, authBy: time.Now().Add(l.authTimeout)}
	if !l.restLn.deliver(hc) {
		hc.Close()
	}
}

// handoffConn is a connection handed to the REST server: its reads return the bytes the
// main listener buffered first (then its buffer goes back to the pool), then read the
// connection. Until one of its requests has verified, no read deadline net/http sets on it
// reaches past limits.auth_timeout from its acceptance: a connection that never
// authenticates is closed then (its request head, body or keep-alive wait times out).
// Closing it releases its places under the connection limits (adm).
type handoffConn struct {
	net.Conn
	r   *wsconn.Reader // nil once drained; used by the REST server's reading goroutine only
	adm *admission
	// handedBack is set when the connection went back to the WebSocket side, which owns
	// adm from then on.
	handedBack atomic.Bool

	mu           sync.Mutex // guards authed, readDeadline and the socket's read deadline
	authed       bool
	authBy       time.Time // until authed: the latest read deadline
	readDeadline time.Time // the read deadline net/http asked for last
}

func (c *handoffConn) Read(p []byte) (int, error) {
	if c.r != nil {
		n := copy(p, c.r.Peek())
		c.r.Discard(n)
		if c.r.Buffered() == 0 {
			c.r.ReleaseAll()
			c.r = nil
		}
		if n > 0 {
			return n, nil
		}
	}
	return c.Conn.Read(p)
}

// SetReadDeadline sets the read deadline net/http asks for, no later than the
// authentication deadline while the connection has not authenticated.
func (c *handoffConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.readDeadline = t
	if !c.authed && (t.IsZero() || t.After(c.authBy)) {
		t = c.authBy
	}
	return c.Conn.SetReadDeadline(t)
}

// SetDeadline sets both deadlines, the read one as SetReadDeadline does.
func (c *handoffConn) SetDeadline(t time.Time) error {
	if err := c.Conn.SetWriteDeadline(t); err != nil {
		return err
	}
	return c.SetReadDeadline(t)
}

// authenticate lifts the authentication deadline (restoring the one net/http asked for)
// and frees the connection's places under the limits of unauthenticated connections.
func (c *handoffConn) authenticate() {
	c.mu.Lock()
	if !c.authed {
		c.authed = true
		c.Conn.SetReadDeadline(c.readDeadline)
	}
	c.mu.Unlock()
	c.adm.Authenticated()
}

func (c *handoffConn) Close() error {
	err := c.Conn.Close()
	if !c.handedBack.Load() {
		c.adm.Release() // idempotent
	}
	return err
}

// memListener is a net.Listener whose connections are delivered by the main listener.
type memListener struct {
	addr  net.Addr
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newMemListener(addr net.Addr) *memListener {
	return &memListener{addr: addr, conns: make(chan net.Conn), done: make(chan struct{})}
}

// deliver gives c to Accept; false when the listener is closed.
func (m *memListener) deliver(c net.Conn) bool {
	select {
	case m.conns <- c:
		return true
	case <-m.done:
		return false
	}
}

func (m *memListener) Accept() (net.Conn, error) {
	select {
	case c := <-m.conns:
		return c, nil
	case <-m.done:
		return nil, net.ErrClosed
	}
}

func (m *memListener) Close() error {
	m.once.Do(func() { close(m.done) })
	return nil
}

func (m *memListener) Addr() net.Addr { return m.addr }
