package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/natstest"
	"github.com/symscore/symscore/internal/testkit/testserver"
	"github.com/symscore/symscore/model"
)

// TestKill9ClusterNode runs two symscore binaries as nodes of one cluster (on a NATS server
// in this test's process). Clients learn and forget through node B, which is killed with
// SIGKILL after a random number of acknowledgements; node A learns on while B is down;
// then B is restarted. B answers /readyz 200 only once it has caught up: at its first 200
// it holds exactly A's state. That state holds every acknowledged message and, of those in
// flight at the kill, each whole or not at all.
func TestKill9ClusterNode(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two server binaries through crashes")
	}
	bus := natstest.Start(t)
	nodeConfig := func(id, listen, admin string) string {
		return writeConfig(t, fmt.Sprintf(`
listen: %q
admin_listen: %q
data_dir: %q
customers:
  - id: c1
    secrets: [%q]
cluster:
  nats_url: %q
  node_id: %q
`, listen, admin, t.TempDir(), crashSecret, bus.URL(), id))
	}
	// B's addresses are fixed, so that its /readyz can be polled from its start on.
	listenB, adminB := testserver.FreeAddr(t), testserver.FreeAddr(t)
	cfgA, cfgB := nodeConfig("a", "127.0.0.1:0", "127.0.0.1:0"), nodeConfig("b", listenB, adminB)
	a := startServe(t, "--config", cfgA)
	addrA := a.waitLog(t, "symscore started", 30*time.Second)["listen"].(string)
	restA := testkit.NewREST(t, addrA, "c1", crashSecret)
	restA.Create("p")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	var ledger crashLedger
	var nextID atomic.Int64
	const rounds, clients = 2, 3
	b := startServe(t, "--config", cfgB)
	if _, ok := b.waitLogOrExit(t, "symscore started", 30*time.Second); !ok {
		code, stderr := b.wait(t, time.Second)
		t.Fatalf("node b exited %d:\n%s", code, stderr)
	}
	for round := range rounds {
		acks := crashRound(t, b, listenB, clients, int64(20+rng.IntN(150)), rng, &nextID, &ledger)

		// While B is down, A goes on: B has that much to catch up with.
		learnOn(t, addrA, 400, &nextID, &ledger)

		b = startServe(t, "--config", cfgB)
		unready := 0
		deadline := time.Now().Add(30 * time.Second)
		for code := readyzOf(adminB); code != http.StatusOK; code = readyzOf(adminB) {
			if code == http.StatusServiceUnavailable {
				unready++
			}
			if time.Now().After(deadline) {
				t.Fatalf("round %d: node b not ready after 30s (last /readyz: %d)", round, code)
			}
			time.Sleep(time.Millisecond)
		}
		restB := testkit.NewREST(t, listenB, "c1", crashSecret)
		want := restA.Export("p")
		got := restB.Export("p")
		restB.HC.CloseIdleConnections() // its server end would hold the port after a kill
		if string(got) != string(want) {
			t.Fatalf("round %d: node b is ready but holds another state than node a", round)
		}
		proj, err := model.UnmarshalProject(want)
		if err != nil {
			t.Fatal(err)
		}
		settleTotal(t, proj.Snapshot().Total, &ledger)
		t.Logf("round %d: b killed after %d acknowledgements; %d messages acknowledged in all; /readyz said 503 %d times before 200",
			round, acks, len(ledger.acked), unready)
	}
	for name, p := range map[string]*process{"a": a, "b": b} {
		p.cmd.Process.Signal(syscall.SIGTERM)
		if code, stderr := p.wait(t, 15*time.Second); code != 0 {
			t.Fatalf("node %s: exit %d\n%s", name, code, stderr)
		}
	}
}

// learnOn learns n new messages through one WebSocket session on addr, each acknowledged.
func learnOn(t *testing.T, addr string, n int, nextID *atomic.Int64, ledger *crashLedger) {
	t.Helper()
	signer, _ := auth.NewSigner("c1", crashSecret, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	nc, _, _, err := ws.Dial(ctx, "ws://"+addr+"/symetry/ws/learn")
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	for i := range n {
		m := crashMessage{id: int(nextID.Add(1)), rows: 1 + i%3}
		msg := m.payload()
		if i == 0 {
			msg = signer.AppendWSMessage(nil, "ws://"+addr+"/symetry/ws/learn", []string{"p"}, msg)
		}
		if err := wsutil.WriteClientText(nc, msg); err != nil {
			t.Fatal(err)
		}
		reply, err := wsutil.ReadServerText(nc)
		if err != nil {
			t.Fatal(err)
		}
		var env struct{ StatusCode, StatusString string }
		if json.Unmarshal(reply, &env) != nil || env.StatusCode != "OK" {
			t.Fatalf("learn on a: %s", reply)
		}
		ledger.mu.Lock()
		ledger.acked = append(ledger.acked, m)
		ledger.mu.Unlock()
	}
}

// readyzOf is the code of admin's /readyz, 0 when nothing answers yet.
func readyzOf(admin string) int {
	// No kept-alive connection: its server end would hold the port after a kill.
	hc := http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := hc.Get("http://" + admin + "/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitLogOrExit is waitLog, but reports false instead of failing when the process exits
// first (its stderr is then what wait returns).
func (p *process) waitLogOrExit(t *testing.T, msg string, timeout time.Duration) (map[string]any, bool) {
	t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		select {
		case m, ok := <-p.logs:
			if !ok {
				return nil, false
			}
			if m["msg"] == msg {
				return m, true
			}
		case <-timer.C:
			t.Fatalf("no %q log line after %v", msg, timeout)
		}
	}
}
