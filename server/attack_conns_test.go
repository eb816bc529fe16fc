package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/rawws"
	"github.com/symscore/symscore/internal/testkit/testserver"
	"github.com/symscore/symscore/internal/wsframe"
	"github.com/symscore/symscore/server"
)

// The attacks of issue 13 on connections and unverified bytes, scaled down, against a real
// server: each checks that the attacker is refused or bounded with a clear status, that a
// bystander customer keeps learning and predicting during the attack and after, and that
// nothing acknowledged is lost (testkit.Bystander).

// expectRefusedUpgrade dials from local, asks for an upgrade and checks the 503 and its
// reason.
func expectRefusedUpgrade(t *testing.T, s *testserver.Server, local, reason string) {
	t.Helper()
	c := rawws.DialFrom(t, s.Addr(), local)
	defer c.NC.Close()
	c.WriteRaw([]byte(rawws.UpgradeRequest("/symetry/ws/learn")))
	resp, err := http.ReadResponse(c.BR, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), reason) {
		t.Fatalf("upgrade from %s: %d %q, want 503 with %q", local, resp.StatusCode, body, reason)
	}
}

// TestAttackIdleConnections (issue 13 item 1; the descriptors side is cmd/symscore's
// TestServeSurvivesConnectionFlood): strangers open connections and authenticate none of
// them — WebSocket upgrades left idle, REST connections kept alive after a refused request,
// bare TCP that sends nothing. One address holds at most
// max_unauthenticated_connections_per_address places, everyone together
// max_unauthenticated_connections, each for at most auth_timeout; past them new
// connections are answered 503. Authenticated connections do not count.
func TestAttackIdleConnections(t *testing.T) {
	cfg := testkit.Config()
	cfg.Limits.MaxConnections = 200
	cfg.Limits.MaxUnauthenticatedConnections = 24
	cfg.Limits.MaxUnauthenticatedConnectionsPerAddress = 12
	cfg.Limits.AuthTimeout = 4 * time.Second
	cfg.Limits.HandshakeTimeout = 4 * time.Second
	s := start(t, cfg, nil)
	b := testkit.NewBystander(t, s.Addr(), testenv.CID2, testenv.Secret2)
	unauth := func() float64 { return s.Metric("symscore_unauthenticated_connections", "") }
	testenv.Eventually(t, "the bystander's connections authenticated", func() bool { return unauth() == 0 })

	// One stranger fills its address's share: idle upgrades and idle REST connections.
	var upgraded, rest []*rawws.Client
	for range 8 {
		upgraded = append(upgraded, rawws.DialWSFrom(t, s.Addr(), "127.0.0.1", "/symetry/ws/learn"))
	}
	for range 4 {
		c := rawws.DialFrom(t, s.Addr(), "127.0.0.1")
		c.WriteRaw([]byte("GET /symetry/rest/c1/projects/list HTTP/1.1\r\nHost: x\r\n\r\n"))
		if resp := c.ReadResponse(); resp.StatusCode != http.StatusBadRequest || resp.Close {
			t.Fatalf("unsigned REST request: %d (close %v), want 400 on a kept-alive connection", resp.StatusCode, resp.Close)
		}
		rest = append(rest, c)
	}
	testenv.Eventually(t, "12 unauthenticated connections", func() bool { return unauth() == 12 })
	expectRefusedUpgrade(t, s, "127.0.0.1", "from this address (limits.max_unauthenticated_connections_per_address)")
	// Another client is served, established or new.
	b.Check()
	b.CheckNew()

	// A second stranger takes the remaining places with bare TCP connections.
	var bare []*rawws.Client
	for range 12 {
		bare = append(bare, rawws.DialFrom(t, s.Addr(), "127.0.0.3"))
	}
	testenv.Eventually(t, "24 unauthenticated connections", func() bool { return unauth() == 24 })
	expectRefusedUpgrade(t, s, "127.0.0.4", "(limits.max_unauthenticated_connections)")
	// New connections of everyone wait for places, but established clients go on.
	expectRefusedUpgrade(t, s, testkit.BystanderAddr, "(limits.max_unauthenticated_connections)")
	b.Check()

	// Within auth_timeout every stranger is gone: idle upgrades closed with 1008, the
	// others closed.
	for _, c := range upgraded {
		if reason := c.ExpectClose(ws.StatusPolicyViolation); !strings.Contains(reason, "limits.auth_timeout") {
			t.Fatalf("close reason %q", reason)
		}
	}
	for _, c := range append(rest, bare...) {
		c.ExpectEOF()
	}
	testenv.Eventually(t, "every place free", func() bool { return unauth() == 0 })
	b.CheckNew()
	b.Check()
	for limit, atLeast := range map[string]float64{"max_unauthenticated_connections_per_address": 1, "max_unauthenticated_connections": 2, "auth_timeout": 8} {
		if n := s.Metric("symscore_refusals_total", "limit="+limit); n < atLeast {
			t.Errorf("%s refusals %v, want at least %v", limit, n, atLeast)
		}
	}
	b.Verify()
}

// startFrame sends the header of a binary frame of n payload bytes (masked with a zero
// key: the payload goes as it is) and the first sent bytes of its payload.
func startFrame(c *rawws.Client, n, sent int) {
	c.T.Helper()
	var zero [4]byte
	c.WriteRaw(append(wsframe.AppendHeader(nil, true, ws.OpBinary, n, &zero), make([]byte, sent)...))
}

