package wsconn

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit/rawws"
)

// pusher is an endpoint whose sessions publish from their own goroutines: a text message
// "go N S" starts N pushes of "pushed i" padded to S bytes (binary when i is odd) and
// answers "started"; "close" asks for the close with 4000 "done"; anything else is echoed.
type pusher struct {
	mu    sync.Mutex // guards errs
	errs  []error
	peers chan Peer
}

type pusherSession struct {
	e *pusher
	p Peer
}

func (e *pusher) NewSession(p Peer) Session {
	if e.peers != nil {
		e.peers <- p
	}
	return &pusherSession{e: e, p: p}
}

func (s *pusherSession) HandleMessage(op ws.OpCode, payload, reply []byte, _ *Timing) ([]byte, ws.OpCode, ws.StatusCode) {
	var n, size int
	switch {
	case string(payload) == "close":
		s.p.Go(func() { s.p.Close(4000, "done") })
		return nil, 0, 0
	case op == ws.OpText && strings.HasPrefix(string(payload), "all "):
		// "all N S": N messages "pushed i" padded to S bytes, in one SendAll.
		fmt.Sscanf(string(payload), "all %d %d", &n, &size)
		var msgs [][]byte
		for i := range n {
			msg := fmt.Appendf(nil, "pushed %d", i)
			for len(msg) < size {
				msg = append(msg, ' ')
			}
			msgs = append(msgs, msg)
		}
		if err := s.p.SendAll(ws.OpText, msgs); err != nil {
			s.e.mu.Lock()
			s.e.errs = append(s.e.errs, err)
			s.e.mu.Unlock()
		}
		return nil, 0, 0
	case op == ws.OpText && strings.HasPrefix(string(payload), "go "):
		fmt.Sscanf(string(payload), "go %d %d", &n, &size)
	default:
		return append(reply, payload...), op, 0
	}
	s.p.Go(func() {
		for i := range n {
			op := ws.OpText
			if i%2 == 1 {
				op = ws.OpBinary
			}
			msg := fmt.Appendf(nil, "pushed %d", i)
			for len(msg) < size {
				msg = append(msg, ' ')
			}
			if err := s.p.Send(op, msg); err != nil {
				s.e.mu.Lock()
				s.e.errs = append(s.e.errs, err)
				s.e.mu.Unlock()
				return
			}
		}
	})
	return append(reply, "started"...), ws.OpText, 0
}

func (s *pusherSession) Refuse(ws.OpCode, []byte, []byte) ([]byte, ws.OpCode, ws.StatusCode) {
	return nil, 0, 0
}
func (s *pusherSession) Trusted() (bool, *admit.Budget) { return true, nil }
func (s *pusherSession) Close()                         {}

