package cluster

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/natstest"
)

// TestPurgeSparesLiveNodes: the leader publishes snapshots but purges nothing a live node
// has yet to apply: a node that says (heartbeat) it has applied record 1 holds the stream
// whole; once its heartbeat says it stopped, the stream is purged below the oldest
// snapshot kept.
func TestPurgeSparesLiveNodes(t *testing.T) {
	leaderTurns(t, 100*time.Millisecond)
	bus := natstest.Start(t)
	o := testOptions(bus.URL(), "a")
	// A snapshot is due at every new record: the leader's next turn after a batch covers
	// all of it, however the batch's learns fell between its turns.
	o.SnapshotRecords, o.DuplicateWindow = 1, 100*time.Millisecond
	a := startNode(t, o, t.TempDir())
	slow := Heartbeat{Node: "slow", Applied: 1, Started: time.Now()}
	beat := func() {
		slow.At = time.Now()
		must(t, a.nodes.put(context.Background(), slow))
	}
	beat()
	ds := testkit.NewDataset(2, 200, 2)
	must(t, a.st.Create("c1", "p", "", nil))
	// Two batches of 50 learns, each followed by a snapshot of everything.
	var kept []SnapshotInfo
	for batch := range 2 {
		for i := range 50 {
			must(t, learn(t, a.st, "p", ds, 50*batch+i, 50*batch+i+1))
		}
		last := streamStateOf(t, a).LastSeq
		testenv.Eventually(t, "a snapshot of the batch", func() bool {
			beat()
			var err error
			kept, err = a.snaps.list(context.Background())
			// At most 2: the leader's turn has pruned what its put left beyond the 2 kept.
			return err == nil && len(kept) > 0 && kept[0].Covered == last+1 && len(kept) <= 2
		})
	}
	if len(kept) != 2 || kept[1].Covered < 50 {
		t.Fatalf("snapshots %+v", kept)
	}
	beat()
	if first := streamStateOf(t, a).FirstSeq; first > 2 {
		t.Fatalf("the stream was purged below %d while a live node had applied record 1 only", first)
	}
	slow.Stopped = true
	beat()
	testenv.Eventually(t, "the purge below the oldest snapshot kept", func() bool {
		return streamStateOf(t, a).FirstSeq == kept[1].Covered
	})
}

// TestLeadershipHandsOver: the leader's clean stop gives the lock up, and the other node
// leads and publishes at once.
func TestLeadershipHandsOver(t *testing.T) {
	leaderTurns(t, 100*time.Millisecond)
	bus := natstest.Start(t)
	o := testOptions(bus.URL(), "a")
	o.SnapshotRecords = 5
	a := startNode(t, o, t.TempDir())
	waitLeader(t, bus.URL(), "a")
	o.NodeID = "b"
	b := startNode(t, o, t.TempDir())
	stopNode(a)
	waitLeader(t, bus.URL(), "b")
	ds := testkit.NewDataset(2, 200, 2)
	must(t, b.st.Create("c1", "p", "", nil))
	for i := range 10 {
		must(t, learn(t, b.st, "p", ds, i, i+1))
	}
	testenv.Eventually(t, "b's snapshot", func() bool {
		snaps, err := b.snaps.list(context.Background())
		return err == nil && len(snaps) > 0 && snaps[0].Node == "b"
	})
}

// TestBootstrapDistrustsItsResumePoint: a resume point that does not read, or that names
// another incarnation of the stream, is not followed: the node starts from the bus's
// snapshot, its own snapshot files replaced.
func TestBootstrapDistrustsItsResumePoint(t *testing.T) {
	leaderTurns(t, 100*time.Millisecond)
	bus := natstest.Start(t)
	o := testOptions(bus.URL(), "a")
	o.SnapshotRecords = 5
	a := startNode(t, o, t.TempDir())
	ds := testkit.NewDataset(2, 200, 2)
	must(t, a.st.Create("c1", "p", "", nil))
	for i := range 10 {
		must(t, learn(t, a.st, "p", ds, i, i+1))
	}
	testenv.Eventually(t, "a snapshot", func() bool {
		snaps, err := a.snaps.list(context.Background())
		return err == nil && len(snaps) > 0
	})
	want := state(t, a.st, "c1")
	for name, damage := range map[string]func(dir string){
		"corrupt": func(dir string) {
			must(t, os.WriteFile(filepath.Join(dir, resumeFile), []byte("junk"), 0o600))
		},
		"another stream": func(dir string) {
			r, ok, err := readResume(dir)
			if !ok || err != nil {
				t.Fatalf("resume point: %v %v", ok, err)
			}
			r.Created = r.Created.Add(-time.Hour)
			must(t, writeResume(dir, r))
		},
	} {
		dir := t.TempDir()
		b := startNode(t, testOptions(bus.URL(), "b"), dir)
		stopNode(b)
		damage(dir)
		// A stale snapshot file of a project that is not on the bus.
		must(t, os.WriteFile(filepath.Join(dir, "snapshots", "stale.snap"), []byte("x"), 0o600))
		b = startNode(t, testOptions(bus.URL(), "b"), dir)
		if got := state(t, b.st, "c1"); got != want {
			t.Fatalf("%s: the node holds another state", name)
		}
		if _, err := os.Stat(filepath.Join(dir, "snapshots", "stale.snap")); err == nil {
			t.Fatalf("%s: a stale snapshot file survived", name)
		}
		stopNode(b)
	}
}

