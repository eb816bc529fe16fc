package server

import (
	"testing"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/model"
)

// inProcess is a started server, one predict model m1 of project p (customer c1, four
// inputs) and a predict session, for handling messages without a socket.
type inProcess struct {
	s       *Server
	m       *model.Model
	ds      *dataset
	predict *symSession
	learn   *symSession
	signer  *auth.Signer
	reply   []byte
}

func newInProcess(tb testing.TB, algo string) *inProcess {
	tb.Helper()
	s := startWSServer(tb, symConfig(), nil)
	must(tb, s.svc.store.Create("c1", "p", "", nil))
	ds := newDataset(11, 500, 4)
	must(tb, s.svc.store.Learn("c1", "p", mustParse(tb, ds.frameJSON(0, 500))))
	target := "t"
	if algo == "mlda" {
		target = "k"
	}
	m := buildModel(tb, s, "c1", "p", algo, "m1", model.MLContext{InputNames: ds.inputNames(), TargetNames: []string{target}})
	signer, err := auth.NewSigner("c1", secretC1, nil)
	must(tb, err)
	info := func(path string) *upgradeInfo {
		return &upgradeInfo{path: path, host: "charm:8080", scheme: "ws", remoteAddr: "127.0.0.1:1"}
	}
	return &inProcess{
		s: s, m: m, ds: ds, signer: signer,
		predict: &symSession{svc: s.svc, ep: epWSPredict, info: info("/symetry/ws/predict")},
		learn:   &symSession{svc: s.svc, ep: epWSLearn, info: info("/symetry/ws/learn")},
		reply:   make([]byte, 0, 64<<10),
	}
}

// handle passes one message to the session and checks the reply is OK.
func (ip *inProcess) handle(tb testing.TB, sess *symSession, msg []byte) []byte {
	out, op, closeCode := sess.handleMessage(ws.OpText, msg, ip.reply[:0])
	if op != ws.OpText || closeCode != 0 || len(out) < 20 || string(out[:20]) != `{"statusCode":"OK","` {
		tb.Fatalf("reply %q (close %d)", out, closeCode)
	}
	return out
}

// TestWSPredictAllocs: a signed predict message, and a bare one on an authenticated
// session, are verified, parsed, scored and answered without an allocation.
func TestWSPredictAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	for _, algo := range []string{"lda", "mlda", "mlr"} {
		ip := newInProcess(t, algo)
		row := []byte(ip.ds.predictJSON(0, 1))
		signed := ip.signer.AppendWSMessage(nil, "ws://charm:8080/symetry/ws/predict", []string{"p", "m1"}, row)
		for range 10 {
			ip.handle(t, ip.predict, signed)
			ip.handle(t, ip.predict, row)
		}
		for name, msg := range map[string][]byte{"signed": signed, "session frame": row} {
			if n := testing.AllocsPerRun(200, func() { ip.handle(t, ip.predict, msg) }); n != 0 {
				t.Errorf("%s: %s predict: %v allocations per message", algo, name, n)
			}
		}
	}
}

// TestWSLearnAllocs: a learn session frame of C and B columns into a durable store
// (ModeAlways) allocates nothing per message.
func TestWSLearnAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	ip := newInProcess(t, "mlr")
	payload := []byte(`{"attributeNames":["x0","x1","x2","x3","t"],"attributeTypes":["C","C","C","C","B"],"data":[["1.5","2","3","4","1"],["2.5","1","0","-4","0"]]}`)
	ip.handle(t, ip.learn, ip.signer.AppendWSMessage(nil, "ws://charm:8080/symetry/ws/learn", []string{"p"}, payload))
	n := testing.AllocsPerRun(200, func() { ip.handle(t, ip.learn, payload) })
	// startWSServer's store logs each message: the pooled record buffer and the log's
	// batch buffers are reused.
	if n != 0 {
		t.Errorf("learn session frame: %v allocations per message", n)
	}
}
