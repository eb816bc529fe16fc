package server_test

import (
	"strings"
	"testing"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
)

// TestSubscribeAuth: authentication as the other endpoints (a bad signature, a bare first
// message: error, close 1008), but a replayed signature is accepted (a read).
func TestSubscribeAuth(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	rc := rest1(s)
	rc.Create("p")
	learnRows(rc, "p", []string{"1", "2", "a"})

	bad := &subClient{s.Sym(pathSubscribe, "c1", testenv.Secret2)}
	bad.Signed(`{}`, "p")
	m := bad.expect("error")
	if m.StatusCode != "UNAUTHORIZED" || !strings.Contains(string(m.Values["stringToSign"].RawMessage), "SECRETKEY") {
		t.Fatalf("bad signature: %s", m.raw)
	}
	bad.ExpectClose(ws.StatusPolicyViolation)

	bare := &subClient{s.Sym(pathSubscribe, "c1", testenv.Secret1)}
	bare.Bare(`{"type":"subscribe","names":["x"]}`)
	if m := bare.expect("error"); m.StatusCode != "BAD_REQUEST" || !strings.Contains(m.StatusString, "must be framed and signed") {
		t.Fatalf("bare first message: %s", m.raw)
	}
	bare.ExpectClose(ws.StatusPolicyViolation)

	garbage := &subClient{s.Sym(pathSubscribe, "c1", testenv.Secret1)}
	garbage.SendMessage(ws.OpText, []byte("hello"))
	garbage.expect("error")
	garbage.ExpectClose(ws.StatusPolicyViolation)

	// The same signed message on two connections: both subscribe.
	first := s.Sym(pathSubscribe, "c1", testenv.Secret1)
	msg := first.Signer.AppendWSMessage(nil, first.URL, []string{"p"}, []byte(`{"type":"subscribe","names":["x"]}`))
	for _, c := range []*subClient{{first}, {s.Sym(pathSubscribe, "c1", testenv.Secret1)}} {
		c.SendMessage(ws.OpText, msg)
		c.expect("names")
		c.expect("subscribed")
		c.expect("data")
	}
	if got := s.Metric("symscore_auth_failures_total", "reason=bad_signature"); got != 1 {
		t.Fatalf("bad signatures counted %v", got)
	}
}

// TestSubscribeRefusals: malformed messages are answered with error and the connection
// kept; so are a missing project, wrong extraKeys, another project later and
// too many subscriptions (counted).
func TestSubscribeRefusals(t *testing.T) {
	cfg := testkit.Config()
	cfg.Limits.MaxSubscriptions = 3
	s := start(t, cfg, nil)
	rc := rest1(s)
	rc.Create("p")
	rc.Create("q")
	learnRows(rc, "p", []string{"1", "2", "a"})

	nf := &subClient{s.Sym(pathSubscribe, "c1", testenv.Secret1)}
	nf.Signed(`{}`, "nope")
	if m := nf.expect("error"); m.StatusCode != "BAD_REQUEST" || !strings.Contains(m.StatusString, `cannot find project "nope"`) {
		t.Fatalf("missing project: %s", m.raw)
	}
	nf.Signed(`{}`, "p", "extra")
	if m := nf.expect("error"); !strings.Contains(m.StatusString, "extraKeys must be [projectId]") {
		t.Fatalf("two extraKeys: %s", m.raw)
	}
	nf.Signed(`{"type":"subscribe","names":["x"]}`, "p") // the connection was kept: now it binds
	nf.expect("names")
	nf.expect("subscribed")

	c, _ := dialSub(s, "p", `{}`)
	for _, tc := range []struct{ send, want string }{
		{`{"type":"subscribe","names":["x"]`, "not valid JSON"},
		{`{"type":"watch"}`, `"type" is "watch"`},
		{`{"type":"subscribe","names":[7]}`, "names[0] must be a string"},
		{`{"type":"subscribe","names":["x"],"extra":true}`, `unknown key "extra"`},
		{`{"type":"subscribe","pairs":[["x"]]}`, "pairs[0] must be an array of two"},
		{`{"type":"subscribe","names":["` + strings.Repeat("n", 300) + `"]}`, "limit is 256"},
		{`[1]`, "expected a header length or '{'"},
		{`{"type":"subscribe","names":["a","b","c","d"]}`, "at most 3"},
		{`{"type":"subscribe","names":["a","b"],"pairs":[["x","y"],["y","x"]]}`, "at most 3"},
	} {
		c.Bare(tc.send)
		if m := c.expect("error"); m.StatusCode != "BAD_REQUEST" || !strings.Contains(m.StatusString, tc.want) {
			t.Fatalf("%s: %s, want %q", tc.send, m.raw, tc.want)
		}
	}
	c.SendMessage(ws.OpBinary, []byte(`{"type":"subscribe"}`))
	if m := c.expect("error"); !strings.Contains(m.StatusString, "binary frame") {
		t.Fatalf("binary: %s", m.raw)
	}
	// Two subscribe messages within the limit, then one past it: nothing of it subscribed.
	c.Bare(`{"type":"subscribe","names":["x","y"]}`)
	c.expect("subscribed")
	c.Bare(`{"type":"subscribe","names":["x","*"],"pairs":[["x","y"]]}`)
	m := c.until("the refusal", func(m *subMsg) bool { return m.Type == "error" }, func(m *subMsg) {
		if m.Type != "data" || m.Name != "x" && m.Name != "y" { // the first values of x and y only
			t.Fatalf("before the refusal: %s", m.raw)
		}
	})
	if !strings.Contains(m.StatusString, "too many subscriptions") {
		t.Fatalf("past the limit: %s", m.raw)
	}
	if got := s.Metric("symscore_refusals_total", "limit=max_subscriptions"); got != 1 {
		t.Fatalf("max_subscriptions refusals %v", got)
	}
	// Another project on the same connection is refused; the connection goes on.
	c.Signed(`{}`, "q")
	if m := c.afterData("error"); !strings.Contains(m.StatusString, "bound to its customer and extraKeys") {
		t.Fatalf("rebinding: %s", m.raw)
	}
	// So is a message signed by another customer.
	c2, err := auth.NewSigner(testenv.CID2, testenv.Secret2, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.SendMessage(ws.OpText, c2.AppendWSMessage(nil, c.URL, nil, []byte(`{"type":"subscribe","names":["x"]}`)))
	if m := c.afterData("error"); !strings.Contains(m.StatusString, "bound to its customer and extraKeys") {
		t.Fatalf("another customer: %s", m.raw)
	}
	c.Signed(`{"type":"unsubscribe","names":["y"]}`)
	c.afterData("unsubscribed")
}
