package server

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/auth"
)

// TestReplayAcrossRestart: a signed learn accepted before a restart is refused after it,
// over WebSocket and REST — also one dated ahead of the clock — because the accepted
// signatures are kept in the log and given back to the new replay memory; a client whose
// clock lags is served after the restart; the project keeps the rows it had.
func TestReplayAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	cfg := symConfig()
	cfg.DataDir = dir
	s := startWSServer(t, cfg, nil)
	must(t, s.svc.store.Create("c1", "p", "", nil))
	ds := newDataset(41, 10, 2)
	c := dialSym(t, s, "/symetry/ws/learn", "c1", secretC1)
	wsMsg := c.signer.AppendWSMessage(nil, c.url, []string{"p"}, []byte(ds.frameJSON(0, 5)))
	c.sendMessage(ws.OpText, wsMsg)
	c.expect("OK")
	rc := newRESTClient(t, s, "c1", secretC1)
	body := []byte(ds.frameJSON(5, 10))
	path := rc.path("/projects/p/learn")
	h := rc.sign(http.MethodPost, path, "", body)
	rc.send(http.MethodPost, path, "", body, h).expect(t, http.StatusOK, "OK")
	rc.send(http.MethodPost, path, "", body, h).expect(t, http.StatusConflict, "replayed request")
	// A message dated 30 s ahead (inside clock_skew_future): accepted now, refused after.
	ahead, err := auth.NewSigner("c1", secretC1, func() time.Time { return time.Now().Add(30 * time.Second) })
	must(t, err)
	c3 := dialSym(t, s, "/symetry/ws/learn", "c1", secretC1)
	aheadMsg := ahead.AppendWSMessage(nil, c3.url, []string{"p"}, []byte(ds.frameJSON(0, 2)))
	c3.sendMessage(ws.OpText, aheadMsg)
	c3.expect("OK")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	must(t, s.Shutdown(ctx)) // the new start is after the messages' dates (nanoseconds)

	s2 := startWSServer(t, cfg, nil)
	c2 := dialSym(t, s2, "/symetry/ws/learn", "c1", secretC1)
	c2.sendMessage(ws.OpText, wsMsg)
	if e := c2.expect("CONFLICT"); e.StatusString[:16] != "replayed request" {
		t.Fatalf("%q", e.StatusString)
	}
	rc2 := newRESTClient(t, s2, "c1", secretC1)
	rc2.send(http.MethodPost, path, "", body, h).expect(t, http.StatusConflict, "replayed request")
	c4 := dialSym(t, s2, "/symetry/ws/learn", "c1", secretC1)
	c4.sendMessage(ws.OpText, aheadMsg)
	c4.expect("CONFLICT")
	// A client 2 s behind the server, signing anew after the restart, is served.
	behind, err := auth.NewSigner("c1", secretC1, func() time.Time { return time.Now().Add(-2 * time.Second) })
	must(t, err)
	c5 := dialSym(t, s2, "/symetry/ws/learn", "c1", secretC1)
	c5.sendMessage(ws.OpText, behind.AppendWSMessage(nil, c5.url, []string{"p"}, []byte(ds.frameJSON(0, 1))))
	c5.expect("OK")
	p, err := s2.svc.store.Project("c1", "p")
	must(t, err)
	if p.Rows() != 13 {
		t.Fatalf("%d rows after replays across a restart, want 13 (10 + 2 ahead + 1 behind)", p.Rows())
	}
}

// TestRESTReplayedChangesRefused: every REST request that changes state is refused when its
// signed bytes come again — a replayed merge would count rows twice, a replayed delete
// would remove a project created since.
func TestRESTReplayedChangesRefused(t *testing.T) {
	s := startWSServer(t, symConfig(), nil)
	rc := newRESTClient(t, s, "c1", secretC1)
	rc.do(http.MethodPost, "/projects", "pid=a", nil).expect(t, http.StatusCreated, "CREATED")
	rc.do(http.MethodPost, "/projects", "pid=b", nil).expect(t, http.StatusCreated, "CREATED")
	ds := newDataset(42, 4, 2)
	rc.do(http.MethodPost, "/projects/b/learn", "", []byte(ds.frameJSON(0, 4))).expect(t, http.StatusOK, "OK")
	replay := func(method, rel, query string, body []byte, status int, want string) {
		t.Helper()
		path := rc.path(rel)
		h := rc.sign(method, path, query, body)
		rc.send(method, path, query, body, h).expect(t, status, want)
		rc.send(method, path, query, body, h).expect(t, http.StatusConflict, "replayed request")
	}
	replay(http.MethodGet, "/projects/a/merge", "otherProjectName=b", nil, http.StatusOK, "OK")
	replay(http.MethodGet, "/projects/a/freeze", "", nil, http.StatusOK, "OK")
	replay(http.MethodGet, "/projects/a/unfreeze", "", nil, http.StatusOK, "OK")
	replay(http.MethodDelete, "/projects/b", "", nil, http.StatusOK, "OK")
	replay(http.MethodPost, "/projects", "pid=c", nil, http.StatusCreated, "CREATED")
	p, _ := s.svc.store.Project("c1", "a")
	if p.Rows() != 4 {
		t.Fatalf("%d rows after a replayed merge, want 4", p.Rows())
	}
	// Reads are not replay-checked: the same signed GET works twice.
	path := rc.path("/projects/a/info")
	h := rc.sign(http.MethodGet, path, "", nil)
	rc.send(http.MethodGet, path, "", nil, h).expect(t, http.StatusOK, "OK")
	rc.send(http.MethodGet, path, "", nil, h).expect(t, http.StatusOK, "OK")
}
