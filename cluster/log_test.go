package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/natstest"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/store"
)

// testOptions are a node's options on the bus at url.
func testOptions(url, id string) Options {
	return Options{URL: url, NodeID: id, Stream: "SYMSCORE", Replicas: 1, DuplicateWindow: time.Minute,
		JobRetention: time.Hour, Timeout: 5 * time.Second}
}

// node is a Node with its store, both closed when the test ends.
type node struct {
	*Node
	st *store.Store
}

func openNode(t testing.TB, o Options) node {
	t.Helper()
	n, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(store.Options{Log: n.Log(), DeltaRecords: true})
	if err != nil {
		n.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		st.Close()
		n.Close()
	})
	return node{n, st}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// state is every project of customer cid exported: equal states are equal bits.
func state(t testing.TB, st *store.Store, cid string) string {
	t.Helper()
	var b strings.Builder
	for _, pid := range st.List(cid) {
		data, err := st.Export(cid, pid)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %x\n", pid, data)
	}
	return b.String()
}

func learn(t testing.TB, st *store.Store, pid string, ds *testkit.Dataset, lo, hi int) error {
	return st.Learn("c1", pid, testkit.ParseFrame(t, ds.FrameJSON(lo, hi)))
}

// TestNodesApplyTheSameStream: two nodes learning and forgetting concurrently into shared
// projects, creating, merging, freezing, importing and deleting others, building and
// deleting models: both hold the same bits, and a third node started afterwards catches up
// to them from the stream before Open returns.
func TestNodesApplyTheSameStream(t *testing.T) {
	bus := natstest.Start(t)
	a := openNode(t, testOptions(bus.URL(), "a"))
	b := openNode(t, testOptions(bus.URL(), "b"))
	ds := testkit.NewDataset(1, 2000, 4)
	must(t, a.st.Create("c1", "p", "", nil))
	testenv.Eventually(t, "the project on b", func() bool { _, err := b.st.Project("c1", "p"); return err == nil })
	var wg sync.WaitGroup
	for i, n := range []node{a, b} {
		for w := range 2 {
			wg.Go(func() {
				for k := range 20 {
					lo := 500*(2*i+w) + 20*k
					if err := learn(t, n.st, "p", ds, lo, lo+1+k%5); err != nil {
						t.Error(err)
					}
					if k%4 == 3 {
						err := n.st.Forget("c1", "p", testkit.ParseFrame(t, ds.FrameJSON(lo, lo+1)))
						if err != nil && !errors.Is(err, model.ErrNegativeCount) {
							t.Error(err)
						}
					}
				}
			})
		}
		wg.Go(func() {
			for k := range 3 {
				pid := fmt.Sprintf("tmp-%d-%d", i, k)
				must(t, n.st.Create("c1", pid, "", nil))
				must(t, learn(t, n.st, pid, ds, 0, 30))
				p, err := n.st.Project("c1", pid)
				must(t, err)
				m, err := model.Build(p.Snapshot(), "lda", "m", model.MLContext{InputNames: ds.InputNames(), TargetNames: []string{"t"}})
				must(t, err)
				must(t, n.st.PutModelInto("c1", p, m))
				switch k {
				case 0:
					must(t, n.st.Merge("c1", pid, "p"))
					must(t, n.st.SetFrozen("c1", pid, true))
					must(t, n.st.SetFrozen("c1", pid, false))
					data, err := n.st.Export("c1", pid)
					must(t, err)
					must(t, n.st.Import("c1", pid+"-copy", data))
					must(t, n.st.DeleteModel("c1", pid+"-copy", "m"))
					must(t, n.st.Delete("c1", pid))
				case 2:
					must(t, n.st.Delete("c1", pid))
				}
			}
		})
	}
	wg.Wait()
	// Each node has applied its own changes; the other's come within the replication lag.
	var want string
	testenv.Eventually(t, "a and b to hold the same state", func() bool {
		want = state(t, a.st, "c1")
		return state(t, b.st, "c1") == want
	})
	if got := len(a.st.List("c1")); got != 5 {
		t.Fatalf("%d projects, want 5: %v", got, a.st.List("c1"))
	}
	c := openNode(t, testOptions(bus.URL(), "c"))
	if got := state(t, c.st, "c1"); got != want {
		t.Fatalf("a node started later holds another state after catching up")
	}
}

