package cluster

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/natstest"
	"github.com/symscore/symscore/store"
)

// startNode opens a node with its own directory dir as a server does: Bootstrap, the
// store on that directory, then Run (a candidate for snapshot leader). Close it with
// stopNode, or at the end of the test.
func startNode(t testing.TB, o Options, dir string) node {
	t.Helper()
	o.Dir = dir
	n, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := n.Bootstrap()
	if err != nil {
		n.Close()
		t.Fatal(err)
	}
	st, err := store.Open(store.Options{Dir: dir, Log: n.Log(), DeltaRecords: true, ReplayWindow: -1,
		CheckpointInterval: -1, Snapshot: snap})
	if err != nil {
		n.Close()
		t.Fatal(err)
	}
	n.Run(st)
	nd := node{n, st}
	t.Cleanup(func() { stopNode(nd) })
	return nd
}

// leaderTurns sets the snapshot leader's turn (leaderEvery) to every for the test's
// nodes, and gives the old one back when the test ends, after its nodes stop (cleanups run
// last first): call it before starting any.
func leaderTurns(t testing.TB, every time.Duration) {
	old := leaderEvery
	t.Cleanup(func() { leaderEvery = old })
	leaderEvery = every
}

// waitLeader waits until the bus at url names node id its snapshot leader.
func waitLeader(t testing.TB, url, id string) {
	t.Helper()
	testenv.Eventually(t, id+" to lead", func() bool {
		st, err := ReadStatus(testOptions(url, ""))
		return err == nil && st.Leader == id
	})
}

// stopNode closes a node as a server does: the store (a last checkpoint), then the bus.
func stopNode(n node) {
	n.st.Close()
	n.Close()
}

