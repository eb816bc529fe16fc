package live

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/metrics"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/model"
)

// recSink is a Sink that keeps every message, optionally refusing after some.
type recSink struct {
	mu     sync.Mutex
	msgs   []Message
	refuse bool // every Deliver fails
}

var errFull = errors.New("queue full")

func (r *recSink) Deliver(msgs []Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.refuse {
		return errFull
	}
	r.msgs = append(r.msgs, msgs...)
	return nil
}

func (r *recSink) setRefuse(v bool) {
	r.mu.Lock()
	r.refuse = v
	r.mu.Unlock()
}

// all returns a copy of the messages so far.
func (r *recSink) all() []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Message(nil), r.msgs...)
}

// data returns the data messages of name (or of the pair "a,b"), in order.
func (r *recSink) data(name string) []*Value {
	var out []*Value
	for _, m := range r.all() {
		if m.Kind == KindData && key(m.Value) == name {
			out = append(out, m.Value)
		}
	}
	return out
}

func (r *recSink) kinds(k Kind) []Message {
	var out []Message
	for _, m := range r.all() {
		if m.Kind == k {
			out = append(out, m)
		}
	}
	return out
}

func key(v *Value) string {
	if v.Kind == ValuePair {
		return v.Pair[0] + "," + v.Pair[1]
	}
	return v.Name
}

// fixture is a registry with project p of customer c and a notifier over it.
type fixture struct {
	t   *testing.T
	reg *model.Registry
	p   *model.Project
	n   *Notifier
	m   *metrics.Set
	wg  sync.WaitGroup // the hubs' goroutines
}

func newFixture(t *testing.T, interval time.Duration) *fixture {
	t.Helper()
	f := &fixture{t: t, reg: model.NewRegistry(), m: metrics.New()}
	p, err := f.reg.Create("c", "p", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	f.p = p
	f.n = New(Options{Interval: interval, MaxSubscriptions: 8, Metrics: f.m, Spawn: func(fn func()) {
		f.wg.Add(1)
		go func() { defer f.wg.Done(); fn() }()
	}})
	t.Cleanup(func() {
		testenv.Eventually(t, "every hub gone", func() bool { return f.n.Hubs() == 0 })
		f.wg.Wait()
	})
	return f
}

// learn learns the rows (cells as text) of columns names with types.
func (f *fixture) learn(names, types []string, rows ...[]string) {
	f.t.Helper()
	if err := f.p.Learn(testkit.ParseFrame(f.t, string(testkit.FrameJSON(names, types, rows, 0)))); err != nil {
		f.t.Fatal(err)
	}
}

// learnXY learns rows of x and y.
func (f *fixture) learnXY(xy ...float64) {
	f.t.Helper()
	var rows [][]string
	for i := 0; i+1 < len(xy); i += 2 {
		rows = append(rows, []string{fmt.Sprint(xy[i]), fmt.Sprint(xy[i+1])})
	}
	f.learn([]string{"x", "y"}, []string{"C", "C"}, rows...)
}

func (f *fixture) attach(sink Sink) *Subscriber {
	f.t.Helper()
	s, err := f.n.Attach(f.p, sink)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(s.Close)
	return s
}

// uni is explore's uni of name on the project now.
func (f *fixture) uni(name string) []model.Stat {
	f.t.Helper()
	st, err := model.Explore(f.p.Snapshot(), "uni", model.MLContext{InputNames: []string{name}})
	if err != nil {
		f.t.Fatal(err)
	}
	return st
}

// waitData waits for a data message of name at the project's current version.
func (f *fixture) waitData(r *recSink, name string) *Value {
	f.t.Helper()
	want := f.p.Version()
	var got *Value
	testenv.Eventually(f.t, "data of "+name+" at version "+fmt.Sprint(want), func() bool {
		d := r.data(name)
		if len(d) > 0 && d[len(d)-1].Version == want {
			got = d[len(d)-1]
			return true
		}
		return false
	})
	return got
}

// metric is the value of the unlabelled gauge or counter called name.
func (f *fixture) metric(name string) float64 {
	f.t.Helper()
	mfs, err := f.m.Registry().Gather()
	if err != nil {
		f.t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			m := mf.GetMetric()[0]
			return m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	f.t.Fatalf("no metric %s", name)
	return 0
}

// waitClosed waits until r got its closed message.
func (f *fixture) waitClosed(r *recSink) {
	f.t.Helper()
	testenv.Eventually(f.t, "closed", func() bool { return len(r.kinds(KindClosed)) == 1 })
}
