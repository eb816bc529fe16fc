package live

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/metrics"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/model"
)

// TestSubscribeFirstValues: names at attach, then the subscribed answer (with the
// pending names), then a first value of each subscription, equal to explore's uni and
// bi of the same state.
func TestSubscribeFirstValues(t *testing.T) {
	f := newFixture(t, 20*time.Millisecond)
	f.learnXY(1, 2, 3, 5, 4, 4.5)
	r := &recSink{}
	s := f.attach(r)
	if m := r.all(); len(m) != 1 || m[0].Kind != KindNames || !m[0].Initial || !slices.Equal(m[0].Names, []string{"x", "y"}) {
		t.Fatalf("first message %+v", m)
	}
	if err := s.Subscribe([]string{"y", "zz", "$project", "y"}, [][2]string{{"x", "y"}, {"x", "q"}}); err != nil {
		t.Fatal(err)
	}
	m := r.all()
	if m[1].Kind != KindSubscribed || !slices.Equal(m[1].Ack.Names, []string{"y", "zz", "$project"}) || !slices.Equal(m[1].Ack.Pending, []string{"zz"}) || len(m[1].Ack.Pairs) != 2 {
		t.Fatalf("answer %+v", m[1].Ack)
	}
	y := f.waitData(r, "y")
	for i, st := range f.uni("y")[:6] {
		got := []float64{y.Uni.Count, y.Uni.Mean, y.Uni.Variance, y.Uni.Stddev, y.Uni.Min, y.Uni.Max}[i]
		if math.Abs(got-st.Value) > 1e-12*math.Abs(st.Value) {
			t.Errorf("%s = %v, uni says %v", st.Key, got, st.Value)
		}
	}
	pr := f.waitData(r, "x,y")
	bi, err := model.Explore(f.p.Snapshot(), "bi", model.MLContext{InputNames: []string{"x", "y"}})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(pr.Bi.Covar-bi[0].Value) > 1e-12*math.Abs(bi[0].Value) || math.Abs(pr.Bi.LinCorr-bi[1].Value) > 1e-12 {
		t.Fatalf("pair %+v, bi %v", pr.Bi, bi)
	}
	proj := f.waitData(r, "$project")
	if pv := proj.Project; pv.Rows != 3 || pv.Attributes != 2 || pv.Models != 0 || pv.Frozen {
		t.Fatalf("$project %+v", pv)
	}
	if len(r.data("zz")) != 0 || len(r.data("x,q")) != 0 {
		t.Fatal("a pending name or pair got data")
	}
	if got := f.metric("symscore_subscriptions"); got != 5 {
		t.Fatalf("subscriptions gauge %v, want 5", got)
	}
}

// TestChangesCoalesced: a burst of changes gives each subscription at most one data
// message per interval, in version order, the last of them at the final version.
func TestChangesCoalesced(t *testing.T) {
	const interval = 40 * time.Millisecond
	f := newFixture(t, interval)
	f.learnXY(1, 2)
	r := &recSink{}
	s := f.attach(r)
	if err := s.Subscribe([]string{"x"}, nil); err != nil {
		t.Fatal(err)
	}
	f.waitData(r, "x")
	start := time.Now()
	for i := range 200 {
		f.learnXY(float64(i), 1)
	}
	last := f.waitData(r, "x")
	elapsed := time.Since(start)
	if last.Uni.Count != 201 {
		t.Fatalf("final count %v", last.Uni.Count)
	}
	d := r.data("x")
	for i := 1; i < len(d); i++ {
		if d[i].Version <= d[i-1].Version {
			t.Fatalf("versions out of order: %d after %d", d[i].Version, d[i-1].Version)
		}
	}
	// Receipt times bound the rate over the whole burst only (a delay makes elapsed
	// longer, never shorter): the hub reads its clock before a delivery and the sink at
	// receipt, and a loaded machine's scheduler may delay one delivery by tens of
	// milliseconds, bringing it close to the next (seen: 5 ms apart at a 40 ms interval).
	// TestDuePacesChanges checks the pacing itself on the hub's own clock.
	if max := int(elapsed/interval) + 2; len(d) > max {
		t.Fatalf("%d data messages in %v", len(d), elapsed)
	}
	if f.metric("symscore_subscribe_values_coalesced_total") == 0 {
		t.Fatal("nothing counted as coalesced")
	}
}

