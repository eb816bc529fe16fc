package rpcapi_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/tinylib/msgp/msgp"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit/wslinkc"
)

// expectClosed waits for the server to close the connection with code.
func expectClosed(t *testing.T, c *wslinkc.Client, code ws.StatusCode) {
	t.Helper()
	select {
	case <-c.Closed:
	case <-time.After(10 * time.Second):
		t.Fatalf("the connection was not closed (want %d)", code)
	}
	if c.CloseCode != code {
		t.Fatalf("closed with %d, want %d", c.CloseCode, code)
	}
}

// TestHelloAccepted: a signed hello answers a clientID of letters and digits (wslink's
// client drops others) and maxMsgSize, limits.max_frame_bytes; calls then act for that
// customer, and a second hello with a new signature is accepted too.
func TestHelloAccepted(t *testing.T) {
	s := start(t, func(c *config.Config) { c.Limits.MaxFrameBytes = 1 << 20 })
	for _, v := range versions {
		t.Run(name(v), func(t *testing.T) {
			c := wslinkc.Dial(t, s.Addr(), v)
			r := c.Hello(testenv.CID1, testenv.Secret1)
			if r.Error != nil || r.ID != "system:c0:0" {
				t.Fatalf("hello: %+v", r)
			}
			m := r.Result.(map[string]any)
			if id, _ := m["clientID"].(string); !regexp.MustCompile(`^c[0-9a-f]{16}$`).MatchString(id) {
				t.Fatalf("clientID %q", m["clientID"])
			}
			if wslinkc.Number(m["maxMsgSize"]) != 1<<20 {
				t.Fatalf("maxMsgSize %v", m["maxMsgSize"])
			}
			must(t, c, "symscore.project.create", "mine"+name(v), "cpu", nil)
			if r := c.Hello(testenv.CID1, testenv.Secret1); r.Error != nil {
				t.Fatalf("a second hello: %v", r.Error)
			}
			// Another customer does not see the project.
			c2 := wslinkc.Dial(t, s.Addr(), v)
			if r := c2.Hello(testenv.CID2, testenv.Secret2); r.Error != nil {
				t.Fatal(r.Error)
			}
			refused(t, c2, -32001, "BAD_REQUEST", "symscore.project.info", "mine"+name(v))
			if l := must(t, c2, "symscore.project.list").([]any); len(l) != 0 {
				t.Fatalf("customer c2 lists %v", l)
			}
		})
	}
}

// TestHelloRefused: every hello that does not verify is answered -32000 "Authentication
// failed" with the reason the WebSocket reply's statusString would give, and the
// connection is closed with 1008; a hello's signature is not accepted twice.
func TestHelloRefused(t *testing.T) {
	s := start(t, nil)
	signer, err := auth.NewSigner(testenv.CID1, testenv.Secret1, nil)
	if err != nil {
		t.Fatal(err)
	}
	url := "ws://charm:8080/symetry/ws/rpc"
	old, err := auth.NewSigner(testenv.CID1, testenv.Secret1, func() time.Time { return time.Now().Add(-time.Hour) })
	if err != nil {
		t.Fatal(err)
	}
	replayed := wslinkc.SignedHello(t, testenv.CID1, testenv.Secret1, url)
	cases := []struct {
		name   string
		secret any // the hello's argument
		reason string
	}{
		{"bad signature", wslinkc.SignedHello(t, testenv.CID1, testenv.NobodysSecret, url), "signature"},
		{"signed for another URL", wslinkc.SignedHello(t, testenv.CID1, testenv.Secret1, "ws://charm:8080/symetry/ws/learn"), "signature"},
		{"unknown customer", wslinkc.SignedHello(t, "nobody", testenv.Secret1, url), "customer"},
		{"date out of window", string(old.AppendWSMessage(nil, url, nil, []byte("{}"))), "date"},
		{"payload not {}", string(signer.AppendWSMessage(nil, url, nil, []byte(`{"a":1}`))), "payload must be {}"},
		{"extraKeys", string(signer.AppendWSMessage(nil, url, []string{"p"}, []byte("{}"))), "extraKeys []"},
		{"unsigned", "{}", "framed, signed"},
		{"not a message", "wslink-secret", "BAD_REQUEST"},
		{"not a string", 42, "one argument"},
		{"no secret", nil, "one argument"},
		{"replayed", replayed, "replayed"},
	}
	for _, v := range versions {
		c := wslinkc.Dial(t, s.Addr(), v)
		if r := c.HelloSecret(replayed); r.Error != nil && v == 2 {
			t.Fatalf("the first use of a hello: %v", r.Error)
		}
		for _, tc := range cases {
			t.Run(name(v)+"/"+tc.name, func(t *testing.T) {
				c := wslinkc.Dial(t, s.Addr(), v)
				var r wslinkc.Reply
				switch sec := tc.secret.(type) {
				case string:
					r = c.HelloSecret(sec)
				case nil:
					r = c.Wait(c.Go("wslink.hello"))
				default:
					r = c.Wait(c.Go("wslink.hello", map[string]any{"secret": sec}))
				}
				if r.Error == nil || r.Error.Code != -32000 || r.Error.Message != "Authentication failed" {
					t.Fatalf("%+v, want -32000 Authentication failed", r)
				}
				if d, _ := r.Error.Data.(string); !strings.Contains(d, tc.reason) && !(tc.reason == "BAD_REQUEST" && d != "") {
					t.Fatalf("reason %q, want it to say %q", d, tc.reason)
				}
				expectClosed(t, c, ws.StatusPolicyViolation)
			})
		}
	}
}

