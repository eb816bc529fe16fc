package server_test

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
)

// TestWSSessionRules: what a connection may send before and after it authenticated.
func TestWSSessionRules(t *testing.T) {
	ds := testkit.NewDataset(4, 10, 2)
	rows := ds.FrameJSON(0, 2)
	t.Run("bare first frame", func(t *testing.T) {
		s := start(t, testkit.Config(), nil)
		c := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
		c.Bare(rows)
		if e := c.Expect("BAD_REQUEST"); !strings.Contains(e.StatusString, "first message") {
			t.Fatalf("%q", e.StatusString)
		}
		c.ExpectClose(ws.StatusPolicyViolation)
	})
	t.Run("signed frames only", func(t *testing.T) {
		cfg := testkit.Config()
		cfg.Auth.SignedFramesOnly = true
		s := start(t, cfg, nil)
		rest1(s).Create("p")
		c := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
		c.Signed(rows, "p")
		c.Expect("OK")
		c.Signed(rows) // signed with empty extraKeys: the bound project
		c.Expect("OK")
		c.Bare(rows)
		if e := c.Expect("BAD_REQUEST"); !strings.Contains(e.StatusString, "signed_frames_only") {
			t.Fatalf("%q", e.StatusString)
		}
		c.ExpectClose(ws.StatusPolicyViolation)
		if p := rest1(s).Project("p"); p.Rows() != 4 {
			t.Fatalf("%d rows", p.Rows())
		}
	})
	t.Run("legacy framing", func(t *testing.T) {
		for _, allow := range []bool{true, false} {
			cfg := testkit.Config()
			cfg.Auth.LegacyFraming = allow
			s := start(t, cfg, nil)
			rest1(s).Create("p")
			c := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
			framed := c.Signer.AppendWSMessage(nil, c.URL, []string{"p"}, []byte(rows))
			header := framed[bytes.IndexByte(framed, ',')+1 : bytes.Index(framed, []byte(`{"attributeNames"`))]
			legacy := append(append(append([]byte(nil), header...), "-289907289"...), rows...)
			c.SendMessage(ws.OpText, legacy)
			if allow {
				c.Expect("OK")
				continue
			}
			c.Expect("BAD_REQUEST")
			c.ExpectClose(ws.StatusPolicyViolation)
		}
	})
	t.Run("extraKeys", func(t *testing.T) {
		s := start(t, testkit.Config(), nil)
		rest1(s).Create("p")
		rest1(s).Create("q")
		c := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
		c.Signed(rows) // authenticated, but no project named
		if e := c.Expect("BAD_REQUEST"); !strings.Contains(e.StatusString, "extraKeys") {
			t.Fatalf("%q", e.StatusString)
		}
		c.Signed(rows, "p", "extra")
		c.Expect("BAD_REQUEST")
		c.Signed(rows, "p")
		c.Expect("OK")
		c.Signed(rows, "q") // rebinds
		c.Expect("OK")
		c.Bare(rows)
		c.Expect("OK")
		pp := rest1(s).Project("p")
		pq := rest1(s).Project("q")
		if pp.Rows() != 2 || pq.Rows() != 4 {
			t.Fatalf("p %d rows, q %d rows; want 2 and 4", pp.Rows(), pq.Rows())
		}
	})
	t.Run("binary frame", func(t *testing.T) {
		s := start(t, testkit.Config(), nil)
		c := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
		c.SendMessage(ws.OpBinary, []byte(rows))
		c.Expect("BAD_REQUEST")
		c.SendMessage(ws.OpBinary, []byte(rows))
		c.Expect("BAD_REQUEST") // still open
	})
}

