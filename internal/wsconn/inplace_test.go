package wsconn

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/gobwas/ws"

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
