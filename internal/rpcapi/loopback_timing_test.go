package rpcapi_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/tinylib/msgp/msgp"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/rawws"
	"github.com/symscore/symscore/internal/testkit/testserver"
	"github.com/symscore/symscore/internal/testkit/wslinkc"
)

var noDeadline time.Time

// testserverStart starts a server for a benchmark.
func testserverStart(b *testing.B) *testserver.Server { return testserver.Start(b, testkit.Config()) }

// lean is a benchmark client on one connection: it writes a frame built once and reads
// the reply's frame into a buffer it keeps, so that the client costs as little as it can
// on the two cores it shares with the server, and the same for every endpoint.
type lean struct {
	c   *rawws.Client
	buf []byte
}

// roundTrip writes frame and reads one reply frame of opcode op; it returns the payload.
func (l *lean) roundTrip(b *testing.B, frame []byte, op ws.OpCode) []byte {
	if _, err := l.c.NC.Write(frame); err != nil {
		b.Fatal(err)
	}
	h, err := ws.ReadHeader(l.c.BR)
	if err != nil || h.OpCode != op || !h.Fin {
		b.Fatalf("reply header %+v: %v", h, err)
	}
	if cap(l.buf) < int(h.Length) {
		l.buf = make([]byte, h.Length)
	}
	p := l.buf[:h.Length]
	if _, err := io.ReadFull(l.c.BR, p); err != nil {
		b.Fatal(err)
	}
	return p
}

// masked is a client frame of p.
func masked(op ws.OpCode, p []byte) []byte {
	return rawws.AppendFrame(nil, rawws.Frame{Op: op, Fin: true, Payload: p})
}

