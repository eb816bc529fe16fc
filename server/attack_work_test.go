package server_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/rawws"
	"github.com/symscore/symscore/internal/wsframe"
	"github.com/symscore/symscore/server"
)

// The attacks of issue 13 item 7, by an authenticated customer, scaled down, against a
// real server with a bystander customer (testkit.Bystander).

// TestAttackInflightBytes: a customer holding unfinished fragmented messages and large
// bodies holds at most max_inflight_bytes_per_customer of them (past it: close 1013, REST
// 503), and every customer together at most max_inflight_bytes; another customer's
// messages, large ones included, are served meanwhile, and what was refused is not
// visible.
func TestAttackInflightBytes(t *testing.T) {
	cfg := testkit.Config()
	cfg.Limits.MaxFrameBytes, cfg.Limits.MaxMessageBytes = 512<<10, 512<<10
	cfg.Limits.MaxInflightBytesPerCustomer = 1 << 20
	cfg.Limits.MaxInflightBytes = 1<<20 + 256<<10
	s := start(t, cfg, nil)
	b := testkit.NewBystander(t, s.Addr(), testenv.CID2, testenv.Secret2)
	inflight := func() float64 { return s.Metric("symscore_inflight_bytes", "") }
	rest1(s).Create("p")
	ds := testkit.NewDataset(3, 20000, 3)

	// The attacker authenticates sessions, then starts messages it never finishes.
	session := func() *testkit.SymClient {
		c := s.Sym("/symetry/ws/learn", testenv.CID1, testenv.Secret1)
		c.Signed(ds.FrameJSON(0, 1), "p")
		c.Expect("OK")
		return c
	}
	part := func(c *testkit.SymClient, n int) {
		c.Send(rawws.Frame{Op: ws.OpText, Fin: false, Payload: bytes.Repeat([]byte(" "), n)})
	}
	var held []*testkit.SymClient
	for range 2 {
		c := session()
		part(c, 400<<10)
		held = append(held, c)
	}
	testenv.Eventually(t, "800 KiB in flight", func() bool { return inflight() == 800<<10 })
	c := session()
	part(c, 300<<10)
	if reason := c.ExpectClose(wsframe.StatusTryAgainLater); !strings.Contains(reason, "max_inflight_bytes_per_customer") {
		t.Fatalf("close reason %q", reason)
	}
	body := []byte(ds.FrameJSON(1, 8000)) // about 290 KiB, held once verified
	rest1(s).Do(http.MethodPost, "/projects/p/learn", "", body).Expect(t, http.StatusServiceUnavailable, "limits.max_inflight_bytes_per_customer")
	b.Check()
	b.CheckNew()

	// Another customer's large messages are served; together the customers hold at most
	// max_inflight_bytes.
	big := s.Sym("/symetry/ws/learn", testenv.CID2, testenv.Secret2)
	big.Signed(ds.FrameJSON(0, 1), b.PID)
	big.Expect("OK")
	big.Bare(string(body))
	big.Expect("OK")
	b.Acked += 8000
	part(big, 400<<10)
	testenv.Eventually(t, "1200 KiB in flight", func() bool { return inflight() == 1200<<10 })
	s.REST(testenv.CID2, testenv.Secret2).Do(http.MethodPost, "/projects/"+b.PID+"/learn", "", body).
		Expect(t, http.StatusServiceUnavailable, "(limits.max_inflight_bytes)")
	b.Check()
	big.NC.Close()

	// Once the attacker's connections are gone, its bytes are free again.
	for _, c := range held {
		c.NC.Close()
	}
	testenv.Eventually(t, "nothing in flight", func() bool { return inflight() == 0 })
	rest1(s).Do(http.MethodPost, "/projects/p/learn", "", body).Expect(t, http.StatusOK, "OK")
	if rows := rest1(s).Project("p").Rows(); rows != 3+7999 {
		t.Fatalf("the attacker's project holds %d rows, want %d (what was acknowledged)", rows, 3+7999)
	}
	for _, limit := range []string{"max_inflight_bytes_per_customer", "max_inflight_bytes"} {
		if n := s.Metric("symscore_refusals_total", "limit="+limit); n < 1 {
			t.Errorf("%s refusals %v", limit, n)
		}
	}
	b.CheckNew()
}

// gate holds explorations in the compute pool: each one that takes a slot reports its
// customer on entered and waits for release, until the gate is opened.
type gate struct {
	entered chan string
	release chan struct{}
	open    atomic.Bool
}

func newGate() *gate { return &gate{entered: make(chan string, 100), release: make(chan struct{})} }

func (g *gate) hold(cid string) {
	if g.open.Load() {
		return
	}
	g.entered <- cid
	<-g.release
}

