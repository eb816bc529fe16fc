package server

import "github.com/gobwas/ws"

// wsEndpoint serves one WebSocket path of the main listener (see Server.wsEndpoints). It
// must be safe for concurrent use: newSession runs on the goroutine of each new connection.
type wsEndpoint interface {
	// newSession starts the session of a connection just upgraded on the endpoint's path.
	// info stays valid, unchanged, for the connection's life. It must not block.
	newSession(info *upgradeInfo) wsSession
}

// wsSession is the state of one WebSocket connection of an endpoint. Its methods are called
// by the connection's reader goroutine only, one at a time, so a session needs no lock for
// its own state.
//
// Messages reach handleMessage in the order they arrive, one at a time (the next message is
// not read before handleMessage returns), and replies are sent in the same order, so replies
// always come in the order of the requests. Control frames never reach the session: the
// connection loop answers pings, ignores pongs and runs the closing handshake itself.
type wsSession interface {
	// handleMessage handles one complete data message: op is ws.OpText or ws.OpBinary, and
	// payload is the unmasked, reassembled message, valid only during the call (it is the
	// connection's pooled buffer). Text messages are valid UTF-8, and no longer than
	// limits.max_message_bytes.
	//
	// The reply message's payload is out, sent with opcode replyOp (ws.OpText or
	// ws.OpBinary); replyOp 0 sends no reply. reply is an empty buffer with spare capacity
	// (at least 4 KiB) to append the reply to, with room before it for the frame header: out
	// = append(reply, ...) is written without a copy. out may also be payload itself (with
	// the same start; e.g. an echo), or memory the session owns that stays unchanged until
	// the next call (it is copied into a pooled frame buffer). If appending grows out past
	// reply's capacity, Go reallocates it: it still works, at the cost of that allocation.
	//
	// closeCode != 0 closes the connection after the reply is sent: the close frame carries
	// closeCode (e.g. ws.StatusPolicyViolation, 1008, after an authentication failure) and
	// no further message is read.
	handleMessage(op ws.OpCode, payload, reply []byte) (out []byte, replyOp ws.OpCode, closeCode ws.StatusCode)

	// refuse answers a message that was not handled because the server was at
	// limits.max_inflight for longer than the connection may wait (see inflightWait). Its
	// arguments and results are those of handleMessage (e.g. a SERVICE_UNAVAILABLE reply).
	refuse(op ws.OpCode, payload, reply []byte) (out []byte, replyOp ws.OpCode, closeCode ws.StatusCode)

	// trusted reports whether the connection has authenticated: until it has, the message
	// being read counts against limits.max_unverified_bytes.
	trusted() bool

	// close is called once, when the connection is done, after the last handleMessage or
	// refuse has returned.
	close()
}

// upgradeInfo is what a session knows of its connection's upgrade request. Immutable.
type upgradeInfo struct {
	// path is the request path the endpoint is registered under, e.g. "/symetry/ws/learn"
	// (the query, if any, is in rawQuery).
	path string
	// rawQuery is the request URI's query, without the "?"; usually empty.
	rawQuery string
	// host is the Host header as the client sent it, e.g. "charm:8080".
	host string
	// scheme is "ws" ("wss" on a TLS listener; the main listener has none yet).
	scheme string
	// remoteAddr is the client's address, host:port.
	remoteAddr string
}