// TestDuePacesChanges: on the hub's own clock, changes are read at most once per
// interval after the last read, and at once when a first value is wanted or the project
// was deleted; a hub with no subscriber is empty.
func TestDuePacesChanges(t *testing.T) {
	const interval = 40 * time.Millisecond
	n := New(Options{Interval: interval, Metrics: metrics.New(), Spawn: func(func()) {}})
	t0 := time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC)
	h := &hub{n: n, subs: []*Subscriber{{}}}
	h.run.lastRead = t0
	if run, wait, empty := h.due(t0.Add(time.Millisecond)); run || wait != 0 || empty {
		t.Fatalf("nothing changed: run %v, wait %v, empty %v", run, wait, empty)
	}
	h.dirty = true
	for _, c := range []struct {
		at   time.Duration
		run  bool
		wait time.Duration
	}{{0, false, interval}, {time.Millisecond, false, interval - time.Millisecond}, {interval - 1, false, 1}, {interval, true, 0}, {3 * interval, true, 0}} {
		if run, wait, _ := h.due(t0.Add(c.at)); run != c.run || wait != c.wait {
			t.Fatalf("a change, %v after the last read: run %v, wait %v; want %v, %v", c.at, run, wait, c.run, c.wait)
		}
	}
	h.run.nextDue = t0.Add(interval / 4) // a deferred value, due before the interval ends
	if run, wait, _ := h.due(t0); run || wait != interval/4 {
		t.Fatalf("a deferred value due first: run %v, wait %v", run, wait)
	}
	h.run.nextDue = time.Time{}
	h.kick = true
	if run, _, _ := h.due(t0); !run {
		t.Fatal("a first value wanted does not run at once")
	}
	h.kick, h.deleted = false, true
	if run, _, _ := h.due(t0); !run {
		t.Fatal("a deleted project does not run at once")
	}
	h.deleted, h.subs = false, nil
	if _, _, empty := h.due(t0); !empty {
		t.Fatal("a hub without subscribers is not empty")
	}
}

// TestUnsubscribeResubscribe: nothing after unsubscribed; a new subscribe starts over
// with a first value.
func TestUnsubscribeResubscribe(t *testing.T) {
	f := newFixture(t, 10*time.Millisecond)
	f.learnXY(1, 2)
	r := &recSink{}
	s := f.attach(r)
	if err := s.Subscribe([]string{"x", "y"}, nil); err != nil {
		t.Fatal(err)
	}
	f.waitData(r, "x")
	f.waitData(r, "y")
	if err := s.Unsubscribe([]string{"x", "nope"}, nil); err != nil {
		t.Fatal(err)
	}
	n := len(r.data("x"))
	f.learnXY(5, 6)
	f.waitData(r, "y") // y still flows, so the change was delivered
	if len(r.data("x")) != n {
		t.Fatal("data of x after unsubscribe")
	}
	un := r.kinds(KindUnsubscribed)
	if len(un) != 1 || !slices.Equal(un[0].Ack.Names, []string{"x", "nope"}) {
		t.Fatalf("unsubscribed %+v", un)
	}
	if err := s.Subscribe([]string{"x"}, nil); err != nil {
		t.Fatal(err)
	}
	if v := f.waitData(r, "x"); v.Uni.Count != 2 {
		t.Fatalf("first value again: %+v", v)
	}
	// Resubscribing a subscribed name sends its first value again, without a change.
	n = len(r.data("y"))
	if err := s.Subscribe([]string{"y"}, nil); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "y again", func() bool { return len(r.data("y")) == n+1 })
	if got := f.metric("symscore_subscriptions"); got != 2 {
		t.Fatalf("subscriptions gauge %v, want 2", got)
	}
}

