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
			if r.Context().Value(overLimitKey{}) != nil {
				w.Header().Set("Connection", "close")
				http.Error(w, "too many connections", http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: l.handshakeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    wsconn.MaxHandshakeBytes,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			if hc, ok := c.(*handoffConn); ok && hc.over {
				return context.WithValue(ctx, overLimitKey{}, true)
			}
			return ctx
		},
		ErrorLog: slog.NewLogLogger(l.log.Handler(), slog.LevelDebug),
	}
}

// overLimitKey marks, in a request's context, a connection accepted past
// limits.max_connections: its requests are answered 503.
type overLimitKey struct{}

// serveREST runs the REST server until shutdown.
func (l *mainListener) serveREST() {
	err := l.rest.Serve(l.restLn)
	if err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
		l.log.Error("REST server stopped", "err", err)
	}
}

// handoffREST gives nc to the REST server.
func (l *mainListener) handoffREST(nc net.Conn, r *wsconn.Reader, over bool) {
	hc := &handoffConn{Conn: nc, r: r, over: over, l: l}
	if !l.restLn.deliver(hc) {
		hc.Close()
	}
}

// handoffConn is a connection handed to the REST server: its reads return the bytes the
// main listener buffered first (then its buffer goes back to the pool), then read the
// connection. Closing it releases its place under limits.max_connections.
type handoffConn struct {
	net.Conn
	r      *wsconn.Reader // nil once drained; used by the REST server's reading goroutine only
	over   bool
	l      *mainListener
	closed atomic.Bool
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

func (c *handoffConn) Close() error {
	err := c.Conn.Close()
	if c.closed.CompareAndSwap(false, true) {
		c.l.Release()
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
