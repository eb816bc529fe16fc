package cluster_test

import (
	"bytes"
	"context"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/natstest"
	"github.com/symscore/symscore/internal/testkit/testserver"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/server"
)

// These tests run three symscore servers in this process, nodes of one cluster on an
// in-process NATS server (JetStream in a temporary directory), and talk to them as clients
// do: REST and WebSocket over loopback.

const ctxLDA = `{"targetAttributeNames":["Iris_virginica"],"inputAttributeNames":["sepal_length","sepal_width","petal_length","petal_width"]}`

// nodeConfig is a test server's configuration as node id of the cluster on bus.
func nodeConfig(bus *natstest.Server, id string) config.Config {
	return testserver.NodeConfig(bus.URL(), id)
}

// startNodes starts n nodes on bus, shut down when the test ends.
func startNodes(t *testing.T, bus *natstest.Server, n int) []*testserver.Server {
	t.Helper()
	var nodes []*testserver.Server
	for i := range n {
		nodes = append(nodes, testserver.Start(t, nodeConfig(bus, string(rune('a'+i)))))
	}
	return nodes
}

// clients are each node's REST client for customer c1.
func clients(nodes []*testserver.Server) []*testkit.RESTClient {
	var cs []*testkit.RESTClient
	for _, n := range nodes {
		cs = append(cs, n.REST(testenv.CID1, testenv.Secret1))
	}
	return cs
}

// sameEverywhere waits until every node exports project pid with the same bits, and
// returns that export.
func sameEverywhere(t *testing.T, cs []*testkit.RESTClient, pid string) []byte {
	t.Helper()
	var want *testkit.Reply
	testenv.Eventually(t, "every node to hold the same bits of "+pid, func() bool {
		for i, c := range cs {
			r := c.Do(http.MethodGet, "/projects/"+pid+"/export", "", nil)
			if r.Code != http.StatusOK { // not there yet
				return false
			}
			if i == 0 {
				want = r
			} else if !bytes.Equal(r.Values["projectState"], want.Values["projectState"]) {
				return false
			}
		}
		return true
	})
	return cs[0].Export(pid)
}

// onEveryNode waits until every node has applied the creation of project pid. A node
// acknowledges a change once it has applied it itself; the others apply it when it reaches
// them on the stream, so a change asked of another node right after needs this wait.
func onEveryNode(t *testing.T, cs []*testkit.RESTClient, pid string) {
	t.Helper()
	testenv.Eventually(t, "project "+pid+" on every node", func() bool {
		for _, c := range cs {
			if c.Do(http.MethodGet, "/projects/"+pid+"/info", "", nil).Code != http.StatusOK {
				return false
			}
		}
		return true
	})
}

// TestLearnOnOnePredictOnOthers: a project learned and a model built through node A;
// nodes B and C predict exactly what A predicts, from the same bits.
func TestLearnOnOnePredictOnOthers(t *testing.T) {
	bus := natstest.Start(t)
	cs := clients(startNodes(t, bus, 3))
	rows := testkit.IrisRows(t)
	cs[0].Create("iris")
	cs[0].Learn("iris", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, rows, -1))
	cs[0].Build("iris", "lda", "m", ctxLDA).Expect(t, http.StatusOK, "Job is finished")
	sameEverywhere(t, cs, "iris")
	var predict []byte
	{
		var in [][]string
		for _, r := range rows[:40] {
			in = append(in, r[:4])
		}
		predict = testkit.FrameJSON(testkit.IrisNames[:4], testkit.IrisTypes[:4], in, -1)
	}
	var want []byte
	for i, c := range cs {
		r := c.Do(http.MethodPost, "/projects/iris/predict/m", "", predict).Expect(t, http.StatusOK, "OK")
		if i == 0 {
			want = r.Raw
			continue
		}
		if !bytes.Equal(r.Raw, want) {
			t.Fatalf("node %d predicts\n%s\nnode 0\n%s", i, r.Raw, want)
		}
	}
}

