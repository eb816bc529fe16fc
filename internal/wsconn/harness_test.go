package wsconn

import (
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/metrics"
)

// harness serves a Server on a loopback listener, doing the listener's part minimally:
// read the request line, hand the connection to Serve, track connections for shutdown.
type harness struct {
	t       testing.TB
	ln      net.Listener
	srv     *Server
	metrics *metrics.Set
	tr      *tracker
	wg      sync.WaitGroup
	sndBuf  int // when set, the server side's socket send buffer (set before dialling)
}

// tracker is a Tracker that counts.
type tracker struct {
	mu       sync.Mutex // guards conns
	conns    map[*Conn]bool
	stopping atomic.Bool
	open     atomic.Int64
	unauth   atomic.Int64 // connections accepted and not yet authenticated
	t        testing.TB
}

func (tr *tracker) Register(c *Conn) bool {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.stopping.Load() {
		return false
	}
	tr.conns[c] = true
	return true
}

func (tr *tracker) Unregister(c *Conn) { tr.mu.Lock(); delete(tr.conns, c); tr.mu.Unlock() }
func (tr *tracker) Stopping() bool     { return tr.stopping.Load() }

// admission is a connection's Admission in the harness: counted in its tracker.
type admission struct {
	tr               *tracker
	authed, released atomic.Bool
}

func newAdmission(tr *tracker) *admission {
	tr.open.Add(1)
	tr.unauth.Add(1)
	return &admission{tr: tr}
}

func (a *admission) Over() Over { return NotOver }

func (a *admission) Authenticated() {
	if !a.authed.Swap(true) {
		a.tr.unauth.Add(-1)
	}
}

func (a *admission) Release() {
	if a.released.Swap(true) {
		a.tr.t.Error("Admission.Release called twice")
		return
	}
	a.Authenticated()
	a.tr.open.Add(-1)
}

// testLimits are the defaults of the configuration, with a short idle timeout.
func testLimits() Limits {
	return Limits{
		MaxFrameBytes: 16 << 20, MaxMessageBytes: 64 << 20, IdleTimeout: 5 * time.Second,
		WriteTimeout: 10 * time.Second, HandshakeTimeout: 5 * time.Second, OutboundQueueBytes: 4 << 20,
		AuthTimeout: 5 * time.Second,
	}
}

// startHarness serves endpoints (and the echo endpoint at EchoPath) with lim until the
// test ends; opts change the harness before it accepts.
func startHarness(t testing.TB, lim Limits, endpoints map[string]Endpoint, opts ...func(*harness)) *harness {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, ln: ln, metrics: metrics.New(), tr: &tracker{conns: map[*Conn]bool{}, t: t}}
	eps := map[string]Endpoint{EchoPath: Echo{}}
	for p, ep := range endpoints {
		eps[p] = ep
	}
	h.srv = NewServer(Deps{
		Limits: lim, Inflight: admit.NewLimiter(64, time.Second), Unverified: admit.NewUnverified(256<<20, 64<<20, 64<<20),
		InflightBytes: admit.NewBudget(1 << 30),
		Tracker:       h.tr, Metrics: h.metrics, Spawn: h.spawn, Log: slog.New(slog.DiscardHandler),
	}, eps)
	for _, o := range opts {
		o(h)
	}
	h.spawn(h.accept)
	t.Cleanup(h.stop)
	return h
}

func (h *harness) spawn(f func()) {
	h.wg.Add(1)
	go func() { defer h.wg.Done(); f() }()
}

func (h *harness) accept() {
	for {
		nc, err := h.ln.Accept()
		if err != nil {
			return
		}
		adm := newAdmission(h.tr)
		if tc, ok := nc.(*net.TCPConn); ok && h.sndBuf > 0 {
			tc.SetWriteBuffer(h.sndBuf)
		}
		h.spawn(func() {
			r := &Reader{}
			r.Init(nc)
			nc.SetDeadline(time.Now().Add(h.srv.d.Limits.HandshakeTimeout))
			if _, err := r.PeekLine(); err != nil {
				r.ReleaseAll()
				nc.Close()
				adm.Release()
				return
			}
			h.srv.Serve(nc, r, adm)
		})
	}
}

// stop closes the listener, interrupts every connection and waits for every goroutine.
func (h *harness) stop() {
	h.ln.Close()
	h.tr.stopping.Store(true)
	h.tr.mu.Lock()
	for c := range h.tr.conns {
		c.Interrupt()
	}
	h.tr.mu.Unlock()
	h.wg.Wait()
	if n := h.tr.open.Load(); n != 0 {
		h.t.Errorf("%d connections not released", n)
	}
}

func (h *harness) addr() string { return h.ln.Addr().String() }

// refusals is the number of outbound_queue_bytes refusals counted.
func (h *harness) refusals() float64 {
	mfs, err := h.metrics.Registry().Gather()
	if err != nil {
		h.t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "symscore_refusals_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			if m.GetLabel()[0].GetValue() == metrics.LimitOutboundQueue {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}
