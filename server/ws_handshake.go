package server

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/gobwas/ws"
)

const (
	// wsPathPrefix starts the path of every WebSocket endpoint.
	wsPathPrefix = "/symetry/ws/"
	// maxHandshakeBytes bounds an upgrade request's head (request line and headers).
	maxHandshakeBytes = 16 << 10
)

var (
	errNotFound = ws.RejectConnectionError(ws.RejectionStatus(http.StatusNotFound),
		ws.RejectionReason("no WebSocket endpoint at this path"))
	errTooManyConnections = ws.RejectConnectionError(ws.RejectionStatus(http.StatusServiceUnavailable),
		ws.RejectionReason("too many connections"))
	errStopping = ws.RejectConnectionError(ws.RejectionStatus(http.StatusServiceUnavailable),
		ws.RejectionReason("server shutting down"))
	errHandshakeTooLarge = errors.New("server: upgrade request head too large")
)

// response431 refuses an upgrade request whose head is over maxHandshakeBytes.
const response431 = "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"

// peekLine returns the connection's first line (up to and including "\n") without consuming
// it. errReadBufferFull: no line end in the first readBufBytes bytes.
func peekLine(r *connReader) ([]byte, error) {
	scanned := 0
	for {
		buf := r.buffered()
		if i := bytes.IndexByte(buf[scanned:], '\n'); i >= 0 {
			return buf[:scanned+i+1], nil
		}
		scanned = len(buf)
		if err := r.fill(); err != nil {
			return nil, err
		}
	}
}

// isWebSocketRequestLine reports whether line is a GET on a WebSocket endpoint path.
func isWebSocketRequestLine(line []byte) bool {
	return bytes.HasPrefix(line, []byte("GET "+wsPathPrefix))
}

// handshake is the state of one upgrade: what the Upgrader's hooks learn from the request.
type handshake struct {
	l     *mainListener
	over  bool // accepted past limits.max_connections
	route *wsRoute
	query string
	host  string
	err   error // rejection returned by a hook
}

// onRequest routes the request URI to an endpoint before any header is read and checks the
// limits that refuse a connection before anything is allocated for it.
func (h *handshake) onRequest(uri []byte) error {
	path, query, _ := bytes.Cut(uri, []byte("?"))
	route := h.l.routes[string(path)] // no allocation: map lookup by converted key
	switch {
	case route == nil:
		h.err = errNotFound
	case h.l.stopping.Load():
		h.err = errStopping
	case h.over:
		h.err = errTooManyConnections
	default:
		h.route = route
		if len(query) > 0 {
			h.query = string(query)
		}
	}
	return h.err
}

func (h *handshake) onHost(host []byte) error {
	h.host = string(host)
	return nil
}

// upgradeWS upgrades nc with gobwas' zero-copy Upgrader and serves it. The Upgrader reads
// through a pooled buffer of its own that it drops on return; it is given the request head
// and nothing past it (handshakeReader), so frames a client writes right behind its request,
// before it has read the response, stay in r, the connection's reader.
func (l *mainListener) upgradeWS(nc net.Conn, r *connReader, over bool) {
	h := &handshake{l: l, over: over}
	u := ws.Upgrader{OnRequest: h.onRequest, OnHost: h.onHost}
	hr := &handshakeReader{r: r}
	_, err := u.Upgrade(handshakeIO{hr, nc})
	if err != nil {
		l.refuseHandshake(nc, r, hr, err)
		return
	}
	l.metrics.handshakes.WithLabelValues("101").Inc()
	nc.SetDeadline(time.Time{})
	c := newWSConn(l, nc, r, h)
	c.serve()
}

// refuseHandshake ends a connection whose upgrade failed. The Upgrader has answered unless
// the request could not be read.
func (l *mainListener) refuseHandshake(nc net.Conn, r *connReader, hr *handshakeReader, err error) {
	var rej *ws.ConnectionRejectedError
	switch {
	case errors.As(err, &rej):
		l.metrics.handshakes.WithLabelValues(strconv.Itoa(rej.StatusCode())).Inc()
		// Read the rest of the head (the Upgrader stops at a rejection): closing a socket
		// with unread bytes resets it, and the client could lose the response.
		hr.drain()
	case errors.Is(err, errHandshakeTooLarge):
		l.refuse(limitHandshakeBytes)
		l.metrics.handshakes.WithLabelValues("431").Inc()
		nc.Write([]byte(response431))
	case isTimeout(err):
		l.refuse(limitHandshakeTimeout)
	}
	r.releaseAll()
	nc.Close()
	l.open.Add(-1)
}

// handshakeIO is what the Upgrader reads from and writes to.
type handshakeIO struct {
	io.Reader
	io.Writer
}

// handshakeReader gives the Upgrader the bytes of the upgrade request's head and none past
// it: the head ends at the first empty line. It refuses a head over maxHandshakeBytes.
type handshakeReader struct {
	r       *connReader
	n       int  // head bytes given so far
	lineLen int  // bytes of the current line, not counting "\r"
	done    bool // the empty line was seen
}

func (h *handshakeReader) Read(p []byte) (int, error) {
	if h.done {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if h.r.Buffered() == 0 {
		if err := h.r.fill(); err != nil {
			return 0, err
		}
	}
	buf := h.r.buffered()
	n := 0
	for n < len(buf) && n < len(p) && !h.done {
		switch c := buf[n]; c {
		case '\n':
			h.done = h.lineLen == 0
			h.lineLen = 0
		case '\r':
		default:
			h.lineLen++
		}
		n++
	}
	if h.n+n > maxHandshakeBytes {
		return 0, errHandshakeTooLarge
	}
	copy(p, buf[:n])
	h.r.discard(n)
	h.n += n
	return n, nil
}

// drain reads the rest of the head, within the handshake deadline.
func (h *handshakeReader) drain() {
	var buf [512]byte
	for !h.done {
		if _, err := h.Read(buf[:]); err != nil {
			return
		}
	}
}