// TestAttackUnverifiedBytes (issue 13 item 2): strangers that open WebSocket sessions and
// send frame headers claiming large payloads, or parts of large first messages and REST
// bodies, hold only the bytes they actually sent; one address at most
// max_unverified_bytes_per_address of them, one connection at most
// max_unverified_bytes_per_connection; each for at most auth_timeout. New sessions and REST
// requests of others are served meanwhile.
func TestAttackUnverifiedBytes(t *testing.T) {
	cfg := testkit.Config()
	cfg.Limits.MaxUnverifiedBytes = 4 << 20
	cfg.Limits.MaxUnverifiedBytesPerAddress = 256 << 10
	cfg.Limits.MaxUnverifiedBytesPerConnection = 192 << 10
	cfg.Limits.MaxUnauthenticatedConnections, cfg.Limits.MaxUnauthenticatedConnectionsPerAddress = 1000, 500
	cfg.Limits.AuthTimeout = 5 * time.Second
	lim := cfg.Limits
	u := admit.NewUnverified(lim.MaxUnverifiedBytes, lim.MaxUnverifiedBytesPerAddress, lim.MaxUnverifiedBytesPerConnection)
	s := start(t, cfg, &server.Hooks{Unverified: u})
	b := testkit.NewBystander(t, s.Addr(), testenv.CID2, testenv.Secret2)

	// 300 sessions whose first frame claims 64 KiB and brings one byte: 300 bytes held,
	// not 300 × 64 KiB (the attack that filled the budget by claims alone).
	var held []*rawws.Client
	for range 300 {
		c := rawws.DialWSFrom(t, s.Addr(), "127.0.0.1", "/symetry/ws/learn")
		startFrame(c, 65536, 1)
		held = append(held, c)
	}
	testenv.Eventually(t, "one byte held per session", func() bool { return u.Used() == 300 })
	b.CheckNew()

	// The stranger's address holds at most 256 KiB: its first messages and REST bodies past
	// that are refused (1013, 503), another address's are not.
	for _, c := range held[:4] {
		c.WriteRaw(make([]byte, 60<<10))
	}
	testenv.Eventually(t, "240 KiB held", func() bool { return u.UsedBy("127.0.0.1:1") == 300+240<<10 })
	held[4].WriteRaw(make([]byte, 60<<10))
	if reason := held[4].ExpectClose(wsframe.StatusTryAgainLater); !strings.Contains(reason, "max_unverified_bytes_per_address") {
		t.Fatalf("close reason %q", reason)
	}
	strangerREST := testkit.NewRESTFrom(t, s.Addr(), "127.0.0.1", testenv.CID1, testenv.Secret1)
	strangerREST.Do(http.MethodPost, "/projects/p/learn", "", make([]byte, 60<<10)).
		Expect(t, http.StatusServiceUnavailable, "limits.max_unverified_bytes_per_address")
	other := rawws.DialWSFrom(t, s.Addr(), "127.0.0.3", "/symetry/ws/learn")
	startFrame(other, 128<<10, 100<<10)
	b.Check()
	b.CheckNew()

	// One connection holds at most 192 KiB: a larger first message or body is refused for
	// good (1009, 400), while an authenticated session sends one.
	big := rawws.DialWSFrom(t, s.Addr(), "127.0.0.5", "/symetry/ws/learn")
	startFrame(big, 256<<10, 200<<10)
	if reason := big.ExpectClose(ws.StatusMessageTooBig); !strings.Contains(reason, "max_unverified_bytes_per_connection") {
		t.Fatalf("close reason %q", reason)
	}
	bigREST := testkit.NewRESTFrom(t, s.Addr(), "127.0.0.5", testenv.CID1, testenv.Secret1)
	bigREST.Do(http.MethodPost, "/projects/p/learn", "", make([]byte, 200<<10)).
		Expect(t, http.StatusBadRequest, "limits.max_unverified_bytes_per_connection")
	rest1(s).Create("p")
	ds := testkit.NewDataset(5, 7000, 3)
	trusted := s.Sym("/symetry/ws/learn", testenv.CID1, testenv.Secret1)
	trusted.Signed(ds.FrameJSON(0, 1), "p")
	trusted.Expect("OK")
	frame := ds.FrameJSON(1, 7000)
	if len(frame) < 200<<10 {
		t.Fatalf("frame of %d bytes", len(frame))
	}
	trusted.Bare(frame)
	trusted.Expect("OK")

	// Within auth_timeout every stranger's session is closed and its bytes released.
	for _, c := range append(held[5:8], other) {
		if reason := c.ExpectClose(ws.StatusPolicyViolation); !strings.Contains(reason, "limits.auth_timeout") {
			t.Fatalf("close reason %q", reason)
		}
	}
	testenv.Eventually(t, "every unverified byte released", func() bool { return u.Used() == 0 && u.Addresses() == 0 })
	b.CheckNew()
	for _, limit := range []string{"max_unverified_bytes_per_address", "max_unverified_bytes_per_connection", "auth_timeout"} {
		if n := s.Metric("symscore_refusals_total", "limit="+limit); n < 2 {
			t.Errorf("%s refusals %v, want at least 2", limit, n)
		}
	}
	if rows := rest1(s).Project("p").Rows(); rows != 7000 {
		t.Fatalf("the trusted learner's project holds %d rows, want 7000", rows)
	}
	b.Verify()
}
