package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/wal/waltest"
)

// TestWSLearnWhenTheLogFails: once an fsync of the log fails, learn answers
// SERVICE_UNAVAILABLE and changes nothing, /readyz turns 503, no model can be published,
// predictions with the models built before go on; a restart on the same data directory has
// every learn that was acknowledged.
func TestWSLearnWhenTheLogFails(t *testing.T) {
	dir := t.TempDir()
	cfg := symConfig()
	cfg.DataDir = dir
	ffs := waltest.New(nil)
	cfg.ApplyDefaults()
	s, err := New(cfg, nil)
	must(t, err)
	testHooks.Store(s, &connHooks{fs: ffs})
	t.Cleanup(func() { testHooks.Delete(s) })
	must(t, s.Start())
	must(t, s.svc.store.Create("c1", "p", "", nil))
	ds := newDataset(21, 40, 2)
	c := dialSym(t, s, "/symetry/ws/learn", "c1", secretC1)
	c.signed(ds.frameJSON(0, 10), "p")
	c.expect("OK")
	c.bare(ds.frameJSON(10, 20))
	c.expect("OK")
	m := buildModel(t, s, "c1", "p", "mlr", "m", mlrContext(ds))
	ffs.Inject(waltest.Fault{Op: waltest.OpSync, Err: syscall.EIO, Repeat: true})
	c.bare(ds.frameJSON(20, 30))
	var resp *http.Response
	if e := c.expect("SERVICE_UNAVAILABLE"); !strings.Contains(e.StatusString, "durability") {
		t.Fatalf("%q", e.StatusString)
	}
	p, _ := s.svc.store.Project("c1", "p")
	rows := p.Rows()
	c.bare(ds.frameJSON(30, 40))
	c.expect("SERVICE_UNAVAILABLE") // the connection stays open; nothing more is applied
	if p.Rows() != rows {
		t.Fatalf("a learn was applied after the log failed: %d rows, then %d", rows, p.Rows())
	}
	resp, err = http.Get("http://" + s.AdminAddr() + "/readyz")
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/readyz %d after a durability failure, want 503", resp.StatusCode)
	}
	if err := s.svc.store.PutModel("c1", "p", m); err == nil {
		t.Fatal("a model was published after the log failed")
	}
	pc := dialSym(t, s, "/symetry/ws/predict", "c1", secretC1)
	pc.signed(ds.predictJSON(0, 1), "p", m.ID())
	predictions(t, pc.expect("OK")) // reads go on
	c.nc.Close()
	pc.nc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// The shutdown reports the failure (serve exits 1) and closes the log without an fsync.
	if err := s.Shutdown(ctx); err == nil || !strings.Contains(err.Error(), "log failed") {
		t.Fatalf("shutdown after a durability failure: %v", err)
	}

	// Restart on the same directory with a healthy file system: the 20 acknowledged rows
	// are there (the one whose fsync failed may or may not be).
	cfg2 := symConfig()
	cfg2.DataDir = dir
	s2 := startWSServer(t, cfg2, nil)
	p2, err := s2.svc.store.Project("c1", "p")
	must(t, err)
	if n := p2.Rows(); n != 20 && n != 30 {
		t.Fatalf("%d rows after restart, want the 20 acknowledged (or 30)", n)
	}
}

func mlrContext(ds *dataset) model.MLContext {
	return model.MLContext{InputNames: ds.inputNames(), TargetNames: []string{"t"}}
}

// TestModelsSurviveRestart: a model built, then more rows learned, then a restart: the
// restarted server predicts with the model that was built (bit for bit), not with a rebuild
// on the newer rows.
func TestModelsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	cfg := symConfig()
	cfg.DataDir = dir
	s := startWSServer(t, cfg, nil)
	must(t, s.svc.store.Create("c1", "p", "", nil))
	ds := newDataset(22, 300, 3)
	must(t, s.svc.store.Learn("c1", "p", mustParse(t, ds.frameJSON(0, 150))))
	built := buildModel(t, s, "c1", "p", "mlr", "m", mlrContext(ds))
	must(t, s.svc.store.Learn("c1", "p", mustParse(t, ds.frameJSON(150, 300))))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	must(t, s.Shutdown(ctx))

	s2 := startWSServer(t, cfg, nil)
	p, err := s2.svc.store.Project("c1", "p")
	must(t, err)
	rebuilt, err := model.Build(p.Snapshot(), "mlr", "m", mlrContext(ds))
	must(t, err)
	c := dialSym(t, s2, "/symetry/ws/predict", "c1", secretC1)
	c.signed(ds.predictJSON(0, 20), "p", "m")
	got := predictions(t, c.expect("OK"))
	differs := false
	for i, g := range got {
		checkPrediction(t, built, ds.rows[i][:ds.d], g)
		out := make([]float64, 1)
		rebuilt.Predict(ds.rows[i][:ds.d], out)
		differs = differs || *g["res"] != strconv.FormatFloat(out[0], 'g', -1, 64)
	}
	if !differs {
		t.Fatal("the recovered model predicts like a rebuild on the newer rows")
	}
}
