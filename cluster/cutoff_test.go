package cluster

import (
	"errors"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/natstest"
	"github.com/symscore/symscore/store"
)

// TestCutOffNodeNeedsRestart: a node cut off from the bus while another goes on, long
// enough to stop counting as live and for the leader to purge the records it has yet to
// apply, finds them gone when it is back: it applies nothing more and its store says a
// restart is needed (ErrRestartNeeded: what /healthz reports). Restarted on its
// directory, it loads the bus's newest snapshot and holds the other node's state.
func TestCutOffNodeNeedsRestart(t *testing.T) {
	leaderTurns(t, 100*time.Millisecond)
	live := liveFor
	t.Cleanup(func() { liveFor = live }) // after the nodes stop (cleanups run last first)
	liveFor = 3 * time.Second
	bus := natstest.Start(t)
	opts := func(url, id string) Options {
		o := testOptions(url, id)
		o.SnapshotRecords, o.DuplicateWindow = 5, 100*time.Millisecond
		return o
	}
	a := startNode(t, opts(bus.URL(), "a"), t.TempDir())
	waitLeader(t, bus.URL(), "a")
	proxy := natstest.StartProxy(t, bus)
	dirB := t.TempDir()
	b := startNode(t, opts(proxy.URL(), "b"), dirB)
	ds := testkit.NewDataset(3, 400, 2)
	must(t, a.st.Create("c1", "p", "", nil))
	must(t, learn(t, a.st, "p", ds, 0, 10))
	testenv.Eventually(t, "b to apply a's changes", func() bool { return state(t, b.st, "c1") == state(t, a.st, "c1") })
	if err := b.st.Err(); err != nil {
		t.Fatalf("b before the cut: %v", err)
	}

	proxy.Cut()
	next := b.Log().NextSeq()
	for i := 1; i < 30; i++ {
		must(t, learn(t, a.st, "p", ds, 10*i, 10*i+10))
	}
	testenv.Eventually(t, "the purge past b's next record", func() bool {
		return streamStateOf(t, a).FirstSeq > next
	})
	proxy.Restore()
	testenv.Eventually(t, "b to find its records gone", func() bool {
		return errors.Is(b.st.Err(), store.ErrRestartNeeded)
	})
	if err := b.st.Err(); !errors.Is(err, ErrGap) && !errors.Is(err, ErrPurged) {
		t.Fatalf("b's failure: %v", err)
	}
	if state(t, b.st, "c1") == state(t, a.st, "c1") {
		t.Fatal("b holds a's state without the records")
	}

	stopNode(b)
	b = startNode(t, opts(bus.URL(), "b"), dirB)
	if got, want := state(t, b.st, "c1"), state(t, a.st, "c1"); got != want {
		t.Fatal("restarted, b holds another state than a")
	}
	if err := b.st.Err(); err != nil {
		t.Fatalf("b after the restart: %v", err)
	}
}
