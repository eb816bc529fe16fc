package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/natstest"
	"github.com/symscore/symscore/internal/testkit/testserver"
	"github.com/symscore/symscore/model"
)

// The fault test: three symscore processes on a JetStream cluster of three NATS servers
// (child processes of the test binary), stream and buckets with three replicas, learners
// and forgetters on every node, builds; symscore nodes and NATS servers killed with -9
// and restarted at random moments, for SYMSCORE_FAULT_DURATION (default 30s), from
// SYMSCORE_FAULT_SEED (default 1). Afterwards every node holds the same bits, equal to
// the acknowledged changes plus some of the unacknowledged ones, each whole; every
// acknowledged model exists everywhere; and a node started empty loads the bus's newest
// snapshot (the stream was purged below it) and holds the same.

const faultMLR = `{"targetAttributeNames":["y"],"inputAttributeNames":["x"]}`

// faultPayload is the learn or forget DataFrame of m: rows copies of the row
// (x, y) = (id, 2·id + 1), so that a model of y on x can be built.
func faultPayload(m crashMessage) []byte {
	var b bytes.Buffer
	b.WriteString(`{"attributeNames":["x","y"],"attributeTypes":["C","C"],"data":[`)
	for i := range m.rows {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `["%d","%d"]`, m.id, 2*m.id+1)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// faultProject is what the clients know of one project: only one client writes it.
type faultProject struct {
	pid     string
	acked   []crashMessage
	unknown []crashMessage // sent, no acknowledgement: applied once or never
	models  []string       // built, acknowledged
}

// faultTally counts what the clients did.
type faultTally struct {
	sent, acked, unknown, builds, buildsAcked atomic.Int64
	mu                                        sync.Mutex
	statuses                                  map[string]int // replies other than OK
}

func (t *faultTally) status(s string) {
	t.mu.Lock()
	t.statuses[s]++
	t.mu.Unlock()
}

// faultNode is one symscore process of the test, restarted on the same addresses and
// data directory.
type faultNode struct {
	id, cfg, listen, admin string
	mu                     sync.Mutex
	p                      *process // nil while down
}

func TestClusterFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs six processes through faults")
	}
	duration := 30 * time.Second
	if v := os.Getenv("SYMSCORE_FAULT_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatal(err)
		}
		duration = d
	}
	seed := uint64(1)
	if v := os.Getenv("SYMSCORE_FAULT_SEED"); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		seed = s
	}
	rng := rand.New(rand.NewPCG(seed, 19))

	var nats []*natsChild
	for _, spec := range natstest.ClusterSpecs(t, 3) {
		nats = append(nats, startNATSChild(t, spec))
	}
	busURL := natsURLs(nats)
	nodeConfig := func(id, listen, admin, dataDir string) string {
		return writeConfig(t, fmt.Sprintf(`
listen: %q
admin_listen: %q
data_dir: %q
customers:
  - id: c1
    secrets: [%q]
auth:
  clock_skew_past: "4s"
  clock_skew_future: "1s"
cluster:
  nats_url: %q
  node_id: %q
  replicas: 3
  timeout: "3s"
  snapshot_records: 400
  snapshot_interval: "5s"
`, listen, admin, dataDir, crashSecret, busURL, id))
	}
	var nodes []*faultNode
	for i := range 3 {
		n := &faultNode{id: string(rune('a' + i)), listen: testserver.FreeAddr(t), admin: testserver.FreeAddr(t)}
		n.cfg = nodeConfig(n.id, n.listen, n.admin, t.TempDir())
		nodes = append(nodes, n)
	}
	start := func(n *faultNode) {
		n.mu.Lock()
		n.p = startServe(t, "--config", n.cfg)
		n.mu.Unlock()
	}
	kill := func(n *faultNode) {
		n.mu.Lock()
		p := n.p
		n.p = nil
		n.mu.Unlock()
		p.cmd.Process.Signal(syscall.SIGKILL)
		p.wait(t, 10*time.Second)
	}
	for _, n := range nodes {
		start(n)
	}
	for _, n := range nodes {
		if !readyWithin(n.admin, 60*time.Second) {
			n.p.cmd.Process.Signal(syscall.SIGKILL)
			_, stderr := n.p.wait(t, 10*time.Second)
			t.Fatalf("node %s not ready:\n%s", n.id, stderr)
		}
	}

	// Clients: two per node, each writing its own projects (a new one after 8 unknown
	// outcomes, so that the end can tell which of them were applied).
	var tally = faultTally{statuses: map[string]int{}}
	var projects []*faultProject
	var pmu sync.Mutex
	var nextID atomic.Int64
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	var clients sync.WaitGroup
	for _, n := range nodes {
		for c := range 2 {
			seed := rng.Uint64()
			clients.Go(func() {
				faultClient(t, ctx, n.listen, fmt.Sprintf("%s%d", n.id, c), seed, &nextID, &tally, func(p *faultProject) {
					pmu.Lock()
					projects = append(projects, p)
					pmu.Unlock()
				})
			})
		}
	}

	// Faults: every 1 to 4 s, kill -9 a symscore node or a NATS server (at most one of
	// each down at once) and restart it 0.5 to 3 s later.
	var faults struct{ nodes, nats int }
	func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Duration(1000+rng.IntN(3000)) * time.Millisecond):
			}
			down := time.Duration(500+rng.IntN(2500)) * time.Millisecond
			if rng.IntN(2) == 0 {
				n := nodes[rng.IntN(3)]
				kill(n)
				faults.nodes++
				time.Sleep(down)
				start(n)
			} else {
				i := rng.IntN(3)
				nats[i].kill()
				faults.nats++
				time.Sleep(down)
				nats[i] = startNATSChild(t, nats[i].spec)
			}
		}
	}()
	clients.Wait()

	// Settle: every node ready and holding the same bits of every project.
	for _, n := range nodes {
		if !readyWithin(n.admin, 60*time.Second) {
			t.Fatalf("node %s not ready after the faults", n.id)
		}
	}
	rests := make([]*testkit.RESTClient, len(nodes))
	for i, n := range nodes {
		rests[i] = testkit.NewREST(t, n.listen, "c1", crashSecret)
	}
	exportAll := func(r *testkit.RESTClient) map[string]string {
		out := map[string]string{}
		for _, pid := range r.Do(http.MethodGet, "/projects/list", "", nil).Expect(t, http.StatusOK, "OK").StrList(t) {
			out[pid] = string(r.Export(pid))
		}
		return out
	}
	var want map[string]string
	same := func() bool {
		want = exportAll(rests[0])
		for _, r := range rests[1:] {
			if fmt.Sprint(exportAll(r)) != fmt.Sprint(want) {
				return false
			}
		}
		return true
	}
	for deadline := time.Now().Add(60 * time.Second); !same(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			for i, r := range rests {
				var b strings.Builder
				for pid, st := range exportAll(r) {
					p, _ := model.UnmarshalProject([]byte(st))
					fmt.Fprintf(&b, " %s:%d/%d", pid, p.Snapshot().Total.N, p.Seq())
				}
				t.Logf("node %s (readyz %d):%s", nodes[i].id, readyzOf(nodes[i].admin), b.String())
			}
			t.Fatal("the nodes do not hold the same projects 60 s after the faults")
		}
	}
	unknownApplied, modelsChecked := 0, 0
	for _, fp := range projects {
		state, ok := want[fp.pid]
		if !ok {
			t.Fatalf("project %s, created with an acknowledgement, is on no node", fp.pid)
		}
		p, err := model.UnmarshalProject([]byte(state))
		if err != nil {
			t.Fatal(err)
		}
		unknownApplied += settleFault(t, fp, p.Snapshot().Total)
		for _, mid := range fp.models {
			if _, ok := p.Model(mid); !ok {
				t.Fatalf("model %s of project %s was acknowledged and is not there", mid, fp.pid)
			}
			modelsChecked++
		}
	}

	// A node started empty loads the newest snapshot and holds the same.
	testenv.Eventually(t, "every NATS server to be current", func() bool {
		for _, c := range nats {
			if !c.healthy() {
				return false
			}
		}
		return true
	})
	status := commandOutput(t, "cluster", "status", "--config", nodes[0].cfg)
	var js struct {
		Stream struct {
			Replicas int    `json:"replicas"`
			LastSeq  uint64 `json:"last_seq"`
		} `json:"stream"`
		Nodes []struct {
			Node string `json:"node"`
			Live bool   `json:"live"`
		} `json:"nodes"`
	}
	if err := json.Unmarshal([]byte(commandOutput(t, "cluster", "status", "--json", "--config", nodes[0].cfg)), &js); err != nil ||
		js.Stream.Replicas != 3 || js.Stream.LastSeq == 0 || len(js.Nodes) != 3 {
		t.Fatalf("cluster status --json: %v %+v", err, js)
	}
	joiner := &faultNode{id: "joiner", listen: testserver.FreeAddr(t), admin: testserver.FreeAddr(t)}
	joiner.cfg = nodeConfig(joiner.id, joiner.listen, joiner.admin, t.TempDir())
	start(joiner)
	loaded := joiner.p.waitLog(t, "cluster: starting from the bus's newest snapshot", 60*time.Second)
	if !readyWithin(joiner.admin, 60*time.Second) {
		t.Fatal("the joining node is not ready")
	}
	jr := testkit.NewREST(t, joiner.listen, "c1", crashSecret)
	testenv.Eventually(t, "the joining node to hold the same projects", func() bool {
		want = exportAll(rests[0])
		return fmt.Sprint(exportAll(jr)) == fmt.Sprint(want)
	})
	t.Logf("fault test, seed %d, %v: %d changes sent, %d acknowledged, %d unacknowledged (%d of them applied); other replies %v; %d builds, %d acknowledged (%d models checked); %d projects; faults: %d symscore kills, %d NATS kills; a new node loaded the snapshot covering %v\n%s",
		seed, duration, tally.sent.Load(), tally.acked.Load(), tally.unknown.Load(), unknownApplied, tally.statuses,
		tally.builds.Load(), tally.buildsAcked.Load(), modelsChecked, len(projects), faults.nodes, faults.nats, loaded["covered"], status)
	for _, n := range append(nodes, joiner) {
		n.p.cmd.Process.Signal(syscall.SIGTERM)
		code, stderr := n.p.wait(t, 30*time.Second)
		if code != 0 {
			t.Fatalf("node %s: exit %d\n%s", n.id, code, stderr)
		}
		if os.Getenv("SYMSCORE_FAULT_VERBOSE") != "" {
			t.Logf("node %s's log since its last start:\n%s", n.id, stderr)
		}
	}
}