// TestAcknowledgedIsApplied: when a change returns, the node that made it has applied it;
// the other node has it within the replication lag.
func TestAcknowledgedIsApplied(t *testing.T) {
	bus := natstest.Start(t)
	a := openNode(t, testOptions(bus.URL(), "a"))
	b := openNode(t, testOptions(bus.URL(), "b"))
	ds := testkit.NewDataset(2, 100, 3)
	must(t, a.st.Create("c1", "p", "", nil))
	p, err := a.st.Project("c1", "p")
	must(t, err)
	for i := range 50 {
		must(t, learn(t, a.st, "p", ds, 2*i, 2*i+2))
		if p.Rows() != int64(2*i+2) {
			t.Fatalf("after learn %d: %d rows on the node that learned", i, p.Rows())
		}
	}
	testenv.Eventually(t, "the rows on b", func() bool {
		q, err := b.st.Project("c1", "p")
		return err == nil && q.Rows() == 100
	})
}

// TestReplayRefusedOnEveryNode: a seen record accepted through one node is refused through
// the other (the stream's duplicate window), and through the first.
func TestReplayRefusedOnEveryNode(t *testing.T) {
	bus := natstest.Start(t)
	a := openNode(t, testOptions(bus.URL(), "a"))
	b := openNode(t, testOptions(bus.URL(), "b"))
	key := [16]byte{0xde, 0xad}
	must(t, a.st.RecordSeen(key, time.Now()))
	for _, n := range []node{b, a} {
		if err := n.st.RecordSeen(key, time.Now()); !errors.Is(err, store.ErrReplayed) {
			t.Fatalf("replay through %s: %v", n.NodeID(), err)
		}
	}
	must(t, b.st.RecordSeen([16]byte{0xbe, 0xef}, time.Now()))
}

// TestBusDownRefusesChangesAndResumes: with the NATS server stopped, changes are refused
// at once (store.ErrUnavailable) and Err says so; once it is back, both nodes reconnect,
// catch up, and every acknowledged change is there, on both.
func TestBusDownRefusesChangesAndResumes(t *testing.T) {
	bus := natstest.Start(t)
	a := openNode(t, testOptions(bus.URL(), "a"))
	b := openNode(t, testOptions(bus.URL(), "b"))
	ds := testkit.NewDataset(3, 100, 3)
	must(t, a.st.Create("c1", "p", "", nil))
	must(t, learn(t, a.st, "p", ds, 0, 10))
	bus.Stop()
	testenv.Eventually(t, "the nodes to notice", func() bool { return a.st.Err() != nil && b.st.Err() != nil })
	start := time.Now()
	err := learn(t, b.st, "p", ds, 10, 20)
	if !errors.Is(err, store.ErrUnavailable) || !errors.Is(err, ErrBusUnreachable) {
		t.Fatalf("learn with the bus down: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the refusal took %v", d)
	}
	bus.Restart()
	testenv.Eventually(t, "the nodes to reconnect", func() bool { return a.st.Err() == nil && b.st.Err() == nil })
	must(t, learn(t, b.st, "p", ds, 20, 30))
	must(t, learn(t, a.st, "p", ds, 30, 40))
	want := state(t, a.st, "c1")
	testenv.Eventually(t, "b to catch up", func() bool { return state(t, b.st, "c1") == want })
	p, _ := a.st.Project("c1", "p")
	if p.Rows() != 30 {
		t.Fatalf("%d rows, want the 30 acknowledged", p.Rows())
	}
}

