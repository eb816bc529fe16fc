package live

import (
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
)

// TestManySubscribers: a hub of more subscribers than parallelFrom delivers in parallel;
// every subscriber gets the final state, its versions in order, and the subscriber whose
// sink refuses is closed alone.
func TestManySubscribers(t *testing.T) {
	f := newFixture(t, 5*time.Millisecond)
	f.learnXY(1, 2)
	n := parallelFrom + 100
	sinks := make([]*recSink, n)
	for i := range sinks {
		sinks[i] = &recSink{}
		s := f.attach(sinks[i])
		if err := s.Subscribe([]string{"*", "$project"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	sinks[7].setRefuse(true)
	for i := range 300 {
		f.learnXY(float64(i), float64(i%7))
	}
	final := f.p.Version()
	for i, r := range sinks {
		if i == 7 {
			continue
		}
		f.waitData(r, "x")
		f.waitData(r, "$project")
		var last uint64
		for _, v := range r.data("y") {
			if v.Version < last {
				t.Fatalf("subscriber %d: y at version %d after %d", i, v.Version, last)
			}
			last = v.Version
		}
		if last != final {
			t.Fatalf("subscriber %d: y at version %d, final %d", i, last, final)
		}
	}
	if got := f.metric("symscore_subscriber_connections"); got != float64(n-1) {
		t.Fatalf("subscriber connections %v, want %d", got, n-1)
	}
}

// TestWatchedLearnAllocs: learning into a watched project — its hub marks itself dirty and
// keeps a $log entry — allocates nothing more than learning into any project: nothing.
func TestWatchedLearnAllocs(t *testing.T) {
	testenv.SkipAllocs(t)
	f := newFixture(t, time.Hour) // no run during the measure but the first values
	f.learnXY(1, 2)
	r := &recSink{}
	s := f.attach(r)
	if err := s.Subscribe([]string{"*", "$log"}, nil); err != nil {
		t.Fatal(err)
	}
	f.waitData(r, "x")
	frame := testkit.ParseFrame(t, `{"attributeNames":["x","y"],"attributeTypes":["C","C"],"data":[["3","4"]]}`)
	for range MaxLogEntries + 1 { // the log's ring is made and full
		if err := f.p.Learn(frame); err != nil {
			t.Fatal(err)
		}
	}
	if n := testing.AllocsPerRun(200, func() {
		if err := f.p.Learn(frame); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Fatalf("a learn into a watched project allocates %v times", n)
	}
}
