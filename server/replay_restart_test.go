package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
)

// TestReplayAcrossRestart: a signed learn accepted before a restart is refused after it,
// over WebSocket and REST — also one dated ahead of the clock — because the accepted
// signatures are kept in the log and given back to the new replay memory; a client whose
// clock lags is served after the restart; the project keeps the rows it had.
func TestReplayAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	cfg := testkit.Config()
	cfg.DataDir = dir
	s := start(t, cfg, nil)
	rest1(s).Create("p")
	ds := testkit.NewDataset(41, 10, 2)
	c := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	wsMsg := c.Signer.AppendWSMessage(nil, c.URL, []string{"p"}, []byte(ds.FrameJSON(0, 5)))
	c.SendMessage(ws.OpText, wsMsg)
	c.Expect("OK")
	rc := s.REST("c1", testenv.Secret1)
	body := []byte(ds.FrameJSON(5, 10))
	path := rc.Path("/projects/p/learn")
	h := rc.Sign(http.MethodPost, path, "", body)
	rc.Send(http.MethodPost, path, "", body, h).Expect(t, http.StatusOK, "OK")
	rc.Send(http.MethodPost, path, "", body, h).Expect(t, http.StatusConflict, "replayed request")
	// A message dated 30 s ahead (inside clock_skew_future): accepted now, refused after.
	ahead, err := auth.NewSigner("c1", testenv.Secret1, func() time.Time { return time.Now().Add(30 * time.Second) })
	must(t, err)
	c3 := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	aheadMsg := ahead.AppendWSMessage(nil, c3.URL, []string{"p"}, []byte(ds.FrameJSON(0, 2)))
	c3.SendMessage(ws.OpText, aheadMsg)
	c3.Expect("OK")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	must(t, s.Shutdown(ctx)) // the new start is after the messages' dates (nanoseconds)

	s2 := start(t, cfg, nil)
	c2 := s2.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	c2.SendMessage(ws.OpText, wsMsg)
	if e := c2.Expect("CONFLICT"); e.StatusString[:16] != "replayed request" {
		t.Fatalf("%q", e.StatusString)
	}
	rc2 := s2.REST("c1", testenv.Secret1)
	rc2.Send(http.MethodPost, path, "", body, h).Expect(t, http.StatusConflict, "replayed request")
	c4 := s2.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	c4.SendMessage(ws.OpText, aheadMsg)
	c4.Expect("CONFLICT")
	// A client 2 s behind the server, signing anew after the restart, is served.
	behind, err := auth.NewSigner("c1", testenv.Secret1, func() time.Time { return time.Now().Add(-2 * time.Second) })
	must(t, err)
	c5 := s2.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	c5.SendMessage(ws.OpText, behind.AppendWSMessage(nil, c5.URL, []string{"p"}, []byte(ds.FrameJSON(0, 1))))
	c5.Expect("OK")
	p := rest1(s2).Project("p")
	if p.Rows() != 13 {
		t.Fatalf("%d rows after replays across a restart, want 13 (10 + 2 ahead + 1 behind)", p.Rows())
	}
}

// TestRESTReplayedChangesRefused: every REST request that changes state is refused when its
// signed bytes come again — a replayed merge would count rows twice, a replayed delete
// would remove a project created since.
func TestRESTReplayedChangesRefused(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	rc := s.REST("c1", testenv.Secret1)
	rc.Do(http.MethodPost, "/projects", "pid=a", nil).Expect(t, http.StatusCreated, "CREATED")
	rc.Do(http.MethodPost, "/projects", "pid=b", nil).Expect(t, http.StatusCreated, "CREATED")
	ds := testkit.NewDataset(42, 4, 2)
	rc.Do(http.MethodPost, "/projects/b/learn", "", []byte(ds.FrameJSON(0, 4))).Expect(t, http.StatusOK, "OK")
	replay := func(method, rel, query string, body []byte, status int, want string) {
		t.Helper()
		path := rc.Path(rel)
		h := rc.Sign(method, path, query, body)
		rc.Send(method, path, query, body, h).Expect(t, status, want)
		rc.Send(method, path, query, body, h).Expect(t, http.StatusConflict, "replayed request")
	}
	replay(http.MethodGet, "/projects/a/merge", "otherProjectName=b", nil, http.StatusOK, "OK")
	replay(http.MethodGet, "/projects/a/freeze", "", nil, http.StatusOK, "OK")
	replay(http.MethodGet, "/projects/a/unfreeze", "", nil, http.StatusOK, "OK")
	replay(http.MethodDelete, "/projects/b", "", nil, http.StatusOK, "OK")
	replay(http.MethodPost, "/projects", "pid=c", nil, http.StatusCreated, "CREATED")
	p := rest1(s).Project("a")
	if p.Rows() != 4 {
		t.Fatalf("%d rows after a replayed merge, want 4", p.Rows())
	}
	// Reads are not replay-checked: the same signed GET works twice.
	path := rc.Path("/projects/a/info")
	h := rc.Sign(http.MethodGet, path, "", nil)
	rc.Send(http.MethodGet, path, "", nil, h).Expect(t, http.StatusOK, "OK")
	rc.Send(http.MethodGet, path, "", nil, h).Expect(t, http.StatusOK, "OK")
}

// TestReplayedReadsRefusedAcrossRestart: with auth.replay_predict, signed reads accepted
// before a restart — a WebSocket predict, a REST list — are logged with their customer
// and refused after it; the customer's new reads, and another customer's, are served.
func TestReplayedReadsRefusedAcrossRestart(t *testing.T) {
	cfg := testkit.Config()
	cfg.DataDir = t.TempDir()
	cfg.Auth.ReplayPredict = true
	s := start(t, cfg, nil)
	ds := testkit.NewDataset(43, 30, 2)
	a := rest1(s)
	a.Create("p")
	a.Learn("p", []byte(ds.FrameJSON(0, 30)))
	a.BuildModel("p", "lda", "m", testkit.MLContextJSON(ds.InputNames(), []string{"t"}))
	c := s.Sym("/symetry/ws/predict", testenv.CID1, testenv.Secret1)
	predict := c.Signer.AppendWSMessage(nil, c.URL, []string{"p", "m"}, []byte(ds.PredictJSON(0, 1)))
	c.SendMessage(ws.OpText, predict)
	c.Expect("OK")
	list := a.Path("/projects/list")
	h := a.Sign(http.MethodGet, list, "", nil)
	a.Send(http.MethodGet, list, "", nil, h).Expect(t, http.StatusOK, "OK")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	must(t, s.Shutdown(ctx))

	s2 := start(t, cfg, nil)
	c2 := s2.Sym("/symetry/ws/predict", testenv.CID1, testenv.Secret1)
	c2.SendMessage(ws.OpText, predict)
	if e := c2.Expect("CONFLICT"); !strings.Contains(e.StatusString, "replayed request") {
		t.Fatalf("a predict replayed after a restart: %q", e.StatusString)
	}
	a2 := rest1(s2)
	a2.Send(http.MethodGet, list, "", nil, h).Expect(t, http.StatusConflict, "replayed request")
	a2.Do(http.MethodGet, "/projects/list", "", nil).Expect(t, http.StatusOK, "OK")
	c3 := s2.Sym("/symetry/ws/predict", testenv.CID1, testenv.Secret1)
	c3.Signed(ds.PredictJSON(1, 2), "p", "m")
	c3.Expect("OK")
	s2.REST(testenv.CID2, testenv.Secret2).Do(http.MethodGet, "/projects/list", "", nil).Expect(t, http.StatusOK, "OK")
}