// TestConcurrentLearnersOnEveryNode: learners on all three nodes at once, each through its
// own WebSocket session; then every node holds the same bits, whose statistics are those
// of every acknowledged row (to 1e-9 relative: the order of the merges is the stream's).
func TestConcurrentLearnersOnEveryNode(t *testing.T) {
	bus := natstest.Start(t)
	nodes := startNodes(t, bus, 3)
	cs := clients(nodes)
	cs[0].Create("p")
	onEveryNode(t, cs, "p")
	ds := testkit.NewDataset(42, 3*4*40*3, 3)
	var mu sync.Mutex
	var acked [][2]int // row ranges acknowledged
	var wg sync.WaitGroup
	for n, node := range nodes {
		for w := range 4 {
			wg.Go(func() {
				ws := node.Sym("/symetry/ws/learn", testenv.CID1, testenv.Secret1)
				for k := range 40 {
					lo := ((n*4+w)*40 + k) * 3
					hi := lo + 1 + k%3
					if k == 0 {
						ws.Signed(ds.FrameJSON(lo, hi), "p")
					} else {
						ws.Bare(ds.FrameJSON(lo, hi))
					}
					if e := ws.Reply(); e.StatusCode == "OK" {
						mu.Lock()
						acked = append(acked, [2]int{lo, hi})
						mu.Unlock()
					} else {
						t.Errorf("node %d learner %d: %s %s", n, w, e.StatusCode, e.StatusString)
					}
				}
			})
		}
	}
	wg.Wait()
	got, err := model.UnmarshalProject(sameEverywhere(t, cs, "p"))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := model.NewProject("p", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range acked {
		if err := ref.Learn(testkit.ParseFrame(t, ds.FrameJSON(r[0], r[1]))); err != nil {
			t.Fatal(err)
		}
	}
	gs, rs := got.Snapshot(), ref.Snapshot()
	if gs.Total.N != rs.Total.N || gs.Total.N == 0 {
		t.Fatalf("%d rows, the acknowledged rows are %d", gs.Total.N, rs.Total.N)
	}
	for i, name := range rs.Names {
		j, ok := gs.Index(name)
		if !ok {
			t.Fatalf("attribute %s missing", name)
		}
		near(t, "mean of "+name, gs.Total.Mean[j], rs.Total.Mean[i])
		for k, other := range rs.Names {
			l, _ := gs.Index(other)
			near(t, "co-moment of "+name+" and "+other, gs.Total.At(j, l), rs.Total.At(i, k))
		}
	}
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9*max(1, math.Abs(want)) {
		t.Fatalf("%s: %v, reference %v", what, got, want)
	}
}

// TestForgetBelowZeroRefusedEverywhere: two nodes forget the same three of five rows at
// once; the application of the second takes the count below zero, and every node refuses
// it: one forget is acknowledged, the other refused, and every node holds two rows.
func TestForgetBelowZeroRefusedEverywhere(t *testing.T) {
	bus := natstest.Start(t)
	cs := clients(startNodes(t, bus, 3))
	ds := testkit.NewDataset(7, 5, 2)
	cs[0].Create("p")
	cs[0].Learn("p", []byte(ds.FrameJSON(0, 5)))
	sameEverywhere(t, cs, "p")
	forget := []byte(ds.FrameJSON(0, 3))
	replies := make([]*testkit.Reply, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() { replies[i] = cs[i].Do(http.MethodPost, "/projects/p/forget", "", forget) })
	}
	wg.Wait()
	ok, refused := 0, 0
	for _, r := range replies {
		switch {
		case r.Code == http.StatusOK:
			ok++
		case r.Code == http.StatusBadRequest && strings.Contains(r.StatusString, "cannot forget 3 rows: the project holds 2"):
			refused++
		default:
			t.Fatalf("forget: HTTP %d %s", r.Code, r.StatusString)
		}
	}
	if ok != 1 || refused != 1 {
		t.Fatalf("%d forgets acknowledged, %d refused; want 1 and 1", ok, refused)
	}
	sameEverywhere(t, cs, "p")
	for i, c := range cs {
		if p := c.Project("p"); p.Rows() != 2 {
			t.Fatalf("node %d holds %d rows, want 2", i, p.Rows())
		}
	}
}

