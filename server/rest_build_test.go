package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/protocol"
)

// TestRESTBuildFailure: a build refused by the model (singular inputs, a bad parameter,
// a bad attribute) is accepted, then reported through its job with the reason; the
// project is unchanged and the failure counted.
func TestRESTBuildFailure(t *testing.T) {
	s := startWSServer(t, restTestConfig(), nil)
	c := newRESTClient(t, s, "c1", secretC1)
	c.do(http.MethodPost, "/projects", "pid=p", nil).expect(t, http.StatusCreated, "")
	var rows [][]string
	for i := 1; i <= 20; i++ {
		x := float64(i)
		rows = append(rows, []string{strconv.FormatFloat(x, 'g', -1, 64), strconv.FormatFloat(2*x, 'g', -1, 64), strconv.FormatFloat(x*x-3*x, 'g', -1, 64)})
	}
	c.do(http.MethodPost, "/projects/p/learn", "", frameJSON([]string{"x", "twice_x", "z"}, []string{"C", "C", "C"}, rows, -1)).expect(t, http.StatusOK, "")
	before := exportOf(t, s, "c1", "p")
	tests := []struct{ algo, ctx, text string }{
		{"mlr", `{"inputAttributeNames":["x","twice_x"],"targetAttributeNames":["z"]}`, "singular"},
		{"ridge", `{"inputAttributes":["0"],"targets":["2"],"extraParameters":{"alpha":"-1"}}`, "alpha"},
		{"ridge", `{"inputAttributes":["0"],"targets":["2"],"extraParameters":{"beta":"1"}}`, "beta"},
		{"lda", `{"inputAttributes":["0"],"targets":["2"]}`, "binary"},
		{"mlr", `{"inputAttributes":["7"],"targets":["2"]}`, "out of range"},
	}
	for _, tc := range tests {
		c.build("p", tc.algo, "m", tc.ctx).expect(t, http.StatusBadRequest, tc.text)
	}
	if string(exportOf(t, s, "c1", "p")) != string(before) {
		t.Fatal("a failed build changed the project")
	}
	if got := metricValue(t, s, "symscore_builds_total", "algo=mlr,result=failed"); got != 2 {
		t.Errorf("failed mlr builds %v, want 2", got)
	}
	c.build("p", "mlr", "m", `{"inputAttributeNames":["x"],"targetAttributeNames":["z"]}`).expect(t, http.StatusOK, "Job is finished")
	if got := metricValue(t, s, "symscore_builds_total", "algo=mlr,result=ok"); got != 1 {
		t.Errorf("mlr builds ok %v, want 1", got)
	}
	// A rebuild under the same id replaces the model.
	c.build("p", "ridge", "m", `{"inputAttributeNames":["x"],"targetAttributeNames":["z"],"extraParameters":{"alpha":"2"}}`).expect(t, http.StatusOK, "Job is finished")
	if got := c.info("p").ModelTypeList; len(got) != 1 || got[0] != "ridge" {
		t.Fatalf("models after rebuild %v", got)
	}
}

// heldBuilds holds every build job of a server until released.
type heldBuilds struct{ started, release chan struct{} }

func holdBuilds(h *connHooks) *heldBuilds {
	hb := &heldBuilds{started: make(chan struct{}, 16), release: make(chan struct{})}
	h.beforeBuild = func() {
		hb.started <- struct{}{}
		<-hb.release
	}
	return hb
}

// startShutdownServer starts a server whose test shuts it down itself.
func startShutdownServer(t *testing.T, cfg config.Config, hooks *connHooks) *Server {
	t.Helper()
	cfg.ApplyDefaults()
	s, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	testHooks.Store(s, hooks)
	t.Cleanup(func() { testHooks.Delete(s) })
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	return s
}

// buildsStopped reports whether the server's job table refuses new builds (its shutdown
// closer has begun waiting).
func buildsStopped(s *Server) bool {
	h, _ := testHooks.Load(s)
	a := h.(*connHooks).rest.Load()
	if a == nil {
		return false
	}
	a.jobs.mu.Lock()
	defer a.jobs.mu.Unlock()
	return a.jobs.stopped
}

