package wsconn

import (
	"bytes"
	"fmt"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/testkit/rawws"
)

// TestPipelinedInPlace: messages sent back to back in one write (each read in place from
// the read buffer, but those cut by its end) come back in order, each whole: every size
// class of frame header, text and binary, empty ones, and enough of them to cross the
// read buffer's end several times.
func TestPipelinedInPlace(t *testing.T) {
	h := startHarness(t, testLimits(), nil)
	cl := rawws.DialWS(t, h.addr(), EchoPath)
	sizes := []int{0, 1, 5, 125, 126, 127, 300, 1000, 4000, 4096, 5000, 65535, 65536, 70000}
	var batch []byte
	var want [][]byte
	for round := range 6 {
		for i, n := range sizes {
			p := bytes.Repeat([]byte{byte('a' + (round+i)%26)}, n)
			op := ws.OpBinary
			if i%2 == 0 {
				op = ws.OpText
			}
			batch = rawws.AppendFrame(batch, rawws.Frame{Op: op, Fin: true, Payload: p})
			want = append(want, p)
		}
	}
	cl.WriteRaw(batch)
	for i, w := range want {
		_, got := cl.ReadMessage()
		if !bytes.Equal(got, w) {
			t.Fatalf("message %d: %d bytes %q, want %d bytes", i, len(got), rawws.Clip(got), len(w))
		}
	}
}

// TestSplitFrames: a message whose frame header and payload come in separate writes, or
// in pieces (read into a message buffer, or in place when a read brings the rest whole),
// comes back whole; a text message of invalid UTF-8 read in place is refused with 1007.
func TestSplitFrames(t *testing.T) {
	h := startHarness(t, testLimits(), nil)
	cl := rawws.DialWS(t, h.addr(), EchoPath)
	for _, n := range []int{1, 125, 126, 3000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			p := bytes.Repeat([]byte("x"), n)
			f := rawws.AppendFrame(nil, rawws.Frame{Op: ws.OpBinary, Fin: true, Payload: p})
			for _, cut := range []int{1, 2, 6, len(f) - n, len(f) - 1} {
				cl.WriteRaw(f[:cut])
				cl.WriteRaw(f[cut:])
				if _, got := cl.ReadMessage(); !bytes.Equal(got, p) {
					t.Fatalf("cut at %d: %d bytes back", cut, len(got))
				}
			}
		})
	}
	cl.SendMessage(ws.OpText, []byte("ok \xff"))
	cl.ExpectClose(ws.StatusInvalidFramePayloadData)
}

// replier answers each message with its bytes reversed and padded to fill the reply
// buffer's promised 4 KiB, written into the reply buffer; it records the first
// HandleMessage that finds the reply buffer overlapping the payload or shorter than
// promised.
type replier struct{ bad atomic.Value }

type replierSession struct{ e *replier }

func (e *replier) NewSession(Peer) Session { return replierSession{e} }

func (s replierSession) HandleMessage(op ws.OpCode, payload, reply []byte, t *Timing) ([]byte, ws.OpCode, ws.StatusCode) {
	r := reply[:cap(reply)]
	switch {
	case len(reply) != 0 || cap(reply) < 4<<10:
		s.e.bad.CompareAndSwap(nil, fmt.Sprintf("reply buffer of length %d, capacity %d", len(reply), cap(reply)))
	case len(payload) > 0 && overlap(payload, r):
		s.e.bad.CompareAndSwap(nil, "the reply buffer overlaps the payload")
	}
	out := reply
	for i := len(payload) - 1; i >= 0; i-- {
		out = append(out, payload[i])
	}
	for len(out) < 4<<10 {
		out = append(out, '.')
	}
	return out, op, 0
}

func (replierSession) Refuse(ws.OpCode, []byte, []byte) ([]byte, ws.OpCode, ws.StatusCode) {
	return nil, 0, 1013
}
func (replierSession) Trusted() (bool, *admit.Budget) { return true, nil }
func (replierSession) Close()                         {}

// overlap reports whether a and b share memory.
func overlap(a, b []byte) bool {
	a0, b0 := uintptr(unsafe.Pointer(unsafe.SliceData(a))), uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return a0 < b0+uintptr(len(b)) && b0 < a0+uintptr(len(a))
}

// TestReplyRoom: the reply buffer a session is given (the room after the read buffer)
// holds the promised 4 KiB, apart from the message, for messages read in place,
// pipelined, and read into a message buffer; each reply comes back whole.
func TestReplyRoom(t *testing.T) {
	e := &replier{}
	h := startHarness(t, testLimits(), map[string]Endpoint{"/symetry/ws/reply": e})
	cl := rawws.DialWS(t, h.addr(), "/symetry/ws/reply")
	var batch []byte
	var sent [][]byte
	for i, n := range []int{0, 1, 200, 4000, 4096, 9000, 300} {
		p := bytes.Repeat([]byte{byte('a' + i)}, n)
		p = append(p, "end"...)
		batch = rawws.AppendFrame(batch, rawws.Frame{Op: ws.OpBinary, Fin: true, Payload: p})
		sent = append(sent, p)
	}
	cl.WriteRaw(batch)
	for i, p := range sent {
		_, got := cl.ReadMessage()
		if len(got) < len(p) || got[0] != 'd' || got[len(p)-1] != p[0] || len(got) != max(len(p), 4<<10) {
			t.Fatalf("reply %d: %d bytes %q", i, len(got), rawws.Clip(got))
		}
	}
	if bad := e.bad.Load(); bad != nil {
		t.Fatal(bad)
	}
}
