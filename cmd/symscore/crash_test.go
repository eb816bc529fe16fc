package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/store"
	"github.com/symscore/symscore/wal"
)

const crashSecret = "A1ciUrDJgm5LIJU710bxeQ=="

// crashRound has clients learn and forget on addr (crashClient) until killAfter
// acknowledgements, when p is killed with SIGKILL; it returns the acknowledgements once
// every client has stopped and p has exited.
func crashRound(t *testing.T, p *process, addr string, clients int, killAfter int64, rng *rand.Rand,
	nextID *atomic.Int64, ledger *crashLedger) int64 {
	t.Helper()
	var acks atomic.Int64
	var killed atomic.Bool
	kill := func() {
		if !killed.Swap(true) {
			p.cmd.Process.Signal(syscall.SIGKILL)
		}
	}
	var wg sync.WaitGroup
	for c := range clients {
		seed := rng.Uint64()
		wg.Go(func() { crashClient(t, addr, c, seed, nextID, ledger, &acks, killAfter, kill) })
	}
	wg.Wait()
	kill()
	p.wait(t, 10*time.Second)
	return acks.Load()
}

// crashMessage is one learn or forget: rows copies of the row x = id.
type crashMessage struct {
	id, rows int
	forget   bool
}

func (m crashMessage) payload() []byte {
	var b strings.Builder
	b.WriteString(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[`)
	for i := range m.rows {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `["%d"]`, m.id)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// crashLedger is what the clients know: messages acknowledged OK, and messages sent
// whose reply never came (the server died with them in flight).
type crashLedger struct {
	mu       sync.Mutex
	acked    []crashMessage
	inflight []crashMessage
}

// TestKill9Server runs the real symscore binary (durability always), has several clients
// learn and forget over WebSocket, kills the server with SIGKILL after a random number of
// acknowledgements, restarts it on the same data directory, and repeats. At the end the
// project's statistics hold every acknowledged message and, of the messages in flight at a
// kill, each either whole or not at all.
func TestKill9Server(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the server binary through several crashes")
	}
	dataDir, cfg := crashSetup(t)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var ledger crashLedger
	var nextID atomic.Int64
	const rounds, clients = 4, 6
	for round := range rounds {
		p := startServe(t, "--config", cfg)
		started := p.waitLog(t, "symscore started", 30*time.Second)
		addr := started["listen"].(string)
		acks := crashRound(t, p, addr, clients, int64(20+rng.IntN(200)), rng, &nextID, &ledger)
		// The binary recovers after the kill; a clean stop lets the test read the state.
		p = startServe(t, "--config", cfg)
		p.waitLog(t, "symscore started", 30*time.Second)
		p.cmd.Process.Signal(syscall.SIGTERM)
		if code, stderr := p.wait(t, 15*time.Second); code != 0 {
			t.Fatalf("round %d: clean stop after recovery: exit %d\n%s", round, code, stderr)
		}
		settle(t, dataDir, &ledger)
		t.Logf("round %d: killed after %d acknowledgements; %d messages acknowledged in all", round, acks, len(ledger.acked))
	}
}

// crashSetup makes a data directory holding customer c1's project p (it exists before the
// first start) and the configuration of a server on it: loopback ports chosen by the
// system, durability always, customer c1 with crashSecret.
func crashSetup(t *testing.T) (dataDir, cfg string) {
	t.Helper()
	dataDir = t.TempDir()
	s, err := store.Open(store.Options{Dir: dataDir, Mode: wal.ModeAlways})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Create("c1", "p", "", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	cfg = writeConfig(t, fmt.Sprintf(`
listen: "127.0.0.1:0"
admin_listen: "127.0.0.1:0"
data_dir: %q
durability: always
customers:
  - id: c1
    secrets: [%q]
`, dataDir, crashSecret))
	return dataDir, cfg
}

// settle opens the store the binary left, checks that the project holds every
// acknowledged message and a subset of those left in flight, each whole, and moves that
// subset to the acknowledged ones.
func settle(t *testing.T, dataDir string, ledger *crashLedger) {
	t.Helper()
	s, err := store.Open(store.Options{Dir: dataDir, Mode: wal.ModeAlways})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	proj, err := s.Project("c1", "p")
	if err != nil {
		t.Fatal(err)
	}
	settleTotal(t, proj.Snapshot().Total, ledger)
}

// settleTotal checks that mo, the statistics of the crash tests' project, hold every
// acknowledged message and a subset of those left in flight, each whole, and moves that
// subset to the acknowledged ones.
func settleTotal(t *testing.T, mo model.Moments, ledger *crashLedger) {
	t.Helper()
	if len(ledger.inflight) > 16 {
		t.Fatalf("%d messages in flight", len(ledger.inflight))
	}
	pick, ok := appliedSubset(mo, ledger.acked, ledger.inflight)
	if !ok {
		t.Fatalf("the recovered project (n %v) is not the %d acknowledged messages plus whole messages of the %d in flight",
			mo.N, len(ledger.acked), len(ledger.inflight))
	}
	ledger.acked = append(ledger.acked, pick...)
	ledger.inflight = nil
}

// appliedSubset finds which of the unsure messages mo holds besides the acknowledged ones:
// mo's Σ1, Σx and Σx² of its first attribute (x = the message's id) must be those of acked
// and the subset, each message whole. ok is false when no subset fits.
func appliedSubset(mo model.Moments, acked, unsure []crashMessage) (pick []crashMessage, ok bool) {
	var got [3]float64 // Σ1, Σx, Σx² of the learned-minus-forgotten rows
	got[0] = float64(mo.N)
	if mo.N > 0 {
		got[1] = float64(mo.N) * mo.Mean[0]
		got[2] = mo.M[0] + float64(mo.N)*mo.Mean[0]*mo.Mean[0]
	}
	sums := func(ms []crashMessage) (v [3]float64) {
		for _, m := range ms {
			w := float64(m.rows)
			if m.forget {
				w = -w
			}
			x := float64(m.id)
			v[0] += w
			v[1] += w * x
			v[2] += w * x * x
		}
		return v
	}
	base := sums(acked)
	for mask := 0; mask < 1<<len(unsure); mask++ {
		pick = pick[:0]
		for i, m := range unsure {
			if mask&(1<<i) != 0 {
				pick = append(pick, m)
			}
		}
		add := sums(pick)
		if got[0] == base[0]+add[0] && near(got[1], base[1]+add[1]) && near(got[2], base[2]+add[2]) {
			return pick, true
		}
	}
	return nil, false
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// crashClient learns new messages and forgets some of its acknowledged ones, one message
// at a time, until the connection breaks (the server was killed).
func crashClient(t *testing.T, addr string, c int, seed uint64, nextID *atomic.Int64, ledger *crashLedger, acks *atomic.Int64, killAfter int64, kill func()) {
	rng := rand.New(rand.NewPCG(seed, uint64(c)))
	signer, _ := auth.NewSigner("c1", crashSecret, nil)
	var learned []crashMessage // acknowledged by this client and not forgotten
	conns := map[bool]net.Conn{}
	defer func() {
		for _, nc := range conns {
			nc.Close()
		}
	}()
	for {
		m := crashMessage{id: int(nextID.Add(1)), rows: 1 + rng.IntN(5)}
		if len(learned) > 3 && rng.IntN(4) == 0 {
			i := rng.IntN(len(learned))
			m = learned[i]
			m.forget = true
			learned = append(learned[:i], learned[i+1:]...)
		}
		nc := conns[m.forget]
		path := "/symetry/ws/learn"
		if m.forget {
			path = "/symetry/ws/forget"
		}
		msg := m.payload()
		if nc == nil {
			var err error
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			nc, _, _, err = ws.Dial(ctx, "ws://"+addr+path)
			cancel()
			if err != nil {
				return // killed
			}
			conns[m.forget] = nc
			msg = signer.AppendWSMessage(nil, "ws://"+addr+path, []string{"p"}, msg)
		}
		ledger.mu.Lock()
		ledger.inflight = append(ledger.inflight, m)
		ledger.mu.Unlock()
		var reply []byte
		err := wsutil.WriteClientText(nc, msg)
		if err == nil {
			reply, err = wsutil.ReadServerText(nc)
		}
		if err != nil {
			return // killed: m stays in flight
		}
		var env struct{ StatusCode, StatusString string }
		if json.Unmarshal(reply, &env) != nil || env.StatusCode != "OK" {
			t.Errorf("client %d: reply %s", c, reply)
			kill()
			return
		}
		ledger.mu.Lock()
		for i, f := range ledger.inflight {
			if f == m {
				ledger.inflight = append(ledger.inflight[:i], ledger.inflight[i+1:]...)
				break
			}
		}
		ledger.acked = append(ledger.acked, m)
		ledger.mu.Unlock()
		if !m.forget {
			learned = append(learned, m)
		}
		if acks.Add(1) == killAfter {
			kill()
		}
	}
}