// TestRESTShutdownWaitsForBuilds: a build running when Shutdown begins is finished and its
// model made durable before the store closes: a restart on the same data has it.
func TestRESTShutdownWaitsForBuilds(t *testing.T) {
	cfg := restTestConfig()
	cfg.DataDir = t.TempDir()
	hooks := &connHooks{}
	held := holdBuilds(hooks)
	s := startShutdownServer(t, cfg, hooks)
	c := newRESTClient(t, s, "c1", secretC1)
	c.do(http.MethodPost, "/projects", "pid=iris", nil).expect(t, http.StatusCreated, "")
	c.do(http.MethodPost, "/projects/iris/learn", "", frameJSON(irisNames, irisTypes, irisRows(t), -1)).expect(t, http.StatusOK, "")
	c.do(http.MethodPost, "/projects/iris/build", "algo=lda&modelid=lda1", []byte(ctxLDA)).expect(t, http.StatusAccepted, "")
	<-held.started
	c.hc.CloseIdleConnections()

	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		done <- s.Shutdown(ctx)
	}()
	eventually(t, "the build closer to wait", func() bool { return buildsStopped(s) })
	close(held.release)
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}

	s2 := startWSServer(t, cfg, nil)
	c2 := newRESTClient(t, s2, "c1", secretC1)
	if got := c2.info("iris").ModelsList; len(got) != 1 || got[0] != "lda1" {
		t.Fatalf("models after restart %v, want [lda1]", got)
	}
}

// TestRESTBuildAfterShutdownDeadline: a build still running when Shutdown gives up
// finishes later without crashing; it reports that its model could not be stored.
func TestRESTBuildAfterShutdownDeadline(t *testing.T) {
	cfg := restTestConfig()
	cfg.DataDir = t.TempDir()
	hooks := &connHooks{}
	held := holdBuilds(hooks)
	s := startShutdownServer(t, cfg, hooks)
	c := newRESTClient(t, s, "c1", secretC1)
	c.do(http.MethodPost, "/projects", "pid=iris", nil).expect(t, http.StatusCreated, "")
	c.do(http.MethodPost, "/projects/iris/learn", "", frameJSON(irisNames, irisTypes, irisRows(t), -1)).expect(t, http.StatusOK, "")
	r := c.do(http.MethodPost, "/projects/iris/build", "algo=lda&modelid=lda1", []byte(ctxLDA)).expect(t, http.StatusAccepted, "")
	id := r.header.Get("sym-job-id")
	<-held.started
	c.hc.CloseIdleConnections()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Shutdown(ctx) }()
	eventually(t, "the build closer to wait", func() bool { return buildsStopped(s) })
	cancel()
	if err := <-done; err == nil {
		t.Fatal("Shutdown past its deadline with a build running returned nil")
	}
	close(held.release)
	h, _ := testHooks.Load(s)
	jobs := h.(*connHooks).rest.Load().jobs
	var st protocol.Status
	eventually(t, "the build to finish", func() bool {
		var ok bool
		st, _, ok = jobs.lookup("c1", id)
		return ok && st != protocol.StatusAccepted
	})
	if st != protocol.StatusServiceUnavailable {
		t.Fatalf("build finished after the store closed: %v, want SERVICE_UNAVAILABLE", st)
	}
	eventually(t, "the build goroutine to end", func() bool {
		jobs.mu.Lock()
		defer jobs.mu.Unlock()
		return jobs.byCID["c1"].running == 0
	})
}

// TestRESTBuildLimit: a customer with maxRunningBuilds builds running gets 503 for one
// more, counted; another customer is not affected.
func TestRESTBuildLimit(t *testing.T) {
	hooks := &connHooks{}
	held := holdBuilds(hooks)
	s := startWSServer(t, restTestConfig(), hooks)
	c1 := newRESTClient(t, s, "c1", secretC1)
	c2 := newRESTClient(t, s, "c2", secretC2)
	for _, c := range []*restClient{c1, c2} {
		c.do(http.MethodPost, "/projects", "pid=p", nil).expect(t, http.StatusCreated, "")
	}
	var locations []string
	for i := range maxRunningBuilds {
		r := c1.do(http.MethodPost, "/projects/p/build", "algo=mlr&modelid=m"+strconv.Itoa(i), []byte(`{}`)).expect(t, http.StatusAccepted, "")
		locations = append(locations, r.header.Get("Location"))
		<-held.started
	}
	c1.do(http.MethodPost, "/projects/p/build", "algo=mlr&modelid=x", []byte(`{}`)).expect(t, http.StatusServiceUnavailable, "too many builds running")
	if got := metricValue(t, s, "symscore_refusals_total", "limit=max_running_builds"); got != 1 {
		t.Errorf("max_running_builds refusals %v", got)
	}
	r := c2.do(http.MethodPost, "/projects/p/build", "algo=mlr&modelid=x", []byte(`{}`)).expect(t, http.StatusAccepted, "")
	<-held.started
	close(held.release)
	for _, loc := range append(locations, r.header.Get("Location")) {
		c := c1
		if strings.HasPrefix(loc, "/symetry/rest/c2/") {
			c = c2
		}
		c.awaitJob(loc).expect(t, http.StatusBadRequest, "no rows")
	}
}
