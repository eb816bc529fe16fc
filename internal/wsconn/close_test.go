package wsconn

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/testkit/rawws"
)

func closePayload(code ws.StatusCode, reason string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, uint16(code)), reason...)
}

// TestCloseHandshake: a client's close frame is answered with its code, and TCP closed; a
// close frame that breaks the protocol (1 byte, an invalid code, a reason that is not
// UTF-8) is answered 1002 and TCP closed at once — the client closed already, so the
// server waits for nothing (well under closeLinger).
func TestCloseHandshake(t *testing.T) {
	// A 10 s linger makes "at once" a bound of 5 s, which a loaded machine meets. The
	// server's goroutines read closeLinger: it is restored by a cleanup registered before
	// the harness's, so after the harness has stopped.
	old := closeLinger
	t.Cleanup(func() { closeLinger = old })
	closeLinger = 10 * time.Second
	h := startHarness(t, testLimits(), nil)
	for _, c := range []struct {
		name    string
		payload []byte
		want    ws.StatusCode
	}{
		{"empty", nil, 0},
		{"normal", closePayload(ws.StatusNormalClosure, "bye"), ws.StatusNormalClosure},
		{"application code", closePayload(4001, ""), 4001},
		{"one byte", []byte{3}, ws.StatusProtocolError},
		{"reserved code", closePayload(1005, ""), ws.StatusProtocolError},
		{"code 999", closePayload(999, ""), ws.StatusProtocolError},
		{"bad UTF-8 reason", closePayload(ws.StatusNormalClosure, "\xff\xfe"), ws.StatusProtocolError},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl := rawws.DialWS(t, h.addr(), EchoPath)
			cl.Echo(ws.OpText, []byte("before"))
			cl.Send(rawws.Frame{Op: ws.OpClose, Fin: true, Payload: c.payload})
			start := time.Now()
			cl.ExpectCloseNow(c.want, closeLinger/2)
			if d := time.Since(start); d >= closeLinger/2 {
				t.Fatalf("TCP closed %v after the close frame", d)
			}
		})
	}
}

// TestServerCloseLingers: when the server closes (here: a frame over the limit), it
// sends its close frame and closes TCP once the client answers it.
func TestServerCloseLingers(t *testing.T) {
	lim := testLimits()
	lim.MaxFrameBytes = 1000
	h := startHarness(t, lim, nil)
	cl := rawws.DialWS(t, h.addr(), EchoPath)
	cl.SendMessage(ws.OpBinary, make([]byte, 1001))
	cl.ExpectClose(ws.StatusMessageTooBig)
}