// settleFault checks that mo, the statistics of fp's project, are its acknowledged
// changes plus a subset of its unacknowledged ones, each whole, and returns how many of
// those were applied.
func settleFault(t *testing.T, fp *faultProject, mo model.Moments) int {
	t.Helper()
	pick, ok := appliedSubset(mo, fp.acked, fp.unknown)
	if !ok {
		t.Fatalf("project %s (n %v) is not its %d acknowledged changes plus whole ones of the %d unacknowledged",
			fp.pid, mo.N, len(fp.acked), len(fp.unknown))
	}
	return len(pick)
}

// commandOutput runs the symscore binary with args and returns its output, failing the
// test unless it exits 0.
func commandOutput(t *testing.T, args ...string) string {
	t.Helper()
	out, err := command(t, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("symscore %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// faultClient writes its own projects through the node at addr until ctx ends: creates
// them (REST), learns and forgets (WebSocket) and builds (REST), recording every outcome.
// An error or a reply other than OK is an unknown outcome (the change may have been
// stored before the node or the bus failed); after 8 of them it moves to a new project.
func faultClient(t *testing.T, ctx context.Context, addr, name string, seed uint64, nextID *atomic.Int64, tally *faultTally, add func(*faultProject)) {
	rng := rand.New(rand.NewPCG(seed, 3))
	signer, _ := auth.NewSigner("c1", crashSecret, nil)
	rest := &testkit.RESTClient{T: t, Addr: addr, CID: "c1", Signer: signer,
		HC: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}}
	conns := map[bool]net.Conn{}
	drop := func() {
		for k, nc := range conns {
			nc.Close()
			delete(conns, k)
		}
	}
	defer drop()
	var fp *faultProject
	var live []crashMessage // acknowledged learns of fp not forgotten
	gen := 0
	for ctx.Err() == nil {
		if fp == nil || len(fp.unknown) >= 8 {
			gen++
			pid := fmt.Sprintf("%s-%d", name, gen)
			code, _ := restCall(rest, http.MethodPost, "/projects", "pid="+pid, nil)
			if code != http.StatusCreated {
				time.Sleep(100 * time.Millisecond) // the node or the bus is down: try a new name
				continue
			}
			fp = &faultProject{pid: pid}
			live = nil
			add(fp)
		}
		if rng.IntN(40) == 0 && len(live) > 2 {
			mid := "m" + strconv.Itoa(len(fp.models)+1)
			tally.builds.Add(1)
			if faultBuild(rest, fp.pid, mid) {
				fp.models = append(fp.models, mid)
				tally.buildsAcked.Add(1)
			}
			continue
		}
		m := crashMessage{id: int(nextID.Add(1)), rows: 1 + rng.IntN(4)}
		if len(live) > 3 && rng.IntN(4) == 0 {
			i := rng.IntN(len(live))
			m = live[i]
			m.forget = true
			live = append(live[:i], live[i+1:]...)
		}
		path := "/symetry/ws/learn"
		if m.forget {
			path = "/symetry/ws/forget"
		}
		msg := faultPayload(m)
		nc := conns[m.forget]
		if nc == nil {
			dctx, dcancel := context.WithTimeout(ctx, 3*time.Second)
			c, _, _, err := ws.Dial(dctx, "ws://"+addr+path)
			dcancel()
			if err != nil {
				if m.forget {
					live = append(live, crashMessage{id: m.id, rows: m.rows})
				}
				time.Sleep(100 * time.Millisecond) // the node is down
				continue
			}
			nc, conns[m.forget] = c, c
		}
		// Every message is signed (for this node's URL): after a reconnection the first
		// one must be, and a signature per message costs nothing here.
		msg = signer.AppendWSMessage(nil, "ws://"+addr+path, []string{fp.pid}, msg)
		tally.sent.Add(1)
		nc.SetDeadline(time.Now().Add(15 * time.Second))
		var reply []byte
		err := wsutil.WriteClientText(nc, msg)
		if err == nil {
			reply, err = wsutil.ReadServerText(nc)
		}
		var env struct{ StatusCode, StatusString string }
		if err == nil && json.Unmarshal(reply, &env) == nil && env.StatusCode == "OK" {
			tally.acked.Add(1)
			fp.acked = append(fp.acked, m)
			if !m.forget {
				live = append(live, m)
			}
			continue
		}
		tally.unknown.Add(1)
		fp.unknown = append(fp.unknown, m)
		if err != nil {
			drop()
		} else {
			tally.status(env.StatusCode)
		}
	}
}

// faultBuild builds model mid (mlr) of pid and waits for its job; true only when the job
// finished OK.
func faultBuild(rest *testkit.RESTClient, pid, mid string) bool {
	code, hdr := restCall(rest, http.MethodPost, "/projects/"+pid+"/build", "algo=mlr&modelid="+mid, []byte(faultMLR))
	if code != http.StatusAccepted {
		return false
	}
	loc := hdr.Get("Location")
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		code, _ := restCallPath(rest, http.MethodGet, loc, "", nil)
		switch code {
		case http.StatusAccepted:
			time.Sleep(50 * time.Millisecond)
		case http.StatusOK:
			return true
		default:
			return false
		}
	}
	return false
}

// restCall sends a signed request to the customer's rel path; 0 when it failed.
func restCall(rest *testkit.RESTClient, method, rel, query string, body []byte) (int, http.Header) {
	return restCallPath(rest, method, rest.Path(rel), query, body)
}

func restCallPath(rest *testkit.RESTClient, method, path, query string, body []byte) (int, http.Header) {
	u := "http://" + rest.Addr + path
	if query != "" {
		u += "?" + query
	}
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		return 0, nil
	}
	req.Header = rest.Sign(method, path, query, body)
	resp, err := rest.HC.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	var env struct{ StatusCode string }
	if json.NewDecoder(resp.Body).Decode(&env) != nil || (resp.StatusCode == http.StatusOK && env.StatusCode != "OK") {
		return 0, nil
	}
	return resp.StatusCode, resp.Header
}
