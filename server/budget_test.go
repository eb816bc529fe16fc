package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/rawws"
	"github.com/symscore/symscore/internal/wsframe"
	"github.com/symscore/symscore/server"
)

// TestUnverifiedBytesBudget: bytes held before a signature can be checked are bounded over
// all connections: an unauthenticated WebSocket message past limits.max_unverified_bytes
// is refused with close 1013, a REST body with 503; an authenticated session's messages,
// and everything after the budget is released, are served.
func TestUnverifiedBytesBudget(t *testing.T) {
	cfg := testkit.Config()
	cfg.Limits.MaxUnverifiedBytes = 256 << 10
	budget := admit.NewUnverified(cfg.Limits.MaxUnverifiedBytes, 64<<20, 64<<20) // one address may take all of it
	s := start(t, cfg, &server.Hooks{Unverified: budget})
	rest1(s).Create("p")
	big := `{"attributeNames":["x"],"attributeTypes":["C"],"data":[` + strings.Repeat(`["1"],`, 100000) + `["1"]]}` // ~600 KB

	// An unauthenticated first message larger than the budget: refused unread.
	c := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	c.Signed(big, "p")
	c.ExpectClose(wsframe.StatusTryAgainLater)
	if n := s.Metric("symscore_refusals_total", "limit=max_unverified_bytes"); n != 1 {
		t.Fatalf("refusals %v", n)
	}
	// Authenticated first with a small message, the same large payload is served.
	c = s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	c.Signed(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`, "p")
	c.Expect("OK")
	c.Bare(big)
	c.Expect("OK")

	// REST: signed headers pass the early check; a body past the budget is refused.
	rc := s.REST("c1", testenv.Secret1)
	rc.Do(http.MethodPost, "/projects/p/learn", "", []byte(big)).Expect(t, http.StatusServiceUnavailable, "limits.max_unverified_bytes")
	rc2 := s.REST("c1", testenv.Secret1)
	rc2.Do(http.MethodPost, "/projects/p/learn", "", []byte(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["2"]]}`)).Expect(t, http.StatusOK, "OK")
	if used := budget.Used(); used != 0 {
		t.Fatalf("%d bytes still charged after every request ended", used)
	}
	// Without signed headers nothing of a body is read at all.
	nc := s.Dial()
	nc.WriteRaw([]byte("POST /symetry/rest/c1/projects/p/learn HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n"))
	resp := nc.ReadResponse()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unsigned body: HTTP %d", resp.StatusCode)
	}
}

// TestUnverifiedMessageDeadline: the first, unverified message of a session must be whole
// within limits.auth_timeout of the upgrade, pings between its fragments or not; the
// connection is closed with 1008 and its share of the budget released.
func TestUnverifiedMessageDeadline(t *testing.T) {
	cfg := testkit.Config()
	cfg.Limits.AuthTimeout = 400 * time.Millisecond
	budget := admit.NewUnverified(256<<20, 64<<20, 64<<20)
	s := start(t, cfg, &server.Hooks{Unverified: budget})
	c := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	c.Send(rawws.Frame{Op: ws.OpText, Fin: false, Payload: []byte(strings.Repeat("x", 100<<10))})
	deadline := time.Now().Add(10 * time.Second)
	for {
		// Keep pinging: every frame, but not the message, is on time.
		c.Send(rawws.Frame{Op: ws.OpPing, Fin: true, Payload: []byte("p")})
		h, _, err := c.ReadFrame()
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
	testenv.Eventually(t, "the budget released", func() bool { return budget.Used() == 0 })
}