// TestWSAuthFailures: every authentication failure of the protocol, over a real socket:
// the status of docs/protocol.md, then close 1008; replays are answered and the connection kept.
func TestWSAuthFailures(t *testing.T) {
	ds := testkit.NewDataset(5, 4, 2)
	rows := ds.FrameJSON(0, 2)
	s := start(t, testkit.Config(), nil)
	rest1(s).Create("p")
	now := time.Now() // after the start: earlier dates are refused as possible replays
	sign := func(cid, secret string, at time.Time, keys ...string) []byte {
		sg, err := auth.NewSigner(cid, secret, fixedClock(at))
		must(t, err)
		return sg.AppendWSMessage(nil, "ws://charm:8080/symetry/ws/learn", keys, []byte(rows))
	}
	good := sign("c1", testenv.Secret1, now, "p")
	header := string(good[bytes.IndexByte(good, ',')+1 : bytes.Index(good, []byte(`{"attributeNames"`))])
	// replace edits the message (header or payload) and writes its header length anew.
	replace := func(b []byte, old, new string) []byte {
		h := strings.Replace(header, old, new, 1)
		p := strings.Replace(rows, old, new, 1)
		return []byte(strconv.Itoa(len(h)) + "," + h + p)
	}
	var h struct{ Headers []string }
	must(t, json.Unmarshal([]byte(header), &h))
	sha1Sig := "AAAAAAAAAAAAAAAAAAAAAAAAAAA="
	cases := []struct {
		name    string
		msg     []byte
		status  string
		contain string
	}{
		{"wrong secret", sign("c1", testenv.Secret2, now, "p"), "UNAUTHORIZED", "bad signature"},
		{"other customer's secret", sign("c2", testenv.Secret1, now, "p"), "UNAUTHORIZED", "bad signature"},
		{"unknown customer", sign("c9", testenv.Secret1, now, "p"), "UNAUTHORIZED", "unknown customer"},
		{"MD5 mismatch", replace(good, "[[", "[ ["), "BAD_REQUEST", "MD5"},
		{"stale date", sign("c1", testenv.Secret1, now.Add(-6*time.Minute), "p"), "BAD_REQUEST", "window"},
		{"future date", sign("c1", testenv.Secret1, now.Add(2*time.Minute), "p"), "BAD_REQUEST", "window"},
		{"bad date format", replace(good, h.Headers[0], strings.Replace(h.Headers[0], " ", "T", 1)), "BAD_REQUEST", "date"},
		{"SHA-1 not allowed", replace(good, h.Headers[2], sha1Sig), "UNAUTHORIZED", "SHA1"},
		{"truncated header", good[:40], "BAD_REQUEST", "byte"},
		{"length past end", append([]byte("99999,"), good[bytes.IndexByte(good, ',')+1:]...), "BAD_REQUEST", "byte"},
		{"non-numeric length", append([]byte("1x7,"), good[bytes.IndexByte(good, ',')+1:]...), "BAD_REQUEST", "byte 1"},
		{"header of the wrong shape", replace(good, `"extraKeys":["p"]`, `"extraKeys":"p"`), "BAD_REQUEST", "extraKeys"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
			cl.SendMessage(ws.OpText, c.msg)
			e := cl.Expect(c.status)
			if !strings.Contains(strings.ToLower(e.StatusString), strings.ToLower(c.contain)) {
				t.Fatalf("statusString %q does not mention %q", e.StatusString, c.contain)
			}
			if c.contain == "bad signature" {
				var v struct{ StringToSign string }
				must(t, json.Unmarshal(e.Values, &v))
				if !strings.Contains(v.StringToSign, "SECRETKEY") || strings.Contains(v.StringToSign, testenv.Secret1) || strings.Contains(v.StringToSign, testenv.Secret2) {
					t.Fatalf("stringToSign %q", v.StringToSign)
				}
			}
			cl.ExpectClose(ws.StatusPolicyViolation)
		})
	}
	if p := rest1(s).Project("p"); p.Rows() != 0 {
		t.Fatalf("refused messages learned %d rows", p.Rows())
	}
	if got := s.Metric("symscore_auth_failures_total", "reason=bad_signature"); got != 2 {
		t.Fatalf("bad signatures counted %v, want 2", got)
	}
	// A replay is refused, the connection stays open.
	cl := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	cl.SendMessage(ws.OpText, good)
	cl.Expect("OK")
	other := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	other.SendMessage(ws.OpText, good)
	other.Expect("CONFLICT")
	other.Bare(rows) // not authenticated by the replay
	other.Expect("BAD_REQUEST")
	other.ExpectClose(ws.StatusPolicyViolation)
}

// TestWSCustomerIsolation: a customer cannot learn into, forget from or predict with
// another customer's project, whatever it signs.
func TestWSCustomerIsolation(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	rest1(s).Create("secret-project")
	ds := testkit.NewDataset(6, 50, 2)
	rest1(s).Learn("secret-project", []byte(ds.FrameJSON(0, 50)))
	m := rest1(s).BuildModel("secret-project", "mlr", "m", testkit.MLContextJSON(ds.InputNames(), []string{"t"}))
	before := rest1(s).Export("secret-project")
	for _, path := range []string{"/symetry/ws/learn", "/symetry/ws/forget"} {
		c := s.Sym(path, "c2", testenv.Secret2)
		c.Signed(ds.FrameJSON(0, 5), "secret-project")
		if e := c.Expect("BAD_REQUEST"); e.StatusString != `cannot find project "secret-project"` {
			t.Fatalf("%s: %q", path, e.StatusString)
		}
		// Claiming to be c1 with c2's secret fails authentication.
		c2 := s.Sym(path, "c1", testenv.Secret2)
		c2.Signed(ds.FrameJSON(0, 5), "secret-project")
		c2.Expect("UNAUTHORIZED")
		c2.ExpectClose(ws.StatusPolicyViolation)
	}
	c := s.Sym("/symetry/ws/predict", "c2", testenv.Secret2)
	c.Signed(ds.PredictJSON(0, 1), "secret-project", m.ID())
	c.Expect("BAD_REQUEST")
	after := rest1(s).Export("secret-project")
	if !bytes.Equal(before, after) {
		t.Fatal("another customer changed the project")
	}
}
