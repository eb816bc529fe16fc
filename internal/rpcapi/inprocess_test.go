package rpcapi

import (
	"encoding/binary"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/tinylib/msgp/msgp"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/bufpool"
	"github.com/symscore/symscore/internal/metrics"
	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/wsconn"
	"github.com/symscore/symscore/internal/wslink"
	"github.com/symscore/symscore/model"
)

// peer is a Peer without a connection, for a session driven in process: what it is sent
// is dropped.
type peer struct{ info wsconn.Info }

func (p *peer) Info() *wsconn.Info                { return &p.info }
func (p *peer) Send(ws.OpCode, []byte) error      { return nil }
func (p *peer) SendWait(ws.OpCode, []byte) error  { return nil }
func (p *peer) SendAll(ws.OpCode, [][]byte) error { return nil }
func (p *peer) Close(ws.StatusCode, string)       {}
func (p *peer) Go(f func())                       { go f() }

// inProcess is a signed-in 2.x session on a service whose project p holds model m1, an
// lda on 15 inputs.
type inProcess struct {
	svc   *ops.Service
	s     *session
	ds    *testkit.Dataset
	reply []byte
}

func newInProcess(tb testing.TB) *inProcess {
	tb.Helper()
	cfg := testkit.Config()
	cfg.DataDir = tb.TempDir()
	cfg.ApplyDefaults()
	svc, err := ops.Open(ops.Options{Config: cfg, Metrics: metrics.New()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { svc.Close() })
	e := NewEndpoint(Options{Service: svc, Metrics: metrics.New(), Inflight: admit.NewLimiter(64, 0), Unverified: admit.NewBudget(1 << 30),
		MaxMessageBytes: 64 << 20, MaxChunkBytes: 16 << 20, RPCInflight: 64})
	p := &peer{info: wsconn.Info{Path: Path, Host: testkit.SymHost, Scheme: "ws", RemoteAddr: "127.0.0.1:1"}}
	ip := &inProcess{svc: svc, s: e.NewSession(p).(*session), ds: testkit.NewDataset(3, 1000, 15), reply: make([]byte, 0, 4<<10)}
	tb.Cleanup(ip.s.Close)
	signer, err := auth.NewSigner(testenv.CID1, testenv.Secret1, nil)
	if err != nil {
		tb.Fatal(err)
	}
	hello := string(signer.AppendWSMessage(nil, "ws://"+testkit.SymHost+Path, nil, []byte("{}")))
	if r := ip.call(tb, "system:c0:0", "wslink.hello", map[string]any{"secret": hello}); r["error"] != nil {
		tb.Fatalf("hello: %v", r["error"])
	}
	sc := svc.Scratch()
	defer svc.Release(sc)
	c := ip.s.cust
	if err := svc.Create(c, "p", "", nil); err != nil {
		tb.Fatal(err)
	}
	if _, err := svc.Learn(sc, c, "p", []byte(ip.ds.FrameJSON(0, 1000))); err != nil {
		tb.Fatal(err)
	}
	id, err := svc.Build(c, &ops.BuildArgs{PID: "p", Algo: "lda", ModelID: "m1", Context: model.MLContext{InputNames: ip.ds.InputNames(), TargetNames: []string{"t"}}})
	if err != nil {
		tb.Fatal(err)
	}
	testenv.Eventually(tb, "the build", func() bool { js, err := svc.Job(c, id); return err == nil && js.Done })
	return ip
}

// frame is a request as one 2.x chunk.
func frame(tb testing.TB, id, method string, args ...any) []byte {
	msg, err := msgp.AppendIntf(make([]byte, wslink.ChunkHeaderLen), map[string]any{"wslink": "1.0", "id": id, "method": method, "args": args, "kwargs": map[string]any{}})
	if err != nil {
		tb.Fatal(err)
	}
	wslink.PutChunkHeader(msg, 1, len(msg)-wslink.ChunkHeaderLen)
	return msg
}

// handle passes one frame to the session and returns its reply, which must be one chunk;
// the buffer handed over is given back.
func (ip *inProcess) handle(tb testing.TB, f []byte) []byte {
	out, op, code := ip.s.HandleMessage(ws.OpBinary, f, ip.reply[:0], &wsconn.Timing{Arrived: time.Now()})
	bufpool.Put(ip.s.TakeReply())
	if op != ws.OpBinary || code != 0 || len(out) < wslink.ChunkHeaderLen {
		tb.Fatalf("reply %v (close %d) of %d bytes", op, code, len(out))
	}
	return out[wslink.ChunkHeaderLen:]
}

// call answers one request and decodes its reply.
func (ip *inProcess) call(tb testing.TB, id, method string, args ...any) map[string]any {
	tb.Helper()
	v, _, err := msgp.ReadIntfBytes(ip.handle(tb, frame(tb, id, method, args...)))
	if err != nil {
		tb.Fatal(err)
	}
	return v.(map[string]any)
}

// matrixArgs are predict_matrix's arguments for rows [0, n) of the dataset, its 15 inputs.
func (ip *inProcess) matrixArgs(n int) []any {
	var cols []any
	for _, name := range ip.ds.InputNames() {
		cols = append(cols, name)
	}
	var data []byte
	for i := range n {
		for j := range ip.ds.D {
			data = binary.LittleEndian.AppendUint64(data, math.Float64bits(ip.ds.Rows[i][j]))
		}
	}
	return []any{"p", "m1", map[string]any{"columns": cols, "rows": n, "data": data}}
}

// TestPredictMatrixAllocs: a predict_matrix of 1000 rows, and one of 1 row, are decoded,
// scored and answered in process without an allocation; so is a 1-row symscore.predict.
func TestPredictMatrixAllocs(t *testing.T) {
	testenv.SkipAllocs(t)
	ip := newInProcess(t)
	for _, n := range []int{1000, 1} {
		f := frame(t, "rpc:c1:1", "symscore.predict_matrix", ip.matrixArgs(n)...)
		r := ip.call(t, "x", "symscore.predict_matrix", ip.matrixArgs(n)...)
		if res, ok := r["result"].(map[string]any); !ok || len(res["data"].([]byte)) != n*6*8 {
			t.Fatalf("predict_matrix: %v", r)
		}
		for range 5 {
			ip.handle(t, f)
		}
		if a := testing.AllocsPerRun(100, func() { ip.handle(t, f) }); a != 0 {
			t.Errorf("predict_matrix of %d rows: %v allocations per call", n, a)
		}
	}
	pf := frame(t, "rpc:c1:2", "symscore.predict", "p", "m1", map[string]any{
		"attributeNames": []any{"x0", "x1"}, "attributeTypes": []any{"C", "C"}, "data": []any{[]any{"1.5", "-2"}}})
	for range 5 {
		ip.handle(t, pf)
	}
	if a := testing.AllocsPerRun(100, func() { ip.handle(t, pf) }); a != 0 {
		t.Errorf("1-row predict: %v allocations per call", a)
	}
}

// BenchmarkRPCPredictMatrix is the in-process path of one predict_matrix call of 1000 rows
// (and of 1 row) of an lda on 15 inputs: the chunk, the envelope, the matrix read in place,
// the scores, the reply written. No socket.
func BenchmarkRPCPredictMatrix(b *testing.B) {
	ip := newInProcess(b)
	for _, n := range []int{1, 1000} {
		f := frame(b, "rpc:c1:1", "symscore.predict_matrix", ip.matrixArgs(n)...)
		b.Run("rows="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(f)))
			for b.Loop() {
				ip.handle(b, f)
			}
			b.ReportMetric(float64(b.N)*float64(n)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