// explore sends a signed exploration of customer rc from a goroutine and reports its HTTP
// code (0 when the request failed: cancelled by ctx).
func explore(ctx context.Context, rc *testkit.RESTClient, pid string) <-chan int {
	done := make(chan int, 1)
	path := rc.Path("/projects/" + pid + "/explore")
	body := []byte(`{"values":[{"inputAttributeNames":["x0"]}]}`)
	h := rc.Sign(http.MethodPost, path, "metric=uni", body)
	go func() {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+rc.Addr+path+"?metric=uni", bytes.NewReader(body))
		if err != nil {
			done <- 0
			return
		}
		req.Header = h
		resp, err := rc.HC.Do(req)
		if err != nil {
			done <- 0
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	return done
}

// TestAttackComputePool: a customer flooding the server with explorations holds at most
// the compute pool's slots (half the cores; one here) and MaxQueuedWork items waiting
// (past it: 503); predictions and learns of another customer do not wait for the pool, its
// explorations wait for one of the flood's at most, and an exploration whose client has
// gone leaves the queue or stops.
func TestAttackComputePool(t *testing.T) {
	g := newGate()
	s := start(t, testkit.Config(), &server.Hooks{ComputeSlots: 1, BeforeExplore: g.hold})
	b := testkit.NewBystander(t, s.Addr(), testenv.CID2, testenv.Secret2)
	gauge := func(name string) float64 { return s.Metric(name, "") }
	ds := testkit.NewDataset(4, 20, 2)
	a := rest1(s)
	a.Create("p")
	a.Learn("p", []byte(ds.FrameJSON(0, 20)))
	bys := b.REST()

	// The attacker takes the slot and queues two more.
	bg := context.Background()
	first := explore(bg, a, "p")
	if cid := <-g.entered; cid != testenv.CID1 {
		t.Fatalf("first in %s", cid)
	}
	queued := []<-chan int{explore(bg, a, "p"), explore(bg, a, "p")}
	testenv.Eventually(t, "two waiting", func() bool { return gauge("symscore_compute_waiting") == 2 })
	b.Check() // predictions and learns do not wait for the pool
	b.CheckNew()
	mine := explore(bg, bys, b.PID)
	testenv.Eventually(t, "three waiting", func() bool { return gauge("symscore_compute_waiting") == 3 })
	// Freed, the slot goes to the customers in turn: one of the attacker's items (it was
	// waiting first), then the bystander's, then the attacker's last.
	for _, want := range []string{testenv.CID1, testenv.CID2, testenv.CID1} {
		g.release <- struct{}{}
		if cid := <-g.entered; cid != want {
			t.Fatalf("slot went to %s, want %s", cid, want)
		}
	}
	g.release <- struct{}{}
	for _, ch := range append(queued, first, mine) {
		if code := <-ch; code != http.StatusOK {
			t.Fatalf("exploration answered %d", code)
		}
	}

	// A waiting exploration whose client has gone leaves the queue; a running one stops.
	running := explore(bg, a, "p")
	<-g.entered
	ctx, cancel := context.WithCancel(bg)
	gone := explore(ctx, a, "p")
	testenv.Eventually(t, "one waiting", func() bool { return gauge("symscore_compute_waiting") == 1 })
	cancel()
	<-gone
	testenv.Eventually(t, "the queue empty", func() bool { return gauge("symscore_compute_waiting") == 0 })
	g.release <- struct{}{}
	<-running
	ctx, cancel = context.WithCancel(bg)
	stopped := explore(ctx, a, "p")
	<-g.entered
	cancel()
	<-stopped
	unavailable := func() float64 {
		return s.Metric("symscore_requests_total", "endpoint=rest_explore,status=SERVICE_UNAVAILABLE")
	}
	before := unavailable()
	g.release <- struct{}{}
	testenv.Eventually(t, "the stopped exploration answered 503", func() bool { return unavailable() == before+1 })
	testenv.Eventually(t, "the slot free", func() bool { return gauge("symscore_compute_busy") == 0 })

	// The attacker's queue is bounded; the bystander's is its own.
	hold := explore(bg, a, "p")
	<-g.entered
	var flood []<-chan int
	for range ops.MaxQueuedWork {
		flood = append(flood, explore(bg, a, "p"))
	}
	testenv.Eventually(t, "the attacker's queue full", func() bool { return gauge("symscore_compute_waiting") == ops.MaxQueuedWork })
	a.Do(http.MethodPost, "/projects/p/explore", "metric=uni", []byte(`{"values":[{"inputAttributeNames":["x0"]}]}`)).
		Expect(t, http.StatusServiceUnavailable, "too many builds and explorations")
	mine = explore(bg, bys, b.PID)
	testenv.Eventually(t, "the bystander waiting", func() bool { return gauge("symscore_compute_waiting") == ops.MaxQueuedWork+1 })
	b.Check()
	g.open.Store(true)
	g.release <- struct{}{}
	var wg sync.WaitGroup
	for _, ch := range append(flood, hold, mine) {
		wg.Go(func() {
			if code := <-ch; code != http.StatusOK {
				t.Errorf("exploration answered %d", code)
			}
		})
	}
	wg.Wait()
	if n := s.Metric("symscore_refusals_total", "limit=max_queued_work"); n != 1 {
		t.Errorf("max_queued_work refusals %v, want 1", n)
	}
	b.CheckNew()
}