// TestReplayOnAnotherNodeRefused: a signed learn accepted by node A, sent again as it was
// to node B (REST signatures name the path, not the host), is refused: CONFLICT "replayed
// request", and nothing is learned twice.
func TestReplayOnAnotherNodeRefused(t *testing.T) {
	bus := natstest.Start(t)
	cs := clients(startNodes(t, bus, 2))
	cs[0].Create("p")
	frame := testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, testkit.IrisRows(t)[:10], -1)
	path := cs[0].Path("/projects/p/learn")
	h := cs[0].Sign(http.MethodPost, path, "", frame)
	cs[0].Send(http.MethodPost, path, "", frame, h).Expect(t, http.StatusOK, "OK")
	cs[1].Send(http.MethodPost, path, "", frame, h.Clone()).Expect(t, http.StatusConflict, "replayed request")
	cs[0].Send(http.MethodPost, path, "", frame, h.Clone()).Expect(t, http.StatusConflict, "replayed request")
	sameEverywhere(t, cs, "p")
	if p := cs[1].Project("p"); p.Rows() != 10 {
		t.Fatalf("%d rows, want 10", p.Rows())
	}
}

// TestBuildOnOneJobOnAnother: a build asked of node B is followed through node C (the job
// is in the cluster's bucket), and C serves the model B built, the same bits.
func TestBuildOnOneJobOnAnother(t *testing.T) {
	bus := natstest.Start(t)
	cs := clients(startNodes(t, bus, 3))
	cs[0].Create("iris")
	cs[0].Learn("iris", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, testkit.IrisRows(t), -1))
	sameEverywhere(t, cs, "iris")
	r := cs[1].Do(http.MethodPost, "/projects/iris/build", "algo=lda&modelid=m", []byte(ctxLDA)).Expect(t, http.StatusAccepted, "ACCEPTED")
	cs[2].AwaitJob(r.Header.Get("Location")).Expect(t, http.StatusOK, "Job is finished")
	mb, _ := cs[1].Project("iris").Model("m")
	mc, ok := cs[2].Project("iris").Model("m")
	if !ok {
		t.Fatal("the job is finished on C, but C has no model")
	}
	bb, _ := mb.MarshalBinary()
	bc, _ := mc.MarshalBinary()
	if !bytes.Equal(bb, bc) {
		t.Fatal("C holds another model than B built")
	}
	cs[2].Do(http.MethodGet, "/jobs/NOSUCHJOB", "", nil).Expect(t, http.StatusBadRequest, "cannot find job")
	cs[0].Do(http.MethodGet, "/jobs/"+r.Header.Get("sym-job-id"), "", nil).Expect(t, http.StatusOK, "Job is finished")
	other := testserverREST(t, cs[2], testenv.CID2, testenv.Secret2)
	other.Do(http.MethodGet, "/jobs/"+r.Header.Get("sym-job-id"), "", nil).Expect(t, http.StatusBadRequest, "cannot find job")
}

// testserverREST is a REST client of another customer on c's server.
func testserverREST(t *testing.T, c *testkit.RESTClient, cid, secret string) *testkit.RESTClient {
	return testkit.NewREST(t, c.Addr, cid, secret)
}

