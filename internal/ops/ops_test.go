package ops

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
	"github.com/symscore/symscore/wal/waltest"
)

func refusalOf(t *testing.T, err error) *Refusal {
	t.Helper()
	var r *Refusal
	if !errors.As(err, &r) {
		t.Fatalf("error %T %v is not a *Refusal", err, err)
	}
	return r
}

// TestVerifyWSNamesTheCustomer: a signed message verifies to its customer; sent again it
// is a replay; a bad signature is an authentication failure with the string to sign.
func TestVerifyWSNamesTheCustomer(t *testing.T) {
	s, _ := open(t, testConfig(t), nil)
	sc := s.Scratch()
	defer s.Release(sc)
	req := signedLearn(t, sc, "p", `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`)
	c, err := sc.VerifyWS(req)
	if err != nil || c != c1 || c.ID() != testenv.CID1 {
		t.Fatalf("VerifyWS: %v %v", c, err)
	}
	_, err = sc.VerifyWS(req)
	if r := refusalOf(t, err); r.Status != protocol.StatusConflict || r.AuthFailed || r.Reason != ReasonReplay {
		t.Fatalf("replay: %+v", r)
	}
	bad := signedLearn(t, sc, "p", `{}`)
	bad.Payload = []byte(`{"x":1}`) // the MD5 no longer matches
	_, err = sc.VerifyWS(bad)
	if r := refusalOf(t, err); !r.AuthFailed || r.Status != protocol.StatusBadRequest {
		t.Fatalf("tampered: %+v", r)
	}
	forged := signedLearn(t, sc, "p", `{}`)
	forged.Signature = []byte("5+38zLMsXJlRj56cwn4S07vmdPkSArnYRhm/MldCWng=")
	_, err = sc.VerifyWS(forged)
	r := refusalOf(t, err)
	if !r.AuthFailed || r.Status != protocol.StatusUnauthorized || !strings.Contains(string(r.StringToSign), "SECRETKEY") {
		t.Fatalf("forged: %+v", r)
	}
	if strings.Contains(string(r.StringToSign), testenv.Secret1) {
		t.Fatal("the string to sign holds the secret")
	}
}

