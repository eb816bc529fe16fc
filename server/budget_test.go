package server

import (
	"net/http"
	"strings"
	"testing"
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
