package ops

import (
	"context"
	"testing"

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