// TestRecordTooLarge: a change larger than the bus takes is refused as too large (a bad
// request), and nothing is published.
func TestRecordTooLarge(t *testing.T) {
	bus := natstest.StartMaxPayload(t, 64<<10)
	a := openNode(t, testOptions(bus.URL(), "a"))
	must(t, a.st.Create("c1", "p", "", nil))
	before := a.Log().NextSeq()
	// 60 rows of 100 columns: logged as their delta (d = 100), about 80 KB; the server
	// takes 64 KiB.
	const rows, cols = 60, 100
	var sb strings.Builder
	sb.WriteString(`{"attributeNames":[`)
	for j := range cols {
		if j > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `"x%d"`, j)
	}
	sb.WriteString(`],"attributeTypes":[` + strings.Repeat(`"C",`, cols-1) + `"C"],"data":[`)
	for i := range rows {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('[')
		for j := range cols {
			if j > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, `"%d"`, (i*j)%97)
		}
		sb.WriteByte(']')
	}
	sb.WriteString(`]}`)
	f := testkit.ParseFrame(t, sb.String())
	err := a.st.Learn("c1", "p", f)
	var me *model.Error
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "max_payload") {
		t.Fatalf("a change over max_payload: %v", err)
	}
	if got := a.Log().NextSeq(); got != before {
		t.Fatalf("next sequence %d, was %d", got, before)
	}
}

// TestPurgedStreamRefusesToStart: a node that needs records the stream no longer holds
// does not start (it would hold another state than the others).
func TestPurgedStreamRefusesToStart(t *testing.T) {
	bus := natstest.Start(t)
	a := openNode(t, testOptions(bus.URL(), "a"))
	must(t, a.st.Create("c1", "p", "", nil))
	must(t, a.st.SetFrozen("c1", "p", true))
	s, err := a.js.Stream(context.Background(), "SYMSCORE")
	must(t, err)
	must(t, s.Purge(context.Background(), jetstream.WithPurgeSequence(2)))
	n, err := Open(testOptions(bus.URL(), "b"))
	must(t, err)
	defer n.Close()
	_, err = store.Open(store.Options{Log: n.Log()})
	if err == nil || !strings.Contains(err.Error(), "purged") {
		t.Fatalf("a node on a purged stream: %v", err)
	}
}

// fakeMsg is a stream message with a given sequence.
type fakeMsg struct {
	jetstream.Msg
	seq uint64
}

func (m fakeMsg) Metadata() (*jetstream.MsgMetadata, error) {
	var md jetstream.MsgMetadata
	md.Sequence.Stream = m.seq
	return &md, nil
}

// TestGapStopsTheNode: a record that does not follow the last one delivered (records
// deleted from the stream) is a lasting failure: the node reports it and stops.
func TestGapStopsTheNode(t *testing.T) {
	bus := natstest.Start(t)
	a := openNode(t, testOptions(bus.URL(), "a"))
	l := a.Log()
	l.next.Store(7)
	if _, _, _, err := l.accept(fakeMsg{seq: 9}); !errors.Is(err, ErrGap) {
		t.Fatalf("a gap: %v", err)
	}
	if err := a.st.Err(); !errors.Is(err, ErrGap) || !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Err after a gap: %v", err)
	}
}

// TestGiveUpOrDelivered: a change whose Append gives up is delivered as another node's if
// its record comes after all; one the consumer claimed first is waited for.
func TestGiveUpOrDelivered(t *testing.T) {
	l := &Log{origin: "n.00-", pending: map[uint64]*pending{}}
	p := &pending{done: make(chan struct{})}
	l.pending[1] = p
	if !l.giveUp(1) || l.claim("n.00-1") != nil {
		t.Fatal("a change given up is still claimed")
	}
	l.pending[2] = p
	if l.claim("n.00-2") != p || l.giveUp(2) {
		t.Fatal("a claimed change can be given up")
	}
	for _, origin := range []string{"", "m.00-2", "n.00-", "n.00-x", "n.00-99"} {
		if l.claim(origin) != nil {
			t.Errorf("claim(%q) found a change", origin)
		}
	}
}

