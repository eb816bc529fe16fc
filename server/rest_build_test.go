package server_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/testserver"
	"github.com/symscore/symscore/server"
)

// TestRESTBuildFailure: a build refused by the model (singular inputs, a bad parameter,
// a bad attribute) is accepted, then reported through its job with the reason; the
// project is unchanged and the failure counted.
func TestRESTBuildFailure(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	c := s.REST("c1", testenv.Secret1)
	c.Do(http.MethodPost, "/projects", "pid=p", nil).Expect(t, http.StatusCreated, "")
	var rows [][]string
	for i := 1; i <= 20; i++ {
		x := float64(i)
		rows = append(rows, []string{strconv.FormatFloat(x, 'g', -1, 64), strconv.FormatFloat(2*x, 'g', -1, 64), strconv.FormatFloat(x*x-3*x, 'g', -1, 64)})
	}
	c.Do(http.MethodPost, "/projects/p/learn", "", testkit.FrameJSON([]string{"x", "twice_x", "z"}, []string{"C", "C", "C"}, rows, -1)).Expect(t, http.StatusOK, "")
	before := rest1(s).Export("p")
	tests := []struct{ algo, ctx, text string }{
		{"mlr", `{"inputAttributeNames":["x","twice_x"],"targetAttributeNames":["z"]}`, "singular"},
		{"ridge", `{"inputAttributes":["0"],"targets":["2"],"extraParameters":{"alpha":"-1"}}`, "alpha"},
		{"ridge", `{"inputAttributes":["0"],"targets":["2"],"extraParameters":{"beta":"1"}}`, "beta"},
		{"lda", `{"inputAttributes":["0"],"targets":["2"]}`, "binary"},
		{"mlr", `{"inputAttributes":["7"],"targets":["2"]}`, "out of range"},
	}
	for _, tc := range tests {
		c.Build("p", tc.algo, "m", tc.ctx).Expect(t, http.StatusBadRequest, tc.text)
	}
	if string(rest1(s).Export("p")) != string(before) {
		t.Fatal("a failed build changed the project")
	}
	if got := s.Metric("symscore_builds_total", "algo=mlr,result=failed"); got != 2 {
		t.Errorf("failed mlr builds %v, want 2", got)
	}
	c.Build("p", "mlr", "m", `{"inputAttributeNames":["x"],"targetAttributeNames":["z"]}`).Expect(t, http.StatusOK, "Job is finished")
	if got := s.Metric("symscore_builds_total", "algo=mlr,result=ok"); got != 1 {
		t.Errorf("mlr builds ok %v, want 1", got)
	}
	// A rebuild under the same id replaces the model, with replace=true only.
	ridge := `{"inputAttributeNames":["x"],"targetAttributeNames":["z"],"extraParameters":{"alpha":"2"}}`
	c.Do(http.MethodPost, "/projects/p/build", "algo=ridge&modelid=m", []byte(ridge)).
		Expect(t, http.StatusConflict, `model "m" of project "p" exists; build with replace=true to replace it`)
	c.Do(http.MethodPost, "/projects/p/build", "algo=ridge&modelid=m&replace=yes", []byte(ridge)).
		Expect(t, http.StatusBadRequest, `replace must be true or false, not "yes"`)
	if got := projectInfo(c, "p").ModelTypeList; len(got) != 1 || got[0] != "mlr" {
		t.Fatalf("models after refused rebuilds %v", got)
	}
	if got := s.Metric("symscore_requests_total", "endpoint=rest_build,status=CONFLICT"); got != 1 {
		t.Errorf("rest_build CONFLICT %v, want 1", got)
	}
	c.Rebuild("p", "ridge", "m", ridge).Expect(t, http.StatusOK, "Job is finished")
	if got := projectInfo(c, "p").ModelTypeList; len(got) != 1 || got[0] != "ridge" {
		t.Fatalf("models after rebuild %v", got)
	}
}

// heldBuilds holds every build job of a server until released, and says when shutdown
// has stopped new builds.
type heldBuilds struct {
	started, release chan struct{}
	stopped          atomic.Bool
}

// holdBuilds sets hooks that hold every build job until released.
func holdBuilds(h *server.Hooks) *heldBuilds {
	hb := &heldBuilds{started: make(chan struct{}, 16), release: make(chan struct{})}
	h.BeforeBuild = func() {
		hb.started <- struct{}{}
		<-hb.release
	}
	h.BuildsStopped = func() { hb.stopped.Store(true) }
	return hb
}

// TestRESTShutdownWaitsForBuilds: a build running when Shutdown begins is finished and its
// model made durable before the store closes: a restart on the same data has it.
func TestRESTShutdownWaitsForBuilds(t *testing.T) {
	cfg := testkit.Config()
	cfg.DataDir = t.TempDir()
	var hooks server.Hooks
	held := holdBuilds(&hooks)
	s := testserver.StartManual(t, cfg, server.WithHooks(hooks))
	c := rest1(s)
	c.Do(http.MethodPost, "/projects", "pid=iris", nil).Expect(t, http.StatusCreated, "")
	c.Do(http.MethodPost, "/projects/iris/learn", "", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, testkit.IrisRows(t), -1)).Expect(t, http.StatusOK, "")
	c.Do(http.MethodPost, "/projects/iris/build", "algo=lda&modelid=lda1", []byte(ctxLDA)).Expect(t, http.StatusAccepted, "")
	<-held.started
	c.HC.CloseIdleConnections()

	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		done <- s.Shutdown(ctx)
	}()
	testenv.Eventually(t, "the build closer to wait", held.stopped.Load)
	close(held.release)
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}

	s2 := start(t, cfg, nil)
	if got := projectInfo(rest1(s2), "iris").ModelsList; len(got) != 1 || got[0] != "lda1" {
		t.Fatalf("models after restart %v, want [lda1]", got)
	}
}

// TestRESTBuildLimit: a customer with ops.MaxRunningBuilds builds running gets 503 for one
// more, counted; another customer is not affected.
func TestRESTBuildLimit(t *testing.T) {
	var hooks server.Hooks
	held := holdBuilds(&hooks)
	s := start(t, testkit.Config(), &hooks)
	c1 := s.REST("c1", testenv.Secret1)
	c2 := s.REST("c2", testenv.Secret2)
	for _, c := range []*testkit.RESTClient{c1, c2} {
		c.Do(http.MethodPost, "/projects", "pid=p", nil).Expect(t, http.StatusCreated, "")
	}
	var locations []string
	for i := range ops.MaxRunningBuilds {
		r := c1.Do(http.MethodPost, "/projects/p/build", "algo=mlr&modelid=m"+strconv.Itoa(i), []byte(`{}`)).Expect(t, http.StatusAccepted, "")
		locations = append(locations, r.Header.Get("Location"))
		<-held.started
	}
	c1.Do(http.MethodPost, "/projects/p/build", "algo=mlr&modelid=x", []byte(`{}`)).Expect(t, http.StatusServiceUnavailable, "too many builds running")
	if got := s.Metric("symscore_refusals_total", "limit=max_running_builds"); got != 1 {
		t.Errorf("max_running_builds refusals %v", got)
	}
	r := c2.Do(http.MethodPost, "/projects/p/build", "algo=mlr&modelid=x", []byte(`{}`)).Expect(t, http.StatusAccepted, "")
	<-held.started
	close(held.release)
	for _, loc := range append(locations, r.Header.Get("Location")) {
		c := c1
		if strings.HasPrefix(loc, "/symetry/rest/c2/") {
			c = c2
		}
		c.AwaitJob(loc).Expect(t, http.StatusBadRequest, "no rows")
	}
}
