package wsconn

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/bufpool"
	"github.com/symscore/symscore/internal/testkit/rawws"
)

// waiter is an endpoint whose sessions answer "big N" from another goroutine with SendWait
// of N bytes, and "give N" in HandleMessage with N bytes in a buffer they hand over
// (ReplyGiver). errs gets SendWait's results.
type waiter struct {
	errs  chan error
	taken atomic.Int64 // buffers handed over
}

type waiterSession struct {
	e     *waiter
	p     Peer
	given *[]byte
}

func (e *waiter) NewSession(p Peer) Session { return &waiterSession{e: e, p: p} }

func (s *waiterSession) HandleMessage(op ws.OpCode, payload, reply []byte, _ *Timing) ([]byte, ws.OpCode, ws.StatusCode) {
	var n int
	if _, err := fmt.Sscanf(string(payload), "big %d", &n); err == nil {
		s.p.Go(func() { s.e.errs <- s.p.SendWait(ws.OpBinary, bytes.Repeat([]byte{'b'}, n)) })
		return nil, 0, 0
	}
	if _, err := fmt.Sscanf(string(payload), "give %d", &n); err == nil {
		s.given = bufpool.Get(Headroom + n)
		out := append((*s.given)[Headroom:Headroom], bytes.Repeat([]byte{'g'}, n)...)
		return out, ws.OpBinary, 0
	}
	return append(reply, payload...), op, 0
}

func (s *waiterSession) TakeReply() *[]byte {
	bp := s.given
	s.given = nil
	if bp != nil {
		s.e.taken.Add(1)
	}
	return bp
}

func (s *waiterSession) Refuse(ws.OpCode, []byte, []byte) ([]byte, ws.OpCode, ws.StatusCode) {
	return nil, 0, 0
}
func (s *waiterSession) Trusted() (bool, *admit.Budget) { return true, nil }
func (s *waiterSession) Close()                         {}

// TestSendWaitLargerThanTheQueue: a message pushed with SendWait, 128 times the outbound
// queue and more than the sockets hold, arrives whole; nothing is refused (Send would
// have closed the connection).
func TestSendWaitLargerThanTheQueue(t *testing.T) {
	lim := testLimits()
	lim.OutboundQueueBytes = 64 << 10
	e := &waiter{errs: make(chan error, 1)}
	h := startHarness(t, lim, map[string]Endpoint{"/symetry/ws/wait": e})
	c := rawws.DialWS(t, h.addr(), "/symetry/ws/wait")
	const n = 8 << 20
	c.SendMessage(ws.OpText, []byte(fmt.Sprintf("big %d", n)))
	op, p := c.ReadMessage()
	if op != ws.OpBinary || len(p) != n || p[n-1] != 'b' {
		t.Fatalf("got %v of %d bytes", op, len(p))
	}
	c.Echo(ws.OpText, []byte("behind it"))
	if err := <-e.errs; err != nil {
		t.Fatalf("SendWait: %v", err)
	}
	if r := h.refusals(); r != 0 {
		t.Fatalf("%v refusals", r)
	}
}

// TestSendWaitClientDoesNotRead: a client that never reads is disconnected with 1008 once
// SendWait has waited limits.write_timeout; SendWait says so.
func TestSendWaitClientDoesNotRead(t *testing.T) {
	lim := testLimits()
	lim.OutboundQueueBytes = 64 << 10
	lim.WriteTimeout = 200 * time.Millisecond
	e := &waiter{errs: make(chan error, 4)}
	h := startHarness(t, lim, map[string]Endpoint{"/symetry/ws/wait": e}, func(h *harness) { h.sndBuf = 4 << 10 })
	c := rawws.DialWS(t, h.addr(), "/symetry/ws/wait")
	if tc, ok := c.NC.(*net.TCPConn); ok {
		tc.SetReadBuffer(4 << 10)
	}
	for range 3 {
		c.SendMessage(ws.OpText, []byte("big 1000000"))
	}
	var err error
	for range 3 {
		if err = <-e.errs; err != nil {
			break
		}
	}
	// The queue stays full for the write timeout (ErrQueueFull), or the flusher's own
	// write times out first (the connection is dead: ErrClosed).
	if !errors.Is(err, ErrQueueFull) && !errors.Is(err, ErrClosed) {
		t.Fatalf("SendWait to a client that does not read: %v", err)
	}
	c.NC.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		hd, _, err := c.ReadFrame()
		if isTimeout(err) {
			t.Fatal("the connection of a client that does not read was not ended")
		}
		if err != nil || hd.OpCode == ws.OpClose {
			break // the connection ended
		}
	}
}

// TestReplyGiver: a reply in a buffer the session hands over is sent as it is, and the
// buffer is taken after every message.
func TestReplyGiver(t *testing.T) {
	e := &waiter{}
	h := startHarness(t, testLimits(), map[string]Endpoint{"/symetry/ws/wait": e})
	c := rawws.DialWS(t, h.addr(), "/symetry/ws/wait")
	for _, n := range []int{1, 100 << 10, 10} {
		c.SendMessage(ws.OpText, []byte(fmt.Sprintf("give %d", n)))
		op, p := c.ReadMessage()
		if op != ws.OpBinary || len(p) != n || !bytes.Equal(p, bytes.Repeat([]byte{'g'}, n)) {
			t.Fatalf("give %d: %v of %d bytes", n, op, len(p))
		}
	}
	c.Echo(ws.OpText, []byte("echo"))
	if e.taken.Load() != 3 {
		t.Fatalf("%d buffers taken, want 3", e.taken.Load())
	}
}
