package server

import (
	"net/http"
	"testing"

	"github.com/gobwas/ws"
)

// TestUpgradeAfterREST: a WebSocket upgrade sent on a connection that carried a REST
// request first (as Java's HttpClient does) is upgraded, and a frame pipelined right behind
// the upgrade request is served.
func TestUpgradeAfterREST(t *testing.T) {
	s := startWSServer(t, restTestConfig(), nil)
	rc := newRESTClient(t, s, "c1", secretC1)
	path := rc.path("/projects/list")
	h := rc.sign(http.MethodGet, path, "", nil)
	c := dial(t, s)
	c.writeRaw([]byte("GET " + path + " HTTP/1.1\r\nHost: charm:8080\r\nAuthorization: " + h.Get("Authorization") +
		"\r\nsym-date: " + h.Get("sym-date") + "\r\nContent-MD5: \r\n\r\n"))
	resp := c.readResponse()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("REST request: HTTP %d", resp.StatusCode)
	}

	req := upgradeRequest(echoPath)
	c.writeRaw(append([]byte(req), appendClientFrame(nil, frame{op: ws.OpText, fin: true, payload: []byte("hello")})...))
	if resp := c.readResponse(); resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade after REST: HTTP %d", resp.StatusCode)
	}
	if op, p := c.readMessage(); op != ws.OpText || string(p) != "hello" {
		t.Fatalf("pipelined frame: op %v %q", op, p)
	}
	c.echo(ws.OpText, []byte("again"))
	if got := metricValue(t, s, "symscore_open_connections", ""); got != 1 {
		t.Errorf("open WebSocket connections %v, want 1", got)
	}

	// A GET of a WebSocket path without Upgrade stays a REST request: 404.
	c2 := dial(t, s)
	c2.writeRaw([]byte("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\nGET " + echoPath + " HTTP/1.1\r\nHost: x\r\n\r\n"))
	if resp := c2.readResponse(); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unsigned REST request: HTTP %d", resp.StatusCode)
	}
	if resp := c2.readResponse(); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("GET %s without Upgrade: HTTP %d", echoPath, resp.StatusCode)
	}
}
