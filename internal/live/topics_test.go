package live

import (
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/model"
)

// TestModelsLogProject: $models gets each event, $log the changes with their rows,
// $project follows freezes and models.
func TestModelsLogProject(t *testing.T) {
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
	f.learnXY(5, 5)
	f.p.SetFrozen(true)
	f.p.SetFrozen(false)
	m, err := model.Build(f.p.Snapshot(), "mlr", "m1", model.MLContext{InputNames: []string{"x"}, TargetNames: []string{"y"}})
	if err != nil {
		t.Fatal(err)
	}
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
	testenv.Eventually(t, "$project at the last version", func() bool {
		d := r.data("$project")
		return d[len(d)-1].Version == v && d[len(d)-1].Project.Models == 0 && d[len(d)-1].Project.Rows == 4
	})
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