// streamState is the stream's state as the bus has it.
func streamStateOf(t testing.TB, n node) jetstream.StreamState {
	t.Helper()
	st, err := n.streamState(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestRestartResumesFromLocalSnapshots: a node closed cleanly records, with its last
// checkpoint, the stream sequence its snapshots cover; started again it resumes there,
// and needs no record below it (the stream purged below that point changes nothing).
func TestRestartResumesFromLocalSnapshots(t *testing.T) {
	bus := natstest.Start(t)
	dir := t.TempDir()
	a := startNode(t, testOptions(bus.URL(), "a"), dir)
	ds := testkit.NewDataset(3, 400, 3)
	must(t, a.st.Create("c1", "p", "", nil))
	for i := range 40 {
		must(t, learn(t, a.st, "p", ds, 10*i, 10*i+1+i%4))
	}
	want := state(t, a.st, "c1")
	last := streamStateOf(t, a).LastSeq
	stopNode(a)
	r, ok, err := readResume(dir)
	if err != nil || !ok || r.Next != last+1 || r.Stream != "SYMSCORE" {
		t.Fatalf("resume point %+v %v %v, want next %d", r, ok, err, last+1)
	}
	// Every record is covered: purge them all, as a snapshot leader could.
	b := openNode(t, testOptions(bus.URL(), "b"))
	s, err := b.js.Stream(context.Background(), "SYMSCORE")
	must(t, err)
	must(t, s.Purge(context.Background()))
	a = startNode(t, testOptions(bus.URL(), "a"), dir)
	if got := a.Log().resume.Load(); got != last+1 {
		t.Fatalf("resumed from %d, want %d", got, last+1)
	}
	if got := state(t, a.st, "c1"); got != want {
		t.Fatal("the restarted node holds another state")
	}
	must(t, learn(t, a.st, "p", ds, 0, 5)) // and it goes on
}

// TestSnapshotsBoundTheStream: with a small snapshot_records and replay window, the
// snapshot leader publishes snapshots while learners run, keeps two, and the stream stays
// bounded; a node started empty afterwards loads the newest snapshot and holds the same
// bits as the others, and so does a node that was down while the stream was purged past
// its resume point.
func TestSnapshotsBoundTheStream(t *testing.T) {
	leaderTurns(t, 200*time.Millisecond)
	bus := natstest.Start(t)
	o := testOptions(bus.URL(), "a")
	o.SnapshotRecords, o.DuplicateWindow = 40, 500*time.Millisecond
	a := startNode(t, o, t.TempDir())
	o.NodeID = "b"
	dirB := t.TempDir()
	b := startNode(t, o, dirB)
	ds := testkit.NewDataset(5, 100000, 3)
	must(t, a.st.Create("c1", "p", "", nil))
	must(t, a.st.Create("c1", "q", "", nil))
	testenv.Eventually(t, "the projects on b", func() bool { return len(b.st.List("c1")) == 2 })
	stopNode(b) // down while the stream moves past it; its snapshots are at its close

	// Two learners paced at about 200 records a second each for 4 s: 1600 records.
	var wg sync.WaitGroup
	var mu sync.Mutex
	maxMsgs := uint64(0)
	stop := make(chan struct{})
	wg.Go(func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			st := streamStateOf(t, a)
			mu.Lock()
			if st.LastSeq > 800 { // once it has run a while
				maxMsgs = max(maxMsgs, st.Msgs)
			}
			mu.Unlock()
		}
	})
	var learners sync.WaitGroup
	for w, pid := range []string{"p", "q"} {
		learners.Go(func() {
			tick := time.NewTicker(5 * time.Millisecond)
			defer tick.Stop()
			for k := range 800 {
				<-tick.C
				lo := (w*800 + k) * 2
				must(t, learn(t, a.st, pid, ds, lo, lo+1+k%2))
			}
		})
	}
	learners.Wait()
	close(stop)
	wg.Wait()
	final := streamStateOf(t, a)
	// The leader puts a snapshot, then prunes the oldest in the same turn: a list between
	// the two sees one more than it keeps.
	var snaps []SnapshotInfo
	testenv.Eventually(t, "the leader's turn to end with at most 2 snapshots", func() bool {
		var err error
		snaps, err = a.snaps.list(context.Background())
		must(t, err)
		return len(snaps) <= 2
	})
	t.Logf("%d records; the stream held at most %d after the first 800, holds %d from %d; %d snapshots, newest at %d (%d bytes)",
		final.LastSeq, maxMsgs, final.Msgs, final.FirstSeq, len(snaps), snaps[0].Covered, snaps[0].Size)
	if len(snaps) == 0 || len(snaps) > 2 {
		t.Fatalf("%d snapshots kept, want 1 or 2", len(snaps))
	}
	// Unbounded, the stream would hold every record: 1600 and more. Bounded, it holds
	// about what the window (0.5 s, ~200 records), and two snapshots a leader's turn
	// (0.2 s) apart, leave: well under 800.
	if maxMsgs >= 800 || final.FirstSeq < 2 {
		t.Fatalf("the stream held up to %d records (first %d): not bounded", maxMsgs, final.FirstSeq)
	}
	want := state(t, a.st, "c1")
	c := startNode(t, testOptions(bus.URL(), "c"), t.TempDir())
	if got := state(t, c.st, "c1"); got != want {
		t.Fatal("a node started empty from the snapshot holds another state")
	}
	if c.Log().resume.Load() != 0 {
		t.Fatal("a new node took a resume point")
	}
	b = startNode(t, testOptions(bus.URL(), "b"), dirB)
	if got := state(t, b.st, "c1"); got != want {
		t.Fatal("a node restarted after its records were purged holds another state")
	}

	// The status: three live nodes that have applied the last record, the stream, the
	// leader (a, the only candidate while b and c were away) and the snapshots.
	stopNode(c)
	var st *Status
	testenv.Eventually(t, "the status to show every node", func() bool {
		var err error
		st, err = ReadStatus(testOptions(bus.URL(), ""))
		must(t, err)
		return len(st.Nodes) == 3 && st.Nodes[0].Live && st.Nodes[1].Live && st.Nodes[2].Stopped &&
			st.Nodes[0].Lag == 0 && st.Nodes[1].Lag == 0
	})
	if st.Nodes[0].Node != "a" || st.Nodes[0].Applied != st.Stream.LastSeq || st.Stream.FirstSeq < final.FirstSeq ||
		st.Leader != "a" || len(st.Snapshots) == 0 || st.Snapshots[0].Node != "a" || st.Stream.Messages == 0 {
		t.Fatalf("status %+v", st)
	}
}
