package server_test

import (
	"net/http"
	"testing"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/rawws"
	"github.com/symscore/symscore/internal/wsconn"
)

// TestUpgradeAfterREST: a WebSocket upgrade sent on a connection that carried a REST
// request first (as Java's HttpClient does) is upgraded, and a frame pipelined right behind
// the upgrade request is served.
func TestUpgradeAfterREST(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	rc := s.REST("c1", testenv.Secret1)
	path := rc.Path("/projects/list")
	h := rc.Sign(http.MethodGet, path, "", nil)
	c := s.Dial()
	c.WriteRaw([]byte("GET " + path + " HTTP/1.1\r\nHost: charm:8080\r\nAuthorization: " + h.Get("Authorization") +
		"\r\nsym-date: " + h.Get("sym-date") + "\r\nContent-MD5: \r\n\r\n"))
	resp := c.ReadResponse()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("REST request: HTTP %d", resp.StatusCode)
	}

	req := rawws.UpgradeRequest(wsconn.EchoPath)
	c.WriteRaw(append([]byte(req), rawws.AppendFrame(nil, rawws.Frame{Op: ws.OpText, Fin: true, Payload: []byte("hello")})...))
	if resp := c.ReadResponse(); resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade after REST: HTTP %d", resp.StatusCode)
	}
	if op, p := c.ReadMessage(); op != ws.OpText || string(p) != "hello" {
		t.Fatalf("pipelined frame: op %v %q", op, p)
	}
	c.Echo(ws.OpText, []byte("again"))
	if got := s.Metric("symscore_open_connections", ""); got != 1 {
		t.Errorf("open WebSocket connections %v, want 1", got)
	}

	// A GET of a WebSocket path without Upgrade stays a REST request: 404.
	c2 := s.Dial()
	c2.WriteRaw([]byte("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\nGET " + wsconn.EchoPath + " HTTP/1.1\r\nHost: x\r\n\r\n"))
	if resp := c2.ReadResponse(); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unsigned REST request: HTTP %d", resp.StatusCode)
	}
	if resp := c2.ReadResponse(); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("GET %s without Upgrade: HTTP %d", wsconn.EchoPath, resp.StatusCode)
	}
}
