package live

import (
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/model"
)

// TestModelsLogProject: $models gets each event, $log the changes with their rows,
// $project the last state after a burst of changes (a learn, a freeze, an unfreeze, a
// model built and deleted). Run as the changes come, and on one schedule forced: the
// hub reads the learn's state before the freeze (as when the changing goroutine is
// descheduled for an interval after the learn) and next after the model's delete, so
// that it never sees the model (one processor: the hub runs only when this goroutine
// waits). The last state then has the same $project value as the learn's, which was
// sent: nothing more is sent for it (docs/subscribe.md 4, a change that leaves a value
// as it was), and the last $project message keeps the learn's version. So the test asks
// what holds on every schedule: the last $project value is the last state's, and each
// value is the state of its version.
func TestModelsLogProject(t *testing.T) {
	t.Run("burst", func(t *testing.T) { modelsLogProject(t, false) })
	t.Run("model unseen", func(t *testing.T) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		modelsLogProject(t, true)
	})
}

func modelsLogProject(t *testing.T, learnReadAlone bool) {
	f := newFixture(t, 10*time.Millisecond)
	f.learnXY(1, 2, 2, 3, 4, 1)
	r := &recSink{}
	s := f.attach(r)
	if err := s.Subscribe([]string{"$models", "$log", "$project"}, nil); err != nil {
		t.Fatal(err)
	}
	f.waitData(r, "$project")
	if len(r.kinds(KindLog)) != 0 || len(r.kinds(KindModel)) != 0 {
		t.Fatal("$log or $models sent something before any change")
	}
	// Built beforehand (building changes nothing), so that the burst is short.
	m, err := model.Build(f.p.Snapshot(), "mlr", "m1", model.MLContext{InputNames: []string{"x"}, TargetNames: []string{"y"}})
	if err != nil {
		t.Fatal(err)
	}
	f.learnXY(5, 5)
	if learnReadAlone {
		f.waitData(r, "$project")
	}
	f.p.SetFrozen(true)
	f.p.SetFrozen(false)
	if err := f.p.PutModel(m); err != nil {
		t.Fatal(err)
	}
	if !f.p.DeleteModel("m1") {
		t.Fatal("delete")
	}
	v := f.p.Version()
	testenv.Eventually(t, "both model events", func() bool { return len(r.kinds(KindModel)) == 2 })
	ev := r.kinds(KindModel)
	if e := ev[0].Model; e.Deleted || e.ModelID != "m1" || e.ModelType != "mlr" || e.Version != v-1 {
		t.Fatalf("built %+v", e)
	}
	if e := ev[1].Model; !e.Deleted || e.Version != v {
		t.Fatalf("deleted %+v", e)
	}
	var entries []LogEntry
	testenv.Eventually(t, "three log entries", func() bool {
		entries = nil
		for _, m := range r.kinds(KindLog) {
			entries = append(entries, m.Log...)
		}
		return len(entries) == 3
	})
	if entries[0].Op != model.OpLearn || entries[0].Rows != 1 || entries[1].Op != model.OpFreeze || entries[2].Op != model.OpUnfreeze || entries[2].Version != v-2 {
		t.Fatalf("log %+v", entries)
	}

	// $project's value at each version from the learn's (v-4) on; the states of v-4,
	// v-2 and v have the same value.
	var rd model.Reading
	f.p.Read(&model.ReadRequest{}, &rd)
	last := ProjectValues{Rows: 4, Attributes: 2, LastModificationDate: rd.Modified}
	if got := projectOf(&rd); !sameProject(got, last) {
		t.Fatalf("the project at the end: %+v, want %+v", got, last)
	}
	frozen, built := last, last
	frozen.Frozen, built.Models = true, 1
	at := map[uint64]ProjectValues{v - 4: last, v - 3: frozen, v - 2: last, v - 1: built, v: last}
	var d []*Value
	testenv.Eventually(t, "$project at the last state", func() bool {
		d = r.data("$project")
		return sameProject(d[len(d)-1].Project, last)
	})
	for _, x := range d[1:] { // the first value is of the state before the learn
		if want, ok := at[x.Version]; !ok || !sameProject(x.Project, want) {
			t.Errorf("$project at version %d is %+v, want the state at that version (%d..%d)", x.Version, x.Project, v-4, v)
		}
	}
}