// TestAcceptedSignatureNotLoggable: when the log cannot keep an accepted signature (the
// store failed), the signed change is refused with SERVICE_UNAVAILABLE, not acknowledged
// without its replay record.
func TestAcceptedSignatureNotLoggable(t *testing.T) {
	ffs := waltest.New(nil)
	s, _ := open(t, testConfig(t), ffs)
	if err := s.Create(c1, "p", "", nil); err != nil {
		t.Fatal(err)
	}
	sc := s.Scratch()
	defer s.Release(sc)
	ffs.Inject(waltest.Fault{Op: waltest.OpSync, Err: syscall.EIO, Repeat: true})
	if _, err := s.Learn(sc, c1, "p", []byte(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`)); err == nil {
		t.Fatal("learn acknowledged with a failing fsync")
	}
	_, err := sc.VerifyWS(signedLearn(t, sc, "p", `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["2"]]}`))
	if r := refusalOf(t, err); r.Status != protocol.StatusServiceUnavailable || !strings.Contains(r.Msg, "durability") {
		t.Fatalf("verify with a failed log: %+v", r)
	}
	if s.Healthy() {
		t.Fatal("Healthy after a failed fsync")
	}
}

// TestCustomersApart: a customer sees only its own projects; another's project id is
// "cannot find project".
func TestCustomersApart(t *testing.T) {
	s, _ := open(t, testConfig(t), nil)
	if err := s.Create(c1, "p", "", nil); err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.List(c2); len(ids) != 0 {
		t.Fatalf("c2 sees %v", ids)
	}
	_, err := s.Info(c2, "p")
	if r := refusalOf(t, err); r.Msg != `cannot find project "p"` {
		t.Fatalf("c2 info: %+v", r)
	}
	if err := s.Create(c2, "p", "", nil); err != nil {
		t.Fatalf("c2 cannot have its own p: %v", err)
	}
}

// TestPredictions: one row of outputs per DataFrame row, a skipped row in its place with
// none, the values the model's; a plan kept by the caller is used.
func TestPredictions(t *testing.T) {
	s, _ := open(t, testConfig(t), nil)
	sc := s.Scratch()
	defer s.Release(sc)
	if err := s.Create(c1, "p", "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Learn(sc, c1, "p", []byte(`{"attributeNames":["x","y"],"attributeTypes":["C","C"],"data":[["1","2"],["2","4.5"],["3","5.5"],["4","8"]]}`)); err != nil {
		t.Fatal(err)
	}
	id, err := s.Build(c1, &BuildArgs{PID: "p", Algo: "mlr", ModelID: "m", Context: model.MLContext{InputNames: []string{"x"}, TargetNames: []string{"y"}}})
	if err != nil {
		t.Fatal(err)
	}
	js, err := s.WaitJob(context.Background(), c1, id)
	if err != nil || !js.Done || js.Status != protocol.StatusOK {
		t.Fatalf("job: %+v %v", js, err)
	}
	var plan model.Plan
	preds, err := s.Predict(sc, c1, &PredictArgs{PID: "p", ModelID: "m", Plan: &plan,
		Frame: []byte(`{"attributeNames":["x"],"attributeTypes":["C"],"errorHandling":1,"data":[["1"],["bad"],["3"]]}`)})
	if err != nil {
		t.Fatal(err)
	}
	m := preds.Model()
	if preds.Rows() != 3 || plan.Model() != m {
		t.Fatalf("%d rows, plan for %v", preds.Rows(), plan.Model())
	}
	for i, x := range []float64{1, 0, 3} {
		out, ok := preds.Row(i)
		if ok != (i != 1) {
			t.Fatalf("row %d: scored %v", i, ok)
		}
		if !ok {
			continue
		}
		want := make([]float64, 1)
		m.Predict([]float64{x}, want)
		if out[0] != want[0] {
			t.Fatalf("row %d: %v, want %v", i, out[0], want[0])
		}
	}
	_, err = s.Predict(sc, c1, &PredictArgs{PID: "p", ModelID: "nope", Frame: []byte(`{}`)})
	if r := refusalOf(t, err); r.Msg != `cannot find model "nope" in project "p"` {
		t.Fatalf("unknown model: %+v", r)
	}
}

// TestBuildAfterShutdownDeadline: a build still running when Shutdown gives up finishes
// later without crashing; it reports that its model could not be stored.
func TestBuildAfterShutdownDeadline(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	s, _ := open(t, testConfig(t), nil, func(o *Options) {
		o.BeforeBuild = func() { close(started); <-release }
	})
	if err := s.Create(c1, "p", "", nil); err != nil {
		t.Fatal(err)
	}
	sc := s.Scratch()
	_, err := s.Learn(sc, c1, "p", []byte(`{"attributeNames":["x","y"],"attributeTypes":["C","C"],"data":[["1","2"],["2","4.5"],["3","5.5"],["4","8"]]}`))
	s.Release(sc)
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.Build(c1, &BuildArgs{PID: "p", Algo: "mlr", ModelID: "m", Context: model.MLContext{InputNames: []string{"x"}, TargetNames: []string{"y"}}})
	if err != nil {
		t.Fatal(err)
	}
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Shutdown(ctx); err == nil {
		t.Fatal("Shutdown past its deadline with a build running returned nil")
	}
	if _, err := s.Build(c1, &BuildArgs{PID: "p", Algo: "mlr", ModelID: "m2"}); refusalOf(t, err).Status != protocol.StatusServiceUnavailable {
		t.Fatalf("a build after shutdown: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	close(release)
	js, err := s.WaitJob(context.Background(), c1, id)
	if err != nil || js.Status != protocol.StatusServiceUnavailable {
		t.Fatalf("build finished after the store closed: %+v %v, want SERVICE_UNAVAILABLE", js, err)
	}
	testenv.Eventually(t, "the build goroutine to end", func() bool {
		s.jobs.mu.Lock()
		defer s.jobs.mu.Unlock()
		return s.jobs.byCID[c1.id].running == 0
	})
}
