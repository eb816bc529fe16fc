package server

import (
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/symscore/symscore/internal/restapi"
	"github.com/symscore/symscore/internal/wsconn"
)

// The main listener routes a connection by its first request line only. A client may send
// a WebSocket upgrade on a connection that already carried REST requests: Java's
// HttpClient sends its handshake over the keep-alive connection it pooled for the REST
// calls before. Such a request reaches the REST server; it is taken back (hijacked) and
// upgraded by the WebSocket side as if it had come first, its head rewritten from the
// parsed request and followed by the bytes net/http had buffered behind it (frames a
// client pipelines before reading the 101).

// isUpgradeRequest reports whether r is a WebSocket upgrade on a /symetry/ws/ path: GET,
// and an Upgrade header naming websocket.
func isUpgradeRequest(r *http.Request) bool {
	if r.Method != http.MethodGet || !strings.HasPrefix(restapi.RequestPath(r), wsconn.PathPrefix) {
		return false
	}
	for _, v := range r.Header.Values("Upgrade") {
		for _, tok := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "websocket") {
				return true
			}
		}
	}
	return false
}

// handBackUpgrade hijacks the connection of r when it is an upgrade request
// (isUpgradeRequest), and serves it as a WebSocket connection in a tracked goroutine. It
// reports false when r is not one or its connection cannot be hijacked; the request is then
// answered as any other.
func (l *mainListener) handBackUpgrade(w http.ResponseWriter, r *http.Request) bool {
	if !isUpgradeRequest(r) {
		return false
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		return false
	}
	nc, brw, err := hj.Hijack()
	if err != nil {
		return false
	}
	hc, ok := nc.(*handoffConn)
	if !ok { // not a connection of the main listener: nothing to hand back to
		nc.Close()
		return true
	}
	// From here the WebSocket side owns the connection's admission: it closes the socket
	// and releases its places on its own. (A connection authenticated by a REST request
	// keeps that; its WebSocket session must still verify its first message.)
	hc.handedBack.Store(true)
	head := make([]byte, 0, 512+brw.Reader.Buffered())
	head = append(head, "GET "...)
	head = append(head, r.RequestURI...)
	head = append(head, " HTTP/1.1\r\nHost: "...)
	head = append(head, r.Host...)
	head = append(head, "\r\n"...)
	hw := headWriter{b: head}
	r.Header.Write(&hw)
	head = append(hw.b, "\r\n"...)
	buffered, _ := brw.Reader.Peek(brw.Reader.Buffered())
	head = append(head, buffered...)
	conn := &rehandoffConn{Conn: hc.Conn, pre: head, rest: hc}
	l.spawn(func() {
		rd := &wsconn.Reader{}
		rd.Init(conn)
		conn.SetDeadline(time.Now().Add(l.handshakeTimeout))
		l.ws.Serve(conn, rd, hc.adm)
	})
	return true
}

// headWriter collects a header block written by http.Header.Write.
type headWriter struct{ b []byte }

func (h *headWriter) Write(p []byte) (int, error) { h.b = append(h.b, p...); return len(p), nil }

// rehandoffConn is a hijacked REST connection given back to the WebSocket side: reads
// return the rewritten head and the bytes buffered behind it first, then read through the
// handoff connection (its own buffered bytes, then the socket). Writes, deadlines and
// Close go to the socket.
type rehandoffConn struct {
	net.Conn
	pre  []byte
	rest io.Reader
}

func (c *rehandoffConn) Read(p []byte) (int, error) {
	if len(c.pre) > 0 {
		n := copy(p, c.pre)
		c.pre = c.pre[n:]
		return n, nil
	}
	return c.rest.Read(p)
}
