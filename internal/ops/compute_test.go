package ops

import (
	"context"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// TestBuildStoppedByShutdown: a build job whose context was cancelled (shutdown past its
// deadline) ends with SERVICE_UNAVAILABLE and publishes no model; an exploration whose
// request context has ended is refused the same way, and neither holds a compute slot.
func TestBuildStoppedByShutdown(t *testing.T) {
	s, _ := open(t, testConfig(t), nil)
	sc := s.Scratch()
	defer s.Release(sc)
	if err := s.Create(c1, "p", "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Learn(sc, c1, "p", []byte(`{"attributeNames":["x","y"],"attributeTypes":["C","C"],"data":[["1","2"],["2","4.5"],["3","5.5"],["4","8"]]}`)); err != nil {
		t.Fatal(err)
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Explore(gone, c1, "p", "uni", []model.MLContext{{InputNames: []string{"x"}}})
	if r := refusalOf(t, err); r.Status != protocol.StatusServiceUnavailable || r.Msg != "stopped: the client has gone" {
		t.Fatalf("exploration of a gone client: %+v", r)
	}
	s.jobs.cancel()
	id, err := s.Build(c1, &BuildArgs{PID: "p", Algo: "mlr", ModelID: "m", Context: model.MLContext{InputNames: []string{"x"}, TargetNames: []string{"y"}}})
	if err != nil {
		t.Fatal(err)
	}
	js, err := s.WaitJob(context.Background(), c1, id)
	if err != nil || js.Status != protocol.StatusServiceUnavailable || js.Msg != "build stopped: the server is shutting down" {
		t.Fatalf("job: %+v %v", js, err)
	}
	if _, err := s.ModelInfo(c1, "p", "m"); err == nil {
		t.Fatal("a stopped build published its model")
	}
	if s.ComputeBusy() != 0 || s.ComputeWaiting() != 0 {
		t.Fatalf("compute busy %d, waiting %d", s.ComputeBusy(), s.ComputeWaiting())
	}
}

// TestBuildStoppedByProjectDelete: a build job of a project deleted while it waits for a
// compute slot ends with the refusal publishing would get ("cannot find project") at once,
// leaving the queue, and publishes nothing; a build of another project goes on.
func TestBuildStoppedByProjectDelete(t *testing.T) {
	s, _ := open(t, testConfig(t), nil, func(o *Options) { o.ComputeSlots = 1 })
	sc := s.Scratch()
	defer s.Release(sc)
	for _, pid := range []string{"p", "q"} {
		if err := s.Create(c1, pid, "", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Learn(sc, c1, pid, []byte(`{"attributeNames":["x","y"],"attributeTypes":["C","C"],"data":[["1","2"],["2","4.5"],["3","5.5"],["4","8"]]}`)); err != nil {
			t.Fatal(err)
		}
	}
	bg := context.Background()
	if err := s.compute.Acquire(bg, "someone"); err != nil { // the only slot
		t.Fatal(err)
	}
	mc := model.MLContext{InputNames: []string{"x"}, TargetNames: []string{"y"}}
	doomed, err := s.Build(c1, &BuildArgs{PID: "p", Algo: "mlr", ModelID: "m", Context: mc})
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.Build(c1, &BuildArgs{PID: "q", Algo: "mlr", ModelID: "m", Context: mc})
	if err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "both builds waiting", func() bool { return s.ComputeWaiting() == 2 })
	p, err := s.project(c1, "p")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(c1, "p"); err != nil {
		t.Fatal(err)
	}
	waitCtx, cancel := context.WithTimeout(bg, 30*time.Second) // without the stop: never
	defer cancel()
	js, err := s.WaitJob(waitCtx, c1, doomed)
	if err != nil || js.Status != protocol.StatusBadRequest || js.Msg != `cannot find project "p"` {
		t.Fatalf("job of the deleted project: %+v %v", js, err)
	}
	if s.ComputeWaiting() != 1 || s.builds.running(p) != 0 {
		t.Fatalf("waiting %d, jobs of the deleted project %d", s.ComputeWaiting(), s.builds.running(p))
	}
	s.compute.Release()
	if js, err := s.WaitJob(bg, c1, other); err != nil || js.Status != protocol.StatusOK {
		t.Fatalf("job of the other project: %+v %v", js, err)
	}
	if _, err := s.ModelInfo(c1, "q", "m"); err != nil {
		t.Fatal(err)
	}
	if s.ComputeBusy() != 0 || s.ComputeWaiting() != 0 {
		t.Fatalf("compute busy %d, waiting %d", s.ComputeBusy(), s.ComputeWaiting())
	}
}
