package server_test

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/rawws"
	"github.com/symscore/symscore/internal/wsconn"
	"github.com/symscore/symscore/server"
)

// TestWSSlowReaderDisconnected: a client that sends but never reads its replies is
// disconnected once its outbound queue is full past the write timeout, while another
// connection keeps getting its replies.
func TestWSSlowReaderDisconnected(t *testing.T) {
	cfg := testkit.Config()
	cfg.Limits.OutboundQueueBytes = 64 << 10
	cfg.Limits.WriteTimeout = 300 * time.Millisecond
	s := start(t, cfg, nil)
	slow := s.DialWS(wsconn.EchoPath)
	if tc, ok := slow.NC.(*net.TCPConn); ok {
		tc.SetReadBuffer(4 << 10)
	}
	big := make([]byte, 16<<10) // under the queue limit: queued, not written by the reader
	stop := make(chan struct{})
	var sent atomic.Int64
	go func() {
		frame := rawws.AppendFrame(nil, rawws.Frame{Op: ws.OpBinary, Fin: true, Payload: big})
		for {
			select {
			case <-stop:
				return
			default:
			}
			slow.NC.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if _, err := slow.NC.Write(frame); err != nil {
				return // the server closed the connection
			}
			sent.Add(1)
		}
	}()
	defer close(stop)
	fast := s.DialWS(wsconn.EchoPath)
	fast.Echo(ws.OpText, []byte("registered"))
	rounds := 0
	// The slow reader is disconnected by whichever limit strikes first: its queue full past
	// the write timeout, or a write of its queue stuck past the write timeout.
	for s.Metric("symscore_open_connections", "") != 1 {
		fast.Echo(ws.OpText, []byte("still served"))
		if rounds++; rounds > 100000 {
			t.Fatal("the slow reader was never disconnected")
		}
	}
	for range 100 {
		fast.Echo(ws.OpText, []byte("served after the disconnect"))
	}
	if s.Metric("symscore_refusals_total", "limit=outbound_queue_bytes")+
		s.Metric("symscore_refusals_total", "limit=write_timeout") == 0 {
		t.Fatal("the disconnect was not counted as a refusal")
	}
	t.Logf("%d round trips while the slow reader filled its queue with %d messages", rounds, sent.Load())
}

// faultConn wraps a connection: the nth Read or Write fails, or writes stall until their
// deadline, or write only half and fail.
type faultConn struct {
	net.Conn
	mode  string // "read error", "write error", "stall", "short write"
	nth   int
	calls atomic.Int64

	mu       sync.Mutex
	deadline time.Time
}

func (c *faultConn) Read(p []byte) (int, error) {
	if c.mode == "read error" && c.calls.Add(1) == int64(c.nth) {
		return 0, syscall.ECONNRESET
	}
	return c.Conn.Read(p)
}

func (c *faultConn) Write(p []byte) (int, error) {
	if c.mode == "read error" {
		return c.Conn.Write(p)
	}
	if c.calls.Add(1) < int64(c.nth) {
		return c.Conn.Write(p)
	}
	switch c.mode {
	case "write error":
		return 0, syscall.EPIPE
	case "stall":
		c.mu.Lock()
		d := c.deadline
		c.mu.Unlock()
		if d.IsZero() {
			d = time.Now().Add(time.Hour)
		}
		time.Sleep(time.Until(d))
		return 0, timeoutError{}
	default: // short write
		n, _ := c.Conn.Write(p[:len(p)/2])
		return n, io.ErrShortWrite
	}
}

func (c *faultConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	c.deadline = t
	c.mu.Unlock()
	return c.Conn.SetWriteDeadline(t)
}

func (c *faultConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	c.deadline = t
	c.mu.Unlock()
	return c.Conn.SetDeadline(t)
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout (injected)" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// TestWSFaultyConnections: a connection whose reads fail, whose writes fail, stall or come
// out short is closed and released; the server goes on serving new connections, and no
// goroutine is left behind (checked for the package by goleak).
func TestWSFaultyConnections(t *testing.T) {
	for _, mode := range []string{"read error", "write error", "stall", "short write"} {
		t.Run(mode, func(t *testing.T) {
			cfg := testkit.Config()
			cfg.Limits.WriteTimeout = 200 * time.Millisecond
			var wrapped atomic.Int64
			hooks := &server.Hooks{WrapConn: func(nc net.Conn) net.Conn {
				if wrapped.Add(1) > 1 {
					return nc // only the first connection is faulty
				}
				// The handshake takes the first read and the first write (the 101).
				return &faultConn{Conn: nc, mode: mode, nth: 3}
			}}
			s := start(t, cfg, hooks)
			bad := s.DialWS(wsconn.EchoPath)
			bad.NC.SetDeadline(time.Now().Add(10 * time.Second))
			for i := 0; i < 20; i++ {
				bad.SendMessage(ws.OpText, []byte("hello"))
				if _, _, err := bad.ReadFrame(); err != nil {
					break
				}
			}
			testenv.Eventually(t, "the faulty connection released", func() bool {
				return s.Metric("symscore_open_connections", "") == 0
			})
			good := s.DialWS(wsconn.EchoPath)
			for range 10 {
				good.Echo(ws.OpText, []byte("served"))
			}
		})
	}
}