// TestPeerSend: messages a session pushes from another goroutine, text and binary, arrive
// whole and in the order pushed, interleaved with the replies of the reader goroutine.
func TestPeerSend(t *testing.T) {
	e := &pusher{}
	h := startHarness(t, testLimits(), map[string]Endpoint{"/symetry/ws/push": e})
	c := rawws.DialWS(t, h.addr(), "/symetry/ws/push")
	const n = 2000
	c.SendMessage(ws.OpText, []byte(fmt.Sprintf("go %d 0", n)))
	next, replies, sent, echoes := 0, 0, 0, 0
	for next < n || replies < 1 || echoes < 50 {
		if sent < 50 {
			c.SendMessage(ws.OpText, []byte(fmt.Sprintf("echo %d", sent)))
			sent++
		}
		op, p := c.ReadMessage()
		switch {
		case string(p) == "started":
			replies++
		case strings.HasPrefix(string(p), "echo "):
			if want := fmt.Sprintf("echo %d", echoes); string(p) != want || op != ws.OpText {
				t.Fatalf("reply %q, want %q: replies out of order", p, want)
			}
			echoes++
		default:
			wantOp := ws.OpText
			if next%2 == 1 {
				wantOp = ws.OpBinary
			}
			if want := fmt.Sprintf("pushed %d", next); string(p) != want || op != wantOp {
				t.Fatalf("got %v %q, want %v %q", op, p, wantOp, want)
			}
			next++
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.errs) != 0 {
		t.Fatalf("Send failed: %v", e.errs)
	}
}

// TestPeerSendAll: the messages of one SendAll arrive whole and in order, of every size
// (one-, three- and nine-byte lengths); a client that does not read is closed with 1008
// once they no longer fit the outbound queue.
func TestPeerSendAll(t *testing.T) {
	lim := testLimits()
	lim.OutboundQueueBytes = 256 << 10
	e := &pusher{}
	h := startHarness(t, lim, map[string]Endpoint{"/symetry/ws/push": e}, func(h *harness) { h.sndBuf = 4 << 10 })
	c := rawws.DialWS(t, h.addr(), "/symetry/ws/push")
	for _, tc := range []struct{ n, size int }{{1, 0}, {3, 10}, {40, 200}, {2, 70000}} {
		c.SendMessage(ws.OpText, []byte(fmt.Sprintf("all %d %d", tc.n, tc.size)))
		for i := range tc.n {
			op, p := c.ReadMessage()
			if want := fmt.Sprintf("pushed %d", i); op != ws.OpText || !strings.HasPrefix(string(p), want) || len(p) != max(len(want), tc.size) {
				t.Fatalf("message %d of %d: %v %q (%d bytes)", i, tc.n, op, rawws.Clip(p), len(p))
			}
		}
	}
	if tc, ok := c.NC.(*net.TCPConn); ok {
		tc.SetReadBuffer(4 << 10)
	}
	for range 20 { // 20 × 40 KB, unread
		c.SendMessage(ws.OpText, []byte("all 40 1000"))
	}
	testenv.Eventually(t, "SendAll to refuse", func() bool {
		e.mu.Lock()
		defer e.mu.Unlock()
		return len(e.errs) > 0
	})
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.errs[0] != ErrQueueFull {
		t.Fatalf("SendAll: %v, want ErrQueueFull", e.errs)
	}
}

// TestPeerClose: a session asks for the close from another goroutine: the connection
// sends the close frame with its code and reason, and Send is refused afterwards.
func TestPeerClose(t *testing.T) {
	e := &pusher{peers: make(chan Peer, 1)}
	h := startHarness(t, testLimits(), map[string]Endpoint{"/symetry/ws/push": e})
	c := rawws.DialWS(t, h.addr(), "/symetry/ws/push")
	p := <-e.peers
	c.Echo(ws.OpText, []byte("hello"))
	c.SendMessage(ws.OpText, []byte("close"))
	if reason := c.ExpectClose(4000); reason != "done" {
		t.Fatalf("close reason %q", reason)
	}
	testenv.Eventually(t, "the connection done", func() bool { return p.Send(ws.OpText, []byte("late")) == ErrClosed })
}

// TestPeerSendSlowClient: a client that does not read while the session pushes is
// disconnected with 1008 once the outbound queue is full; Send says so, and the refusal is
// counted.
func TestPeerSendSlowClient(t *testing.T) {
	lim := testLimits()
	lim.OutboundQueueBytes = 64 << 10
	e := &pusher{}
	h := startHarness(t, lim, map[string]Endpoint{"/symetry/ws/push": e}, func(h *harness) { h.sndBuf = 4 << 10 })
	c := rawws.DialWS(t, h.addr(), "/symetry/ws/push")
	if tc, ok := c.NC.(*net.TCPConn); ok {
		tc.SetReadBuffer(4 << 10)
	}
	c.SendMessage(ws.OpText, []byte("go 100000 1000"))
	testenv.Eventually(t, "Send to refuse", func() bool {
		e.mu.Lock()
		defer e.mu.Unlock()
		return len(e.errs) > 0
	})
	e.mu.Lock()
	err := e.errs[0]
	e.mu.Unlock()
	if err != ErrQueueFull {
		t.Fatalf("Send: %v, want ErrQueueFull", err)
	}
	if n := h.refusals(); n != 1 {
		t.Fatalf("outbound_queue_bytes refusals %v, want 1", n)
	}
	// Reading now, the client finds the pushed messages, then the close.
	c.NC.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		hd, p, err := c.ReadFrame()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if hd.OpCode == ws.OpClose {
			if code := ws.StatusCode(uint16(p[0])<<8 | uint16(p[1])); code != ws.StatusPolicyViolation {
				t.Fatalf("close %d, want 1008", code)
			}
			break
		}
	}
}