// BenchmarkLoopback compares, on one connection over loopback, each request answered
// before the next is sent, an lda on 15 inputs: rows/s with 1000-row predict_matrix calls
// and 1000-row JSON predict messages on /symetry/ws/predict (session frames), and the
// round trip of 1-row calls of each (and of symscore.predict, JSON DataFrames over RPC).
// ns/op is one round trip. Run the cases of one size in the same run to compare them.
func BenchmarkLoopback(b *testing.B) {
	s := testserverStart(b)
	rest := s.REST(testenv.CID1, testenv.Secret1)
	ds := testkit.NewDataset(7, 1000, 15)
	rest.Create("p")
	rest.Learn("p", []byte(ds.FrameJSON(0, 1000)))
	rest.Build("p", "lda", "m1", testkit.MLContextJSON(ds.InputNames(), []string{"t"})).Expect(b, 200, "Job is finished")

	// /symetry/ws/predict: a signed first message, then session frames.
	sym := s.Sym("/symetry/ws/predict", testenv.CID1, testenv.Secret1)
	sym.NC.SetDeadline(noDeadline)
	sym.Signed(ds.PredictJSON(0, 1), "p", "m1")
	sym.Expect("OK")
	wsp := &lean{c: sym.Client}

	// /symetry/ws/rpc, 2.x.
	rc := wslinkc.Dial(b, s.Addr(), 2)
	if r := rc.Hello(testenv.CID1, testenv.Secret1); r.Error != nil {
		b.Fatal(r.Error)
	}
	rc.Close() // its reader goes away; the lean client takes a connection of its own
	raw := rawws.DialWS(b, s.Addr(), wslinkc.Path)
	raw.NC.SetDeadline(noDeadline)
	rpc := &lean{c: raw}
	hello := rpcFrame(b, "system:c0:0", "wslink.hello", map[string]any{"secret": wslinkc.SignedHello(b, testenv.CID1, testenv.Secret1, rc.URL)})
	if p := rpc.roundTrip(b, hello, ws.OpBinary); bytes.Contains(p, []byte("error")) {
		b.Fatalf("hello: %q", p)
	}

	// Paired: each iteration is one round trip of each, timed apart, so that load from
	// elsewhere on the machine falls on both alike; ratio is predict_matrix's time over
	// /symetry/ws/predict's.
	for _, rows := range []int{1000, 1} {
		wsFrame := masked(ws.OpText, []byte(ds.PredictJSON(0, rows)))
		rpcFrame := rpcFrame(b, "rpc:c:3", "symscore.predict_matrix", matrixArg(ds, rows)...)
		b.Run(fmt.Sprintf("paired/rows=%d", rows), func(b *testing.B) {
			var tw, tr time.Duration
			for b.Loop() {
				t0 := time.Now()
				wsp.roundTrip(b, wsFrame, ws.OpText)
				t1 := time.Now()
				rpc.roundTrip(b, rpcFrame, ws.OpBinary)
				tr += time.Since(t1)
				tw += t1.Sub(t0)
			}
			n := float64(b.N)
			b.ReportMetric(float64(tw.Nanoseconds())/n, "ws-ns/rt")
			b.ReportMetric(float64(tr.Nanoseconds())/n, "rpc-ns/rt")
			b.ReportMetric(float64(rows)*n/tw.Seconds(), "ws-rows/s")
			b.ReportMetric(float64(rows)*n/tr.Seconds(), "rpc-rows/s")
			b.ReportMetric(float64(tr)/float64(tw), "ratio")
		})
	}

	for _, rows := range []int{1000, 1} {
		cases := []struct {
			name  string
			l     *lean
			frame []byte
			op    ws.OpCode
		}{
			{"ws-predict", wsp, masked(ws.OpText, []byte(ds.PredictJSON(0, rows))), ws.OpText},
			{"rpc-predict_matrix", rpc, rpcFrame(b, "rpc:c:1", "symscore.predict_matrix", matrixArg(ds, rows)...), ws.OpBinary},
			{"rpc-predict", rpc, rpcFrame(b, "rpc:c:2", "symscore.predict", "p", "m1", jsonArgB(b, ds.PredictJSON(0, rows))), ws.OpBinary},
		}
		for _, c := range cases {
			b.Run(fmt.Sprintf("%s/rows=%d", c.name, rows), func(b *testing.B) {
				p := c.l.roundTrip(b, c.frame, c.op) // check the reply once
				if bytes.Contains(p, []byte("BAD_REQUEST")) || bytes.Contains(p, []byte(`"error"`)) || bytes.Contains(p, []byte("\xa5error")) {
					b.Fatalf("reply %q", rawws.Clip(p))
				}
				b.ReportAllocs()
				b.SetBytes(int64(len(c.frame)))
				for b.Loop() {
					c.l.roundTrip(b, c.frame, c.op)
				}
				b.ReportMetric(float64(b.N)*float64(rows)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}

// rpcFrame is a 2.x request as one masked binary frame of one chunk.
func rpcFrame(tb testing.TB, id, method string, args ...any) []byte {
	msg, err := msgp.AppendIntf(make([]byte, 12), map[string]any{"wslink": "1.0", "id": id, "method": method, "args": args, "kwargs": map[string]any{}})
	if err != nil {
		tb.Fatal(err)
	}
	binary.LittleEndian.PutUint32(msg, 1)
	binary.LittleEndian.PutUint32(msg[8:], uint32(len(msg)-12))
	return masked(ws.OpBinary, msg)
}

// matrixArg is predict_matrix's arguments for the first rows of ds, its inputs in reverse
// order and an unused column first, as PredictJSON writes them.
func matrixArg(ds *testkit.Dataset, rows int) []any {
	cols := []any{"unused"}
	for j := ds.D - 1; j >= 0; j-- {
		cols = append(cols, "x"+strconv.Itoa(j))
	}
	var data []byte
	for i := range rows {
		data = binary.LittleEndian.AppendUint64(data, math.Float64bits(42))
		for j := ds.D - 1; j >= 0; j-- {
			data = binary.LittleEndian.AppendUint64(data, math.Float64bits(ds.Rows[i][j]))
		}
	}
	return []any{"p", "m1", map[string]any{"columns": cols, "rows": rows, "data": data}}
}

func jsonArgB(tb testing.TB, j string) map[string]any {
	var m map[string]any
	if err := jsonUnmarshal([]byte(j), &m); err != nil {
		tb.Fatal(err)
	}
	return m
}
