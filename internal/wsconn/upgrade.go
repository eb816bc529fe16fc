package wsconn

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/gobwas/ws"
)

const (
	// PathPrefix starts the path of every WebSocket endpoint.
	PathPrefix = "/symetry/ws/"
	// MaxHandshakeBytes bounds an upgrade request's head (request line and headers); the
	// REST server bounds its request heads with it too.
	MaxHandshakeBytes = 16 << 10
)

var (
	errNotFound = ws.RejectConnectionError(ws.RejectionStatus(http.StatusNotFound),
		ws.RejectionReason("no WebSocket endpoint at this path"))
	errTooManyConnections = ws.RejectConnectionError(ws.RejectionStatus(http.StatusServiceUnavailable),
		ws.RejectionReason(OverConnections.Reason()))
	errTooManyUnauthenticated = ws.RejectConnectionError(ws.RejectionStatus(http.StatusServiceUnavailable),
		ws.RejectionReason(OverUnauthenticated.Reason()))
	errTooManyFromAddress = ws.RejectConnectionError(ws.RejectionStatus(http.StatusServiceUnavailable),
		ws.RejectionReason(OverUnauthenticatedAddress.Reason()))
	errStopping = ws.RejectConnectionError(ws.RejectionStatus(http.StatusServiceUnavailable),
		ws.RejectionReason("server shutting down"))
	errHandshakeTooLarge = errors.New("wsconn: upgrade request head too large")
)

// response431 refuses an upgrade request whose head is over MaxHandshakeBytes.
const response431 = "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"

// Over says whether, and past which limit, a connection was accepted that is to be
// answered 503 instead of served.
type Over uint8

const (
	NotOver                    Over = iota
	OverConnections                 // past limits.max_connections
	OverUnauthenticated             // past limits.max_unauthenticated_connections
	OverUnauthenticatedAddress      // past limits.max_unauthenticated_connections_per_address
)

// Reason is the text of the 503 answer.
func (o Over) Reason() string {
	switch o {
	case OverConnections:
		return "too many connections (limits.max_connections); retry later"
	case OverUnauthenticated:
		return "too many connections not yet authenticated (limits.max_unauthenticated_connections); retry later"
	case OverUnauthenticatedAddress:
		return "too many connections not yet authenticated from this address (limits.max_unauthenticated_connections_per_address); retry later"
	}
	return ""
}

// IsUpgradeLine reports whether line, a request line, is a GET on a WebSocket endpoint
// path: the listener gives such a connection to Serve, anything else to REST.
func IsUpgradeLine(line []byte) bool {
	return bytes.HasPrefix(line, []byte("GET "+PathPrefix))
}

// handshake is the state of one upgrade: what the Upgrader's hooks learn from the request.
type handshake struct {
	s     *Server
	over  Over // accepted past a limit: refused 503
	route *route
	query string
	host  string
	err   error // rejection returned by a hook
}

// onRequest routes the request URI to an endpoint before any header is read and checks the
// limits that refuse a connection before anything is allocated for it.
func (h *handshake) onRequest(uri []byte) error {
	path, query, _ := bytes.Cut(uri, []byte("?"))
	route := h.s.routes[string(path)] // no allocation: map lookup by converted key
	switch {
	case route == nil:
		h.err = errNotFound
	case h.s.d.Tracker.Stopping():
		h.err = errStopping
	case h.over == OverConnections:
		h.err = errTooManyConnections
	case h.over == OverUnauthenticated:
		h.err = errTooManyUnauthenticated
	case h.over == OverUnauthenticatedAddress:
		h.err = errTooManyFromAddress
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

// Serve upgrades nc, whose first bytes were read into r (Init on nc), with gobwas'
// zero-copy Upgrader, and serves the connection until it ends. adm is its places under the
// connection limits: one accepted past a limit (adm.Over) is refused 503. The caller has
// set nc's deadline for the handshake (Limits.HandshakeTimeout from the first byte read);
// Serve clears it once upgraded. Serve owns nc and adm: it closes nc, and calls
// adm.Release once, however the connection ends.
//
// The Upgrader reads through a pooled buffer of its own that it drops on return; it is
// given the request head and nothing past it (handshakeReader), so frames a client writes
// right behind its request, before it has read the response, stay in r.
func (s *Server) Serve(nc net.Conn, r *Reader, adm Admission) {
	h := &handshake{s: s, over: adm.Over()}
	u := ws.Upgrader{OnRequest: h.onRequest, OnHost: h.onHost}
	hr := &handshakeReader{r: r}
	_, err := u.Upgrade(handshakeIO{hr, nc})
	if err != nil {
		s.refuseHandshake(nc, r, hr, err)
		adm.Release()
		return
	}
	s.d.Metrics.Handshake(http.StatusSwitchingProtocols)
	nc.SetDeadline(time.Time{})
	s.newConn(nc, r, h, adm).serve()
}

// refuseHandshake ends a connection whose upgrade failed. The Upgrader has answered unless
// the request could not be read.
func (s *Server) refuseHandshake(nc net.Conn, r *Reader, hr *handshakeReader, err error) {
	var rej *ws.ConnectionRejectedError
	switch {
	case errors.As(err, &rej):
		s.d.Metrics.Handshake(rej.StatusCode())
		// Read the rest of the head (the Upgrader stops at a rejection): closing a socket
		// with unread bytes resets it, and the client could lose the response.
		hr.drain()
	case errors.Is(err, errHandshakeTooLarge):
		s.refused.handshakeBytes.Inc()
		s.d.Metrics.Handshake(http.StatusRequestHeaderFieldsTooLarge)
		nc.Write([]byte(response431))
	case isTimeout(err):
		s.refused.handshakeTimeout.Inc()
	}
	r.ReleaseAll()
	nc.Close()
}

// handshakeIO is what the Upgrader reads from and writes to.
type handshakeIO struct {
	io.Reader
	io.Writer
}

// handshakeReader gives the Upgrader the bytes of the upgrade request's head and none past
// it: the head ends at the first empty line. It refuses a head over MaxHandshakeBytes.
type handshakeReader struct {
	r       *Reader
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
	buf := h.r.Peek()
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
	if h.n+n > MaxHandshakeBytes {
		return 0, errHandshakeTooLarge
	}
	copy(p, buf[:n])
	h.r.Discard(n)
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
