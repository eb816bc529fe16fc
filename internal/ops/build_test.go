package ops

import (
	"context"
	"strings"
	"testing"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// learnXY makes project pid of c1 with four rows of x and y.
func learnXY(t *testing.T, s *Service, pid string) {
	t.Helper()
	if err := s.Create(c1, pid, "", nil); err != nil {
		t.Fatal(err)
	}
	sc := s.Scratch()
	defer s.Release(sc)
	if _, err := s.Learn(sc, c1, pid, []byte(`{"attributeNames":["x","y"],"attributeTypes":["C","C"],"data":[["1","2"],["2","4.5"],["3","5.5"],["4","8"]]}`)); err != nil {
		t.Fatal(err)
	}
}

// buildXY builds model id of project p (mlr of y on x) and waits for its job; it returns
// the job's state, or the refusal of the build request.
func buildXY(t *testing.T, s *Service, pid, id string, replace bool) (JobState, error) {
	t.Helper()
	job, err := s.Build(c1, &BuildArgs{PID: pid, Algo: "mlr", ModelID: id, Replace: replace,
		Context: model.MLContext{InputNames: []string{"x"}, TargetNames: []string{"y"}}})
	if err != nil {
		return JobState{}, err
	}
	return s.WaitJob(context.Background(), c1, job)
}

// TestBuildReplace: a build of a model id the project has is refused with CONFLICT before
// anything is built unless Replace, which replaces the model; the refused build changed
// nothing.
func TestBuildReplace(t *testing.T) {
	s, _ := open(t, testConfig(t), nil)
	learnXY(t, s, "p")
	if js, err := buildXY(t, s, "p", "m", false); err != nil || js.Status != protocol.StatusOK {
		t.Fatalf("first build: %+v %v", js, err)
	}
	first, err := s.ModelInfo(c1, "p", "m")
	if err != nil {
		t.Fatal(err)
	}
	_, err = buildXY(t, s, "p", "m", false)
	r := refusalOf(t, err)
	if r.Status != protocol.StatusConflict || r.Msg != `model "m" of project "p" exists; build with replace=true to replace it` {
		t.Fatalf("rebuild without replace: %+v", r)
	}
	if again, _ := s.ModelInfo(c1, "p", "m"); !again.CreationDate.Equal(first.CreationDate) {
		t.Fatal("the refused build replaced the model")
	}
	if js, err := buildXY(t, s, "p", "m", true); err != nil || js.Status != protocol.StatusOK {
		t.Fatalf("rebuild with replace: %+v %v", js, err)
	}
	second, _ := s.ModelInfo(c1, "p", "m")
	if !second.CreationDate.After(first.CreationDate) {
		t.Fatalf("replace kept the model of %v (now %v)", first.CreationDate, second.CreationDate)
	}
	// Replace on a new id builds it.
	if js, err := buildXY(t, s, "p", "new", true); err != nil || js.Status != protocol.StatusOK {
		t.Fatalf("replace of a new id: %+v %v", js, err)
	}
}

// TestBuildOfAModelBeingBuilt: while a build of a model runs, another build of it is
// refused with CONFLICT, replace or not; and a build without replace whose model id was
// published while it ran fails instead of replacing that model.
func TestBuildOfAModelBeingBuilt(t *testing.T) {
	started, release := make(chan struct{}, 1), make(chan struct{})
	s, _ := open(t, testConfig(t), nil, func(o *Options) {
		o.BeforeBuild = func() { started <- struct{}{}; <-release }
	})
	learnXY(t, s, "p")
	held, err := s.Build(c1, &BuildArgs{PID: "p", Algo: "mlr", ModelID: "m",
		Context: model.MLContext{InputNames: []string{"x"}, TargetNames: []string{"y"}}})
	if err != nil {
		t.Fatal(err)
	}
	<-started
	for _, replace := range []bool{false, true} {
		_, err := s.Build(c1, &BuildArgs{PID: "p", Algo: "mlr", ModelID: "m", Replace: replace})
		if r := refusalOf(t, err); r.Status != protocol.StatusConflict || !strings.Contains(r.Msg, "is being built") {
			t.Fatalf("second build (replace %v) while one runs: %+v", replace, r)
		}
	}
	// A model of that id appears while the held build runs (as no request can make it:
	// straight into the store).
	p, err := s.project(c1, "p")
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Build(p.Snapshot(), "mlr", "m", model.MLContext{InputNames: []string{"x"}, TargetNames: []string{"y"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.publishModel(c1, p, m); err != nil {
		t.Fatal(err)
	}
	close(release)
	js, err := s.WaitJob(context.Background(), c1, held)
	if err != nil || js.Status != protocol.StatusConflict {
		t.Fatalf("held build after its model appeared: %+v %v, want CONFLICT", js, err)
	}
	if got, ok := p.Model("m"); !ok || !got.Info().CreationDate.Equal(m.Info().CreationDate) {
		t.Fatal("the held build replaced the model published meanwhile")
	}
	// The key is free again.
	if js, err := buildXY(t, s, "p", "m", true); err != nil || js.Status != protocol.StatusOK {
		t.Fatalf("rebuild with replace after the held build ended: %+v %v", js, err)
	}
}
