package wsconn

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/testkit/rawws"
	"github.com/symscore/symscore/internal/wsframe"
)

// BenchmarkTrustedRoundTrip: one message in flight over loopback through the connection
// loop of a trusted session (the pusher endpoint echoes what it does not know): the
// client's write, the server's read (its bytes charged to the in-flight budget), handling
// and write, the client's read. ns/op is the round trip, both ends in this process.
func BenchmarkTrustedRoundTrip(b *testing.B) {
	h := startHarness(b, testLimits(), map[string]Endpoint{"/symetry/ws/push": &pusher{}})
	for _, size := range []int{200, 2000} {
		b.Run(fmt.Sprintf("%dB", size), func(b *testing.B) {
			c := rawws.DialWS(b, h.addr(), "/symetry/ws/push")
			payload := bytes.Repeat([]byte("x"), size)
			frame := rawws.AppendFrame(nil, rawws.Frame{Op: ws.OpBinary, Fin: true, Payload: payload})
			reply := make([]byte, len(wsframe.AppendHeader(nil, true, ws.OpBinary, size, nil))+size)
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, err := c.NC.Write(frame); err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(c.BR, reply); err != nil {
					b.Fatal(err)
				}
			}
			if !bytes.Equal(reply[len(reply)-size:], payload) {
				b.Fatal("echo differs")
			}
		})
	}
}