func TestSubject(t *testing.T) {
	for _, tc := range []struct{ cid, pid, want string }{
		{"c1", "iris", "symscore.c1.iris"},
		{"c.1", "a*b>c d%e", "symscore.c%2E1.a%2Ab%3Ec%20d%25e"},
		{"c~_-", "é", "symscore.c~_-.%C3%A9"},
	} {
		if got := Subject("symscore", []byte(tc.cid), []byte(tc.pid)); got != tc.want {
			t.Errorf("Subject(%q, %q) = %q, want %q", tc.cid, tc.pid, got, tc.want)
		}
	}
	long := bytes.Repeat([]byte("."), 200)
	tok := EscapeToken(long)
	if len(tok) != 34 || !strings.HasPrefix(tok, "%%") || tok == EscapeToken(long[1:]) {
		t.Errorf("a long id's token: %q", tok)
	}
	if got := EscapeToken(bytes.Repeat([]byte("a"), maxTokenBytes)); len(got) != maxTokenBytes {
		t.Errorf("an id of %d plain bytes became %q", maxTokenBytes, got)
	}
}

// TestForeignMessagesOnTheStream: messages on the stream that are not records, or records
// that do not decode, change nothing on any node, live or catching up; the nodes go on.
func TestForeignMessagesOnTheStream(t *testing.T) {
	bus := natstest.Start(t)
	a := openNode(t, testOptions(bus.URL(), "a"))
	ds := testkit.NewDataset(4, 100, 3)
	must(t, a.st.Create("c1", "p", "", nil))
	must(t, learn(t, a.st, "p", ds, 0, 10))
	p, err := a.st.Project("c1", "p")
	must(t, err)
	s, err := a.js.Stream(context.Background(), "SYMSCORE")
	must(t, err)
	m, err := s.GetMsg(context.Background(), 2) // the learn
	must(t, err)
	good := m.Data
	for _, m := range []struct{ subject, data string }{
		{"symscore.c1.p", "garbage"},
		{"symscore.c1.p", ""},
		{"symscore.c1.p", string(good[:len(good)-3])},                   // truncated
		{"symscore.c1.p", string(append(good[:2:2], 0xff, 0xff, 0xff))}, // a record head cut short
		{"symscore.c1.p", string(append(append([]byte{}, good...), 0))}, // a trailing byte
		{"symscore.seen", "not a seen record"},
	} {
		_, err := a.js.Publish(context.Background(), m.subject, []byte(m.data))
		must(t, err)
	}
	must(t, learn(t, a.st, "p", ds, 10, 20))
	want := state(t, a.st, "c1")
	if p.Rows() != 20 {
		t.Fatalf("%d rows, want 20", p.Rows())
	}
	b := openNode(t, testOptions(bus.URL(), "b"))
	if got := state(t, b.st, "c1"); got != want {
		t.Fatal("a node catching up over foreign messages holds another state")
	}
	must(t, learn(t, b.st, "p", ds, 20, 30))
	testenv.Eventually(t, "a to apply b's learn", func() bool { return p.Rows() == 30 })
}

// TestCloseWithTheBusDown: a node closes cleanly while the bus is unreachable.
func TestCloseWithTheBusDown(t *testing.T) {
	bus := natstest.Start(t)
	n, err := Open(testOptions(bus.URL(), "a"))
	must(t, err)
	st, err := store.Open(store.Options{Log: n.Log(), DeltaRecords: true})
	must(t, err)
	must(t, st.Create("c1", "p", "", nil))
	bus.Stop()
	testenv.Eventually(t, "the node to notice", func() bool { return st.Err() != nil })
	must(t, st.Close())
	must(t, n.Close())
}

// TestCredsFile: a node logs in to a bus in operator mode with a NATS credentials file;
// without it, it cannot join.
func TestCredsFile(t *testing.T) {
	bus, creds := natstest.StartOperator(t)
	o := testOptions(bus.URL(), "a")
	o.CredsFile = creds
	a := openNode(t, o)
	must(t, a.st.Create("c1", "p", "", nil))
	must(t, learn(t, a.st, "p", testkit.NewDataset(1, 10, 2), 0, 10))
	o.CredsFile, o.NodeID, o.Timeout = "", "b", 300*time.Millisecond
	if n, err := Open(o); err == nil {
		n.Close()
		t.Fatal("a node without credentials joined")
	}
}
