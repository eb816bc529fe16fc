package bench

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/wsframe"
)

// pipeClient is a WebSocket clientConn over an in-memory pipe; the test plays the server
// on the other end.
func pipeClient(t *testing.T) (*clientConn, net.Conn) {
	t.Helper()
	a, b := net.Pipe()
	t.Cleanup(func() { a.Close(); b.Close() })
	c := &clientConn{conn: a, ws: true, maxReply: 1000, mask: [4]byte{9, 8, 7, 6}}
	c.startReading()
	return c, b
}

// serverFrame is an unmasked frame as a server sends it.
func serverFrame(fin bool, op ws.OpCode, payload string) []byte {
	return append(wsframe.AppendHeader(nil, fin, op, len(payload), nil), payload...)
}

func TestClientReassemblesAndAnswersPings(t *testing.T) {
	c, srv := pipeClient(t)
	var frames []byte
	frames = append(frames, serverFrame(false, ws.OpText, "hel")...)
	frames = append(frames, serverFrame(true, ws.OpPing, "p")...)
	frames = append(frames, serverFrame(false, ws.OpContinuation, "lo ")...)
	frames = append(frames, serverFrame(true, ws.OpContinuation, "world")...)
	go srv.Write(frames)
	pong := make(chan []byte, 1)
	go func() {
		h, _ := ws.ReadHeader(srv)
		p := make([]byte, h.Length)
		io.ReadFull(srv, p)
		ws.Cipher(p, h.Mask, 0)
		if h.OpCode != ws.OpPong || !h.Masked {
			p = nil
		}
		pong <- p
	}()
	reply, err := c.readReply()
	if err != nil || string(reply) != "hello world" {
		t.Fatalf("got %q, %v", reply, err)
	}
	if p := <-pong; string(p) != "p" {
		t.Fatalf("pong %q", p)
	}
}

func TestClientRefusesBadReplies(t *testing.T) {
	for _, tc := range []struct {
		name   string
		frames []byte
		want   string
	}{
		{name: "close", frames: append(serverFrame(true, ws.OpClose, "\x03\xf0"), serverFrame(true, ws.OpText, "x")...), want: "status 1008"},
		{name: "too big", frames: serverFrame(true, ws.OpText, strings.Repeat("x", 1001)), want: "larger than the bound"},
		{name: "too big in fragments", frames: append(serverFrame(false, ws.OpText, strings.Repeat("x", 600)), serverFrame(true, ws.OpContinuation, strings.Repeat("x", 600))...), want: "larger than the bound"},
		{name: "stray continuation", frames: serverFrame(true, ws.OpContinuation, "x"), want: "unexpected continuation"},
		{name: "text inside a message", frames: append(serverFrame(false, ws.OpText, "x"), serverFrame(true, ws.OpText, "y")...), want: "unexpected text"},
		{name: "long ping", frames: serverFrame(true, ws.OpPing, strings.Repeat("x", 126)), want: "bad control frame"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, srv := pipeClient(t)
			go srv.Write(tc.frames)
			_, err := c.readReply()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestClientFrameRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 125, 126, 65535, 65536} {
		payload := strings.Repeat("z", n)
		frame := wsframe.AppendClientFrame(nil, ws.OpText, []byte(payload), [4]byte{1, 2, 3, 4})
		if len(frame) != wsframe.HeaderSize(n, true)+n {
			t.Fatalf("%d: frame of %d bytes", n, len(frame))
		}
		br := bufio.NewReader(strings.NewReader(string(frame)))
		h, err := ws.ReadHeader(br)
		if err != nil || !h.Fin || h.OpCode != ws.OpText || !h.Masked || h.Length != int64(n) {
			t.Fatalf("%d: header %+v, %v", n, h, err)
		}
		p, _ := io.ReadAll(br)
		ws.Cipher(p, h.Mask, 0)
		if string(p) != payload {
			t.Fatalf("%d: payload differs", n)
		}
	}
}

func TestDialClientRefusesBadURLs(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:1/", "::", "ws://127.0.0.1:1/"} {
		if _, err := dialClient(context.Background(), u, "", 100); err == nil {
			t.Errorf("%q: no error", u)
		}
	}
	if _, err := dialClient(context.Background(), "ws://127.0.0.1:1/", "not-an-ip", 100); err == nil {
		t.Error("bad source address: no error")
	}
}

// TestRoundTripAllocs: after warm-up, a round trip through the WebSocket floor allocates
// nothing, on either side (the count is process-wide).
func TestRoundTripAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	for _, pool := range []bool{false, true} {
		srv, err := StartWSEchoOptions("127.0.0.1:0", WSEchoOptions{PoolIdleBuffers: pool})
		if err != nil {
			t.Fatal(err)
		}
		c, err := dialClient(context.Background(), srv.URL(), "", 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		c.startReading()
		msg := PredictPayload()
		frame := c.compile(msg)
		var failed error
		allocs := testing.AllocsPerRun(200, func() {
			if err := c.write(frame); err != nil {
				failed = err
				return
			}
			reply, err := c.readReply()
			if err == nil && string(reply) != string(msg) {
				err = io.ErrUnexpectedEOF
			}
			if err != nil {
				failed = err
			}
		})
		c.close()
		srv.Close()
		if failed != nil {
			t.Fatal(failed)
		}
		if allocs != 0 {
			t.Errorf("pool %v: %.1f allocations per round trip", pool, allocs)
		}
	}
}
