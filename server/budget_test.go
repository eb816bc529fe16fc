package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// TestUnverifiedBytesBudget: bytes held before a signature can be checked are bounded over
// all connections: an unauthenticated WebSocket message past limits.max_unverified_bytes
// is refused with close 1013, a REST body with 503; an authenticated session's messages,
// and everything after the budget is released, are served.
func TestUnverifiedBytesBudget(t *testing.T) {
	cfg := symConfig()
	cfg.Limits.MaxUnverifiedBytes = 256 << 10
	s := startWSServer(t, cfg, nil)
	must(t, s.svc.store.Create("c1", "p", "", nil))
	big := `{"attributeNames":["x"],"attributeTypes":["C"],"data":[` + strings.Repeat(`["1"],`, 100000) + `["1"]]}` // ~600 KB

	// An unauthenticated first message larger than the budget: refused unread.
	c := dialSym(t, s, "/symetry/ws/learn", "c1", secretC1)
	c.signed(big, "p")
	c.expectClose(statusTryAgainLater)
	if n := metricValue(t, s, "symscore_refusals_total", "limit=max_unverified_bytes"); n != 1 {
		t.Fatalf("refusals %v", n)
	}
	// Authenticated first with a small message, the same large payload is served.
	c = dialSym(t, s, "/symetry/ws/learn", "c1", secretC1)
	c.signed(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`, "p")
	c.expect("OK")
	c.bare(big)
	c.expect("OK")

	// REST: signed headers pass the early check; a body past the budget is refused.
	rc := newRESTClient(t, s, "c1", secretC1)
	rc.do(http.MethodPost, "/projects/p/learn", "", []byte(big)).expect(t, http.StatusServiceUnavailable, "limits.max_unverified_bytes")
	rc2 := newRESTClient(t, s, "c1", secretC1)
	rc2.do(http.MethodPost, "/projects/p/learn", "", []byte(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["2"]]}`)).expect(t, http.StatusOK, "OK")
	if used := listenerOf(t, s).unverified.used.Load(); used != 0 {
		t.Fatalf("%d bytes still charged after every request ended", used)
	}
	// Without signed headers nothing of a body is read at all.
	nc := dial(t, s)
	nc.writeRaw([]byte("POST /symetry/rest/c1/projects/p/learn HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n"))
	resp := nc.readResponse()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unsigned body: HTTP %d", resp.StatusCode)
	}
}

// TestUnverifiedMessageDeadline: the first, unverified message of a session must be whole
// within limits.idle_timeout of its first frame, pings between its fragments or not; its
// share of the budget is then released.
func TestUnverifiedMessageDeadline(t *testing.T) {
	cfg := symConfig()
	cfg.Limits.IdleTimeout = 400 * time.Millisecond
	s := startWSServer(t, cfg, nil)
	c := dialSym(t, s, "/symetry/ws/learn", "c1", secretC1)
	c.send(frame{op: ws.OpText, fin: false, payload: []byte(strings.Repeat("x", 100<<10))})
	deadline := time.Now().Add(10 * time.Second)
	for {
		// Keep pinging: every frame, but not the message, is on time.
		c.send(frame{op: ws.OpPing, fin: true, payload: []byte("p")})
		h, _, err := c.readFrame()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if h.OpCode == ws.OpClose {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a partial unverified message kept the connection open past the idle timeout")
		}
		time.Sleep(50 * time.Millisecond) // a client pinging every 50 ms
	}
	eventually(t, "the budget released", func() bool { return listenerOf(t, s).unverified.used.Load() == 0 })
}