// TestPendingAndWildcard: a pending name starts flowing when it appears, after a names
// message; the wildcard gets every attribute, new ones too.
func TestPendingAndWildcard(t *testing.T) {
	f := newFixture(t, 10*time.Millisecond)
	f.learnXY(1, 2)
	r := &recSink{}
	s := f.attach(r)
	if err := s.Subscribe([]string{"z", "*"}, [][2]string{{"x", "z"}}); err != nil {
		t.Fatal(err)
	}
	f.waitData(r, "x")
	f.waitData(r, "y")
	f.learn([]string{"z", "k"}, []string{"C", "T"}, []string{"7", "a"}, []string{"8", "b"})
	f.waitData(r, "z")
	f.waitData(r, "k$b")
	f.waitData(r, "x,z")
	var joined []string
	for _, m := range r.kinds(KindNames)[1:] {
		if m.Initial {
			t.Fatal("a later names message is initial")
		}
		joined = append(joined, m.Names...)
	}
	if !slices.Equal(joined, []string{"z", "k$a", "k$b"}) {
		t.Fatalf("names that joined: %v", joined)
	}
	// Every names message comes before the first data of its names.
	seen := map[string]bool{"x": true, "y": true}
	for _, m := range r.all() {
		switch m.Kind {
		case KindNames:
			for _, n := range m.Names {
				seen[n] = true
			}
		case KindData:
			if m.Value.Kind == ValueAttribute && !seen[m.Value.Name] {
				t.Fatalf("data of %s before its names message", m.Value.Name)
			}
		}
	}
	// z has a subscription of its own and the wildcard: one message per version, not two.
	versions := map[uint64]bool{}
	for _, v := range r.data("z") {
		if versions[v.Version] {
			t.Fatalf("z sent twice at version %d", v.Version)
		}
		versions[v.Version] = true
	}
}

// TestDeleteCloses: a deleted project closes its subscribers (closed last) and its hub;
// attaching to it is refused.
func TestDeleteCloses(t *testing.T) {
	f := newFixture(t, 10*time.Millisecond)
	f.learnXY(1, 2)
	r1, r2 := &recSink{}, &recSink{}
	s1 := f.attach(r1)
	f.attach(r2)
	if err := s1.Subscribe([]string{"x"}, nil); err != nil {
		t.Fatal(err)
	}
	f.waitData(r1, "x")
	if err := f.reg.Delete("c", "p"); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*recSink{r1, r2} {
		testenv.Eventually(t, "closed", func() bool { return len(r.kinds(KindClosed)) == 1 })
		m := r.all()
		if last := m[len(m)-1]; last.Kind != KindClosed || last.Reason != "project deleted" {
			t.Fatalf("last message %+v", last)
		}
	}
	if err := s1.Subscribe([]string{"y"}, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("subscribe after delete: %v", err)
	}
	if _, err := f.n.Attach(f.p, &recSink{}); !errors.Is(err, model.ErrProjectNotFound) {
		t.Fatalf("attach to a deleted project: %v", err)
	}
	testenv.Eventually(t, "the hub gone", func() bool { return f.n.Hubs() == 0 })
	if got := f.metric("symscore_subscriber_connections"); got != 0 {
		t.Fatalf("subscribers gauge %v", got)
	}
}

// TestLimitsAndRefusingSinks: a subscribe past MaxSubscriptions subscribes nothing; a
// sink that refuses closes its subscriber alone.
func TestLimitsAndRefusingSinks(t *testing.T) {
	f := newFixture(t, 10*time.Millisecond)
	f.learnXY(1, 2)
	r1, r2 := &recSink{}, &recSink{}
	s1, s2 := f.attach(r1), f.attach(r2)
	if err := s1.Subscribe([]string{"a", "b", "c", "d", "e", "f", "*"}, [][2]string{{"x", "y"}, {"y", "x"}}); !errors.Is(err, ErrTooManySubscriptions) {
		t.Fatalf("9 subscriptions past 8: %v", err)
	}
	if len(r1.kinds(KindSubscribed)) != 0 || f.metric("symscore_subscriptions") != 0 {
		t.Fatal("a refused subscribe subscribed something")
	}
	if err := s1.Subscribe([]string{"x", "*"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := s2.Subscribe([]string{"x"}, nil); err != nil {
		t.Fatal(err)
	}
	f.waitData(r1, "x")
	f.waitData(r2, "x")
	r1.setRefuse(true)
	f.learnXY(3, 3)
	f.waitData(r2, "x")
	if err := s1.Subscribe([]string{"y"}, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("subscriber of a refusing sink: %v", err)
	}
	f.learnXY(4, 4)
	f.waitData(r2, "x")
}