// FuzzSnapshotName: a snapshot's name gives back the sequence it was made from, and no
// other name is taken for a snapshot's unless it is one's.
func FuzzSnapshotName(f *testing.F) {
	f.Add("snapshot-00000000000000000042", uint64(42))
	f.Add("snapshot-", uint64(1))
	f.Add("snapshot-0000000000000000004x", uint64(0))
	f.Fuzz(func(t *testing.T, name string, seq uint64) {
		if seq > 0 {
			if got, ok := parseSnapshotName(snapshotName(seq)); !ok || got != seq {
				t.Fatalf("%d: %d %v", seq, got, ok)
			}
		}
		if got, ok := parseSnapshotName(name); ok && snapshotName(got) != name {
			t.Fatalf("%q taken for the snapshot at %d", name, got)
		}
	})
}

// TestResignAfterCutRenewal: a node that stops while renewing the lock may hold it on the
// bus at a revision it never learned (its renewal's answer lost to Close). It still gives
// the lock up, and never one that another node holds.
func TestResignAfterCutRenewal(t *testing.T) {
	bus := natstest.Start(t)
	a := openNode(t, testOptions(bus.URL(), "a"))
	ctx := context.Background()
	rev, err := a.lock.Create(ctx, lockKey, []byte("a"))
	must(t, err)
	_, err = a.lock.Update(ctx, lockKey, []byte("a"), rev) // the renewal whose answer was lost
	must(t, err)
	(&leader{n: a.Node, rev: rev}).resign() // a stale revision
	if _, err := a.lock.Get(ctx, lockKey); err == nil {
		t.Fatal("a stale revision kept the lock")
	}
	rev, err = a.lock.Create(ctx, lockKey, []byte("a"))
	must(t, err)
	(&leader{n: a.Node}).resign() // no revision at all: the renewal failed on this side
	if _, err := a.lock.Get(ctx, lockKey); err == nil {
		t.Fatal("a failed renewal kept the lock")
	}
	_, err = a.lock.Create(ctx, lockKey, []byte("b"))
	must(t, err)
	(&leader{n: a.Node, rev: rev}).resign()
	if e, err := a.lock.Get(ctx, lockKey); err != nil || string(e.Value()) != "b" {
		t.Fatalf("another node's lock was given up: %v", err)
	}
}

// TestSnapshotMetrics: every node, not only the leader, reports the newest snapshot on the
// bus: when it was published and the sequence it covers.
func TestSnapshotMetrics(t *testing.T) {
	leaderTurns(t, 100*time.Millisecond)
	bus := natstest.Start(t)
	o := testOptions(bus.URL(), "a")
	o.SnapshotRecords = 1 // a snapshot after each round, however its learns fell
	a := startNode(t, o, t.TempDir())
	waitLeader(t, bus.URL(), "a")
	o.NodeID = "b"
	o.Metrics = &Metrics{SnapshotTime: prometheus.NewGauge(prometheus.GaugeOpts{Name: "t"}),
		SnapshotCovered: prometheus.NewGauge(prometheus.GaugeOpts{Name: "c"})}
	b := startNode(t, o, t.TempDir())
	if got := gaugeValue(t, o.Metrics.SnapshotCovered); got != 0 {
		t.Fatalf("covered %v before any snapshot", got)
	}
	ds := testkit.NewDataset(2, 200, 2)
	must(t, a.st.Create("c1", "p", "", nil))
	for round := range 2 {
		for i := range 10 {
			must(t, learn(t, a.st, "p", ds, 10*round+i, 10*round+i+1))
		}
		var newest SnapshotInfo
		testenv.Eventually(t, "b to report the newest snapshot", func() bool {
			snaps, err := b.snaps.list(context.Background())
			if err != nil || len(snaps) == 0 || snaps[0].Covered < uint64(10*round+10) {
				return false
			}
			newest = snaps[0]
			return gaugeValue(t, o.Metrics.SnapshotCovered) == float64(newest.Covered)
		})
		if got, want := gaugeValue(t, o.Metrics.SnapshotTime), float64(newest.Time.UnixNano())/1e9; math.Abs(got-want) > 1e-3 {
			t.Fatalf("round %d: published at %v, reported %v", round, want, got)
		}
	}
}

func gaugeValue(t *testing.T, g prometheus.Gauge) float64 {
	t.Helper()
	var m dto.Metric
	must(t, g.Write(&m))
	return m.GetGauge().GetValue()
}
