package wsapi

import (
	"sync"
	"testing"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/metrics"
	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/wsconn"
	"github.com/symscore/symscore/model"
)

// openService opens the operations on a new data directory, with durability as given
// ("" for the default, always), customers c1 and c2, and the changes of config.
func openService(tb testing.TB, durability string, config ...func(*config.Config)) *ops.Service {
	tb.Helper()
	cfg := testkit.Config()
	cfg.DataDir = tb.TempDir()
	cfg.Durability = durability
	for _, f := range config {
		f(&cfg)
	}
	cfg.ApplyDefaults()
	svc, err := ops.Open(ops.Options{Config: cfg, Metrics: metrics.New()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := svc.Close(); err != nil {
			tb.Error(err)
		}
	})
	return svc
}

// peer is a Peer without a connection, for sessions driven in process. What the session
// sends is kept in order, in a ring of reused buffers (no allocation), each send
// signalled on sent; next reads the oldest.
type peer struct {
	info wsconn.Info
	mu   sync.Mutex // guards ring, w, r
	ring [64][]byte
	w, r int
	sent chan struct{}
}

func (p *peer) Info() *wsconn.Info { return &p.info }

func (p *peer) Send(_ ws.OpCode, b []byte) error {
	p.mu.Lock()
	p.ring[p.w%len(p.ring)] = append(p.ring[p.w%len(p.ring)][:0], b...)
	p.w++
	p.mu.Unlock()
	p.sent <- struct{}{}
	return nil
}

func (p *peer) SendAll(op ws.OpCode, msgs [][]byte) error {
	for _, m := range msgs {
		p.Send(op, m)
	}
	return nil
}

func (p *peer) SendWait(op ws.OpCode, b []byte) error { return p.Send(op, b) }

func (p *peer) Close(ws.StatusCode, string) {}
func (p *peer) Go(f func())                 { go f() }

// written is how many messages the session has sent so far.
func (p *peer) written() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.w
}

// next waits for the oldest message the session sent and not yet read, and appends it to
// dst.
func (p *peer) next(dst []byte) []byte {
	<-p.sent
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.ring[p.r%len(p.ring)]
	p.r++
	return append(dst, b...)
}

func newPeer(path string) *peer {
	p := &peer{info: wsconn.Info{Path: path, Host: testkit.SymHost, Scheme: "ws", RemoteAddr: "127.0.0.1:1"},
		sent: make(chan struct{}, 64)}
	for i := range p.ring {
		p.ring[i] = make([]byte, 0, 4096)
	}
	return p
}

// inProcess is a service, a predict model m1 of project p (customer c1, four inputs)
// and learn and predict sessions, for handling messages without a socket.
type inProcess struct {
	svc     *ops.Service
	ds      *testkit.Dataset
	predict wsconn.Session
	learn   wsconn.Session
	signer  *auth.Signer
	reply   []byte
	clock   wsconn.Clock  // arrival times, read as the connection reads them
	timing  wsconn.Timing // the message in hand's
}

// arrive stamps a message's arrival as the connection does, and returns its Timing.
func (ip *inProcess) arrive() *wsconn.Timing {
	ip.timing = wsconn.Timing{Arrived: ip.clock.Now()}
	return &ip.timing
}

// newInProcess opens a service with durability and, unless algo is empty, builds m1 with
// algo on 500 generated rows.
func newInProcess(tb testing.TB, algo, durability string, config ...func(*config.Config)) *inProcess {
	tb.Helper()
	svc := openService(tb, durability, config...)
	eps := Endpoints(Options{Service: svc, Metrics: metrics.New()})
	signer, err := auth.NewSigner(testenv.CID1, testenv.Secret1, nil)
	if err != nil {
		tb.Fatal(err)
	}
	ip := &inProcess{
		svc: svc, signer: signer, reply: make([]byte, 0, 64<<10),
		predict: eps[PathPredict].NewSession(newPeer(PathPredict)),
		learn:   eps[PathLearn].NewSession(newPeer(PathLearn)),
	}
	if algo == "" {
		return ip
	}
	ip.ds = testkit.NewDataset(11, 500, 4)
	c := customer(tb, svc)
	if err := svc.Create(c, "p", "", nil); err != nil {
		tb.Fatal(err)
	}
	sc := svc.Scratch()
	defer svc.Release(sc)
	if _, err := svc.Learn(sc, c, "p", []byte(ip.ds.FrameJSON(0, 500))); err != nil {
		tb.Fatal(err)
	}
	target := "t"
	if algo == "mlda" {
		target = "k"
	}
	id, err := svc.Build(c, &ops.BuildArgs{PID: "p", Algo: algo, ModelID: "m1", Context: model.MLContext{InputNames: ip.ds.InputNames(), TargetNames: []string{target}}})
	if err != nil {
		tb.Fatal(err)
	}
	testenv.Eventually(tb, "the build", func() bool {
		js, err := svc.Job(c, id)
		return err == nil && js.Done
	})
	if js, _ := svc.Job(c, id); js.Msg != "Job is finished" {
		tb.Fatalf("build: %s %s", js.Status, js.Msg)
	}
	return ip
}

// customer verifies a signed message of c1 to get the customer value operations take.
func customer(tb testing.TB, svc *ops.Service) ops.Customer {
	tb.Helper()
	signer, err := auth.NewSigner(testenv.CID1, testenv.Secret1, nil)
	if err != nil {
		tb.Fatal(err)
	}
	sc := svc.Scratch()
	defer svc.Release(sc)
	msg, err := sc.ParseMessage(signer.AppendWSMessage(nil, "ws://"+testkit.SymHost+PathPredict, []string{"p", "m"}, []byte(`{}`)))
	if err != nil {
		tb.Fatal(err)
	}
	c, err := sc.VerifyWS(&auth.WSRequest{Date: msg.Date, MD5: msg.MD5, Signature: msg.Signature, CID: msg.CID,
		Payload: msg.Payload, ExtraKeys: msg.ExtraKeys, Scheme: "ws", Host: testkit.SymHost, Path: PathPredict})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// handle passes one message to the session and checks the reply is OK.
func (ip *inProcess) handle(tb testing.TB, sess wsconn.Session, msg []byte) []byte {
	out, op, closeCode := sess.HandleMessage(ws.OpText, msg, ip.reply[:0], ip.arrive())
	if op != ws.OpText || closeCode != 0 || len(out) < 20 || string(out[:20]) != `{"statusCode":"OK","` {
		tb.Fatalf("reply %q (close %d)", out, closeCode)
	}
	return out
}