// TestBusStoppedAndRestarted: with the NATS server stopped, every node refuses changes
// (SERVICE_UNAVAILABLE) and says it is not ready, and predictions go on; once it is back,
// the nodes resume, and every acknowledged change is on every node.
func TestBusStoppedAndRestarted(t *testing.T) {
	bus := natstest.Start(t)
	nodes := startNodes(t, bus, 2)
	cs := clients(nodes)
	rows := testkit.IrisRows(t)
	cs[0].Create("iris")
	cs[0].Learn("iris", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, rows, -1))
	cs[0].Build("iris", "lda", "m", ctxLDA).Expect(t, http.StatusOK, "Job is finished")
	sameEverywhere(t, cs, "iris")
	predict := testkit.FrameJSON(testkit.IrisNames[:4], testkit.IrisTypes[:4], [][]string{rows[0][:4]}, -1)

	bus.Stop()
	for _, n := range nodes {
		testenv.Eventually(t, "/readyz to say 503", func() bool { return readyz(t, n) == http.StatusServiceUnavailable })
	}
	for i, c := range cs {
		c.Do(http.MethodPost, "/projects/iris/learn", "", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, rows[:10], -1)).
			Expect(t, http.StatusServiceUnavailable, "bus is unreachable")
		c.Do(http.MethodPost, "/projects/iris/predict/m", "", predict).Expect(t, http.StatusOK, "OK")
		c.Do(http.MethodPost, "/projects/iris/build", "algo=lda&modelid=m2", []byte(ctxLDA)).Expect(t, http.StatusServiceUnavailable, "unreachable")
		if got := nodes[i].Metric("symscore_cluster_connected", ""); got != 0 {
			t.Errorf("node %d: symscore_cluster_connected %v with the bus down", i, got)
		}
	}

	bus.Restart()
	for _, n := range nodes {
		testenv.Eventually(t, "/readyz to say 200", func() bool { return readyz(t, n) == http.StatusOK })
	}
	cs[1].Learn("iris", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, rows[:50], -1))
	sameEverywhere(t, cs, "iris")
	if p := cs[0].Project("iris"); p.Rows() != 200 {
		t.Fatalf("%d rows, want the 200 acknowledged", p.Rows())
	}
	if got := nodes[0].Metric("symscore_cluster_applied_sequence", ""); got < 4 {
		t.Errorf("symscore_cluster_applied_sequence %v", got)
	}
}

func readyz(t *testing.T, s *testserver.Server) int {
	t.Helper()
	resp, err := http.Get("http://" + s.AdminAddr() + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestEmbeddedNATS: a node runs the bus in its process (data in data_dir/nats), requiring
// the nodes' password; a second node with the password joins it and a third without is
// refused. Restarted on its data directory, the first node has the cluster's state back.
func TestEmbeddedNATS(t *testing.T) {
	listen := testserver.FreeAddr(t)
	cfgA := testkit.Config()
	cfgA.DataDir = t.TempDir()
	cfgA.Cluster.EmbeddedNATS = true
	cfgA.Cluster.EmbeddedListen = listen
	cfgA.Cluster.Credentials = "node:correct-horse"
	cfgA.Cluster.NodeID = "a"
	a := testserver.StartManual(t, cfgA)
	if _, err := os.Stat(filepath.Join(cfgA.DataDir, "nats", "jetstream")); err != nil {
		t.Fatalf("the embedded server's data: %v", err)
	}
	cfgB := testkit.Config()
	cfgB.Cluster.NATSURL = "nats://" + listen
	cfgB.Cluster.Credentials = "node:correct-horse"
	b := testserver.Start(t, cfgB)
	ca, cb := a.REST(testenv.CID1, testenv.Secret1), b.REST(testenv.CID1, testenv.Secret1)
	ca.Create("iris")
	onEveryNode(t, []*testkit.RESTClient{ca, cb}, "iris") // b learns into it
	cb.Learn("iris", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, testkit.IrisRows(t), -1))
	want := sameEverywhere(t, []*testkit.RESTClient{ca, cb}, "iris")

	cfgC := cfgB
	cfgC.Cluster.Credentials = ""
	cfgC.Cluster.Timeout = 5 * time.Second // the refusal comes at once; a loaded machine may take a while to say it
	cfgC.ApplyDefaults()
	cfgC.DataDir = t.TempDir()
	if s, err := server.New(cfgC, nil); err != nil {
		t.Fatal(err)
	} else if err := s.Start(); err == nil || !strings.Contains(err.Error(), "uthorization") {
		t.Fatalf("a node without the bus's password: %v", err)
	}

	shutdown(t, a)
	testenv.Eventually(t, "b to see the bus gone", func() bool { return readyz(t, b) == http.StatusServiceUnavailable })
	a = testserver.Start(t, cfgA)
	ca = a.REST(testenv.CID1, testenv.Secret1)
	if got := ca.Export("iris"); !bytes.Equal(got, want) {
		t.Fatal("the embedded node restarted with another state")
	}
	testenv.Eventually(t, "b to be ready again", func() bool { return readyz(t, b) == http.StatusOK })
	cb.Learn("iris", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, testkit.IrisRows(t)[:5], -1))
	sameEverywhere(t, []*testkit.RESTClient{ca, cb}, "iris")
}

func shutdown(t *testing.T, s *testserver.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}