// projectOf is $project's value of a reading.
func projectOf(rd *model.Reading) ProjectValues {
	return ProjectValues{Rows: rd.Rows, Attributes: len(rd.Names), Models: rd.Models, Frozen: rd.Frozen, LastModificationDate: rd.Modified}
}

// sameProject reports whether two $project values are the same.
func sameProject(a, b ProjectValues) bool {
	return a.Rows == b.Rows && a.Attributes == b.Attributes && a.Models == b.Models && a.Frozen == b.Frozen &&
		a.LastModificationDate.Equal(b.LastModificationDate)
}

// TestProjectFollowsEachChange: $project gets the state of each change it is given time
// to read — a learn, a freeze, an unfreeze, a model built, a model deleted — each at its
// version.
func TestProjectFollowsEachChange(t *testing.T) {
	f := newFixture(t, 10*time.Millisecond)
	f.learnXY(1, 2, 2, 3, 4, 1)
	r := &recSink{}
	s := f.attach(r)
	if err := s.Subscribe([]string{"$project"}, nil); err != nil {
		t.Fatal(err)
	}
	f.waitData(r, "$project")
	m, err := model.Build(f.p.Snapshot(), "mlr", "m1", model.MLContext{InputNames: []string{"x"}, TargetNames: []string{"y"}})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		change func() error
		want   func(p *ProjectValues) bool
	}{
		{func() error { f.learnXY(5, 5); return nil }, func(p *ProjectValues) bool { return p.Rows == 4 && !p.Frozen && p.Models == 0 }},
		{func() error { f.p.SetFrozen(true); return nil }, func(p *ProjectValues) bool { return p.Rows == 4 && p.Frozen }},
		{func() error { f.p.SetFrozen(false); return nil }, func(p *ProjectValues) bool { return !p.Frozen && p.Models == 0 }},
		{func() error { return f.p.PutModel(m) }, func(p *ProjectValues) bool { return !p.Frozen && p.Models == 1 }},
		{func() error {
			if !f.p.DeleteModel("m1") {
				return errors.New("no model m1 to delete")
			}
			return nil
		}, func(p *ProjectValues) bool { return p.Rows == 4 && !p.Frozen && p.Models == 0 }},
	}
	for i, st := range steps {
		if err := st.change(); err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
		if got := f.waitData(r, "$project"); !st.want(&got.Project) {
			t.Fatalf("change %d: $project %+v at version %d", i, got.Project, got.Version)
		}
	}
	if n := len(r.data("$project")); n != len(steps)+1 {
		t.Fatalf("%d $project values, want %d: the first and one a change", n, len(steps)+1)
	}
}

// TestLogDropped: more changes than a log message holds within one interval: the last
// MaxLogEntries, and the others counted as dropped.
func TestLogDropped(t *testing.T) {
	f := newFixture(t, 300*time.Millisecond)
	f.learnXY(1, 2)
	r := &recSink{}
	s := f.attach(r)
	if err := s.Subscribe([]string{"$log"}, nil); err != nil {
		t.Fatal(err)
	}
	f.learnXY(0, 0) // the first log message goes at once; the next ones an interval later
	testenv.Eventually(t, "the first log message", func() bool { return len(r.kinds(KindLog)) == 1 })
	for i := range MaxLogEntries + 500 {
		f.learnXY(float64(i), 0)
	}
	testenv.Eventually(t, "the second log message", func() bool { return len(r.kinds(KindLog)) == 2 })
	lm := r.kinds(KindLog)[1]
	if len(lm.Log) != MaxLogEntries || lm.Dropped != 500 {
		t.Fatalf("log message of %d entries, %d dropped", len(lm.Log), lm.Dropped)
	}
	if lm.Log[len(lm.Log)-1].Version != f.p.Version() || lm.Log[0].Version != f.p.Version()-MaxLogEntries+1 {
		t.Fatalf("entries %d..%d, version %d", lm.Log[0].Version, lm.Log[len(lm.Log)-1].Version, f.p.Version())
	}
}
