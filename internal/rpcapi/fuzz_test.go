package rpcapi

import (
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/bufpool"
	"github.com/symscore/symscore/internal/metrics"
	"github.com/symscore/symscore/internal/wsconn"
)

// FuzzSessionFrames: any sequence of frames, text or binary, before or after a hello, never
// makes a session panic; every close code it asks for is one of the framing's; and once it
// is closed, nothing it charged to the unverified budget is left charged.
func FuzzSessionFrames(f *testing.F) {
	ip := newInProcess(f)
	hello := frame(f, "system:c0:0", "wslink.hello", map[string]any{"secret": "x"})
	call := frame(f, "rpc:c:1", "symscore.predict_matrix", ip.matrixArgs(2)...)
	seed := func(frames ...[]byte) []byte {
		var in []byte
		for _, fr := range frames {
			in = append(in, byte(len(fr)>>8), byte(len(fr)))
			in = append(in, fr...)
		}
		return in
	}
	sub := frame(f, "rpc:c:2", "symscore.subscribe", "p", map[string]any{"names": []any{"*", "$log", "x"}, "pairs": []any{[]any{"a", "b"}}})
	unsub := frame(f, "rpc:c:3", "symscore.unsubscribe", "p", map[string]any{"names": []any{"x"}})
	f.Add(seed(call), true)
	f.Add(seed(sub, call, unsub, sub), true)
	f.Add(seed(hello, sub), false)
	f.Add(seed(hello, call), false)
	f.Add(seed(call[:20], []byte(`{"wslink":"1.0","method":"wslink.binary.attachment","args":["wslink_bin1"]}`)), false)
	f.Add(seed([]byte(`{"wslink":"1.0","id":"system:c0:0","method":"wslink.hello","args":[{"secret":"x"}]}`), []byte("\x01\x02")), false)
	codes := map[ws.StatusCode]bool{0: true, ws.StatusPolicyViolation: true, ws.StatusUnsupportedData: true,
		ws.StatusInvalidFramePayloadData: true, ws.StatusMessageTooBig: true, 1013: true}
	f.Fuzz(func(t *testing.T, in []byte, authed bool) {
		budget := admit.NewBudget(1 << 20)
		e := NewEndpoint(Options{Service: ip.svc, Metrics: metrics.New(), Inflight: admit.NewLimiter(64, 0), Unverified: budget,
			MaxMessageBytes: 1 << 16, MaxChunkBytes: 1 << 16, RPCInflight: 4})
		s := e.NewSession(&peer{info: wsconn.Info{Path: Path, Host: "charm:8080", Scheme: "ws"}}).(*session)
		if authed { // act as if a hello had verified, for customer c1
			s.authed, s.cust, s.client = true, ip.s.cust, "c1"
			s.reasm.SetMax(1 << 16)
		}
		reply := make([]byte, 0, 4<<10)
		for len(in) >= 2 {
			n := min(int(in[0])<<8|int(in[1]), len(in)-2)
			fr := in[2 : 2+n]
			in = in[2+n:]
			op := ws.OpBinary
			if len(fr) > 0 && fr[0] == '{' {
				op = ws.OpText
			}
			_, _, code := s.HandleMessage(op, fr, reply, &wsconn.Timing{Arrived: time.Now()})
			bufpool.Put(s.TakeReply())
			if !codes[code] {
				t.Fatalf("close code %d", code)
			}
			if code != 0 {
				break
			}
		}
		s.Close()
		if budget.Used() != 0 {
			t.Fatalf("%d unverified bytes still charged after Close", budget.Used())
		}
	})
}
