package wsconn

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit/rawws"
	"github.com/symscore/symscore/internal/wsframe"
)

// TestEchoAllocs: a message read (its bytes charged to the in-flight budget as they
// arrive and released after the reply), echoed and written allocates nothing after
// warm-up, the client's side of the loopback included; small and multi-chunk messages.
func TestEchoAllocs(t *testing.T) {
	testenv.SkipAllocs(t)
	h := startHarness(t, testLimits(), nil)
	for _, size := range []int{200, 100 << 10} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			c := rawws.DialWS(t, h.addr(), EchoPath)
			payload := bytes.Repeat([]byte("x"), size)
			frame := rawws.AppendFrame(nil, rawws.Frame{Op: ws.OpBinary, Fin: true, Payload: payload})
			reply := make([]byte, len(wsframe.AppendHeader(nil, true, ws.OpBinary, size, nil))+size)
			roundTrip := func() {
				if _, err := c.NC.Write(frame); err != nil {
					t.Fatal(err)
				}
				if _, err := io.ReadFull(c.BR, reply); err != nil {
					t.Fatal(err)
				}
			}
			for range 50 {
				roundTrip()
			}
			if !bytes.Equal(reply[len(reply)-size:], payload) {
				t.Fatal("echo differs")
			}
			if n := testing.AllocsPerRun(200, roundTrip); n != 0 {
				t.Errorf("%v allocations per %d-byte message", n, size)
			}
			testenv.Eventually(t, "the budget released", func() bool { return h.srv.d.InflightBytes.Used() == 0 })
		})
	}
}
