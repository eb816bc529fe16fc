package cluster

import (
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/natstest"
)

// TestThreeNATSServersReplicasThree: two nodes on a JetStream cluster of three NATS
// servers, the stream and buckets with three replicas. Each NATS server in turn is shut
// down while a node learns, then started again: changes go on (a change the bus could not
// take is refused, never half-applied), snapshots are published and the stream purged,
// and at the end both nodes and a third one started empty from the snapshot hold the same
// bits, with every acknowledged row and no more than the unacknowledged ones besides.
func TestThreeNATSServersReplicasThree(t *testing.T) {
	if testing.Short() {
		t.Skip("forms a NATS cluster")
	}
	leaderTurns(t, 200*time.Millisecond)
	nats := natstest.StartCluster(t, 3)
	o := testOptions(nats.URL(), "a")
	o.Replicas, o.SnapshotRecords, o.DuplicateWindow, o.Timeout = 3, 30, 500*time.Millisecond, 2*time.Second
	a := startNode(t, o, t.TempDir())
	o.NodeID = "b"
	b := startNode(t, o, t.TempDir())
	must(t, a.st.Create("c1", "p", "", nil))
	testenv.Eventually(t, "the project on b", func() bool { return len(b.st.List("c1")) == 1 })
	ds := testkit.NewDataset(9, 100000, 3)
	acked, unknown, k := 0, 0, 0
	learnSome := func(n int) {
		for range n {
			on := []node{a, b}[k%2]
			lo := 3 * k
			k++
			if err := learn(t, on.st, "p", ds, lo, lo+2); err != nil {
				unknown += 2
				continue
			}
			acked += 2
		}
	}
	for i := range 3 {
		learnSome(40)
		nats.Stop(i)
		learnSome(40)
		nats.Restart(i)
		testenv.Eventually(t, "the NATS cluster to be current again", nats.Healthy)
	}
	learnSome(40)
	testenv.Eventually(t, "a and b to agree", func() bool { return state(t, a.st, "c1") == state(t, b.st, "c1") })
	st := streamStateOf(t, a)
	testenv.Eventually(t, "a snapshot and a purge", func() bool {
		snaps, err := a.snaps.list(t.Context())
		st = streamStateOf(t, a)
		return err == nil && len(snaps) > 0 && st.FirstSeq > 1
	})
	c := startNode(t, testOptions(nats.URL(), "c"), t.TempDir())
	want := state(t, a.st, "c1")
	testenv.Eventually(t, "c to agree", func() bool { return state(t, c.st, "c1") == want })
	p, err := a.st.Project("c1", "p")
	must(t, err)
	n := int(p.Snapshot().Total.N)
	t.Logf("%d rows acknowledged, %d unknown; the project holds %d; stream from %d to %d", acked, unknown, n, st.FirstSeq, st.LastSeq)
	if n < acked || n > acked+unknown {
		t.Fatalf("the project holds %d rows: %d were acknowledged, %d unknown", n, acked, unknown)
	}
}