// TestCallsBeforeHello: any other message first, in either framing, is answered -32000 and
// closes the connection with 1008; so does a 1.x attachment or binary frame first.
func TestCallsBeforeHello(t *testing.T) {
	s := start(t, nil)
	for _, v := range versions {
		t.Run(name(v)+"/call", func(t *testing.T) {
			c := wslinkc.Dial(t, s.Addr(), v)
			r := c.Call("symscore.project.list")
			if r.Error == nil || r.Error.Code != -32000 || r.Error.Message != "Not authenticated" {
				t.Fatalf("%+v", r)
			}
			expectClosed(t, c, ws.StatusPolicyViolation)
		})
		t.Run(name(v)+"/garbage", func(t *testing.T) {
			c := wslinkc.Dial(t, s.Addr(), v)
			c.Expect("")
			garbage := []byte{0xc1, '{', '}'} // not MessagePack
			if v == 1 {
				garbage = []byte("{not JSON")
			}
			c.SendRaw(garbage)
			if r := c.Wait(""); r.Error == nil || r.Error.Code != -32000 {
				t.Fatalf("%+v", r)
			}
			expectClosed(t, c, ws.StatusPolicyViolation)
		})
	}
	t.Run("wslink1/attachment first", func(t *testing.T) {
		c := wslinkc.Dial(t, s.Addr(), 1)
		c.Go("symscore.project.list", []byte{1, 2, 3}) // the attachment goes first
		expectClosed(t, c, ws.StatusPolicyViolation)
	})
	t.Run("wslink2/an unknown method first", func(t *testing.T) {
		c := wslinkc.Dial(t, s.Addr(), 2)
		msg, _ := msgp.AppendIntf(nil, map[string]any{"wslink": "1.0", "id": "rpc:x:1", "method": "nope", "args": []any{}})
		c.Expect("rpc:x:1")
		c.SendRaw(msg)
		if r := c.Wait("rpc:x:1"); r.Error == nil || r.Error.Code != -32000 {
			t.Fatalf("%+v", r)
		}
		expectClosed(t, c, ws.StatusPolicyViolation)
	})
}

// TestHelloRemembered: a hello accepted before a restart is a replay after it.
func TestHelloRemembered(t *testing.T) {
	cfg := func(c *config.Config) { c.DataDir = t.TempDir() }
	dir := ""
	s := start(t, func(c *config.Config) { cfg(c); dir = c.DataDir })
	secret := wslinkc.SignedHello(t, testenv.CID1, testenv.Secret1, "ws://charm:8080/symetry/ws/rpc")
	if r := wslinkc.Dial(t, s.Addr(), 2).HelloSecret(secret); r.Error != nil {
		t.Fatal(r.Error)
	}
	s.Shutdown(t.Context())
	s2 := start(t, func(c *config.Config) { c.DataDir = dir })
	c := wslinkc.Dial(t, s2.Addr(), 2)
	if r := c.HelloSecret(secret); r.Error == nil || !strings.Contains(r.Error.Data.(string), "replayed") {
		t.Fatalf("a hello replayed after a restart: %+v", r)
	}
	expectClosed(t, c, ws.StatusPolicyViolation)
}
