package wsconn

import (
	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/admit"
)

// Endpoint serves one WebSocket path. It must be safe for concurrent use: NewSession runs
// on the goroutine of each new connection.
type Endpoint interface {
	// NewSession starts the session of a connection just upgraded on the endpoint's path.
	// p stays valid for the connection's life. It must not block.
	NewSession(p Peer) Session
}

// Session is the state of one connection of an endpoint. HandleMessage, Refuse, Trusted
// and Close are called by the connection's reader goroutine only, one at a time, so a
// session needs no lock for the state only they touch.
//
// Messages reach HandleMessage in the order they arrive, one at a time (the next message is
// not read before HandleMessage returns), and its replies are sent in the same order, so a
// session that answers each message in HandleMessage answers in the order of the requests.
// A session that answers later (work handed to another goroutine: out-of-order RPC results)
// or speaks first (subscriptions) sends through Peer.Send. Control frames never reach the
// session: the connection answers pings, ignores pongs and runs the close handshake itself.
type Session interface {
	// HandleMessage handles one complete data message: op is ws.OpText or ws.OpBinary, and
	// payload is the unmasked, reassembled message, valid only during the call (it is the
	// connection's buffer). Text messages are valid UTF-8; no message is longer than
	// limits.max_message_bytes.
	//
	// t.Arrived is when the message's last byte was read (a Clock reading: wall and
	// monotonic), read once by the connection for everything that needs the message's
	// time: its latency's start and a signature's date window. A session measures the
	// latency with t.Took (that reading is the connection's next idle-deadline check: no
	// third read). t is the connection's, valid during the call only.
	//
	// The reply message's payload is out, sent with opcode replyOp (ws.OpText or
	// ws.OpBinary); replyOp 0 sends no reply. reply is an empty buffer with spare capacity
	// (at least 4 KiB) to append the reply to, with room before it for the frame header:
	// out = append(reply, ...) is written without a copy. out may also be payload itself
	// (with the same start; an echo), or memory the session owns that stays unchanged until
	// the next call (it is copied into a pooled frame buffer). If appending grows out past
	// reply's capacity, Go reallocates it: it still works, at the cost of that allocation.
	//
	// closeCode != 0 closes the connection after the reply is sent: the close frame
	// carries closeCode (e.g. ws.StatusPolicyViolation, 1008, after an authentication
	// failure) and no further message is read.
	HandleMessage(op ws.OpCode, payload, reply []byte, t *Timing) (out []byte, replyOp ws.OpCode, closeCode ws.StatusCode)

	// Refuse answers a message that was not handled because the server was at
	// limits.max_inflight for longer than the connection may wait. Its arguments and
	// results are those of HandleMessage (e.g. a SERVICE_UNAVAILABLE reply).
	Refuse(op ws.OpCode, payload, reply []byte) (out []byte, replyOp ws.OpCode, closeCode ws.StatusCode)

	// Trusted reports whether the connection has authenticated and, when it has, the
	// budget its messages count against from their first byte until their reply (its
	// customer's share of limits.max_inflight_bytes; nil: Deps.InflightBytes itself).
	// Until it has, the message being read counts against limits.max_unverified_bytes
	// (and its per-address and per-connection bounds), and the connection is closed
	// unless it authenticates within limits.auth_timeout of its upgrade.
	Trusted() (bool, *admit.Budget)

	// Close is called once, when the connection is done, after the last HandleMessage or
	// Refuse has returned. Messages pushed after it are refused (ErrClosed).
	Close()
}

// Untimed is a Session whose messages need no clock reading (the echo floor): the
// connection reads no arrival time for them: the Timing it hands to HandleMessage holds
// none (Arrived is zero), and the idle deadline is checked with a clock read of its own.
type Untimed interface {
	Untimed()
}

// ReplyGiver is a Session that may answer a message in a buffer of its own, taken from
// package bufpool, instead of the reply buffer it is given (a reply larger than that
// buffer, written without a copy): out then starts Headroom bytes into that buffer, room
// the connection writes the frame header into. After HandleMessage or Refuse, the
// connection calls TakeReply, which returns that buffer (nil when out is not in one), and
// gives it back to the pool once the reply is sent.
type ReplyGiver interface {
	TakeReply() *[]byte
}

// Headroom is the room a reply buffer keeps before the reply for the frame header.
const Headroom = headroom

// Peer is what a session may do with its connection, from any goroutine.
type Peer interface {
	// Info describes the upgrade request. Immutable.
	Info() *Info
	// Send sends one message (opcode ws.OpText or ws.OpBinary) on the connection, behind
	// whatever is queued: a server-initiated message (a publication) or a reply handed to
	// another goroutine. It never waits for the client: when the outbound queue
	// (limits.outbound_queue_bytes) has no room, the connection is closed with 1008 (a
	// client that does not read) and Send returns ErrQueueFull. payload may be reused once
	// Send returns. After the connection is done it returns ErrClosed.
	Send(op ws.OpCode, payload []byte) error
	// SendAll sends several messages, each payload its own frame with opcode op, in
	// order, behind whatever is queued, as Send does — in one write when the socket takes
	// them (publications to one subscriber: one system call, not one per message). As
	// Send, it never waits: when the outbound queue has no room for what the socket does
	// not take, the connection is closed with 1008 and SendAll returns ErrQueueFull.
	SendAll(op ws.OpCode, payloads [][]byte) error
	// SendWait is Send for a message the client asked for and is expected to read (a
	// reply handed to another goroutine): when the queue has no room, it waits up to
	// limits.write_timeout for some (a message larger than the whole queue is written
	// once the queue is empty), and only then closes the connection with 1008
	// (ErrQueueFull). payload may be reused once SendWait returns.
	SendWait(op ws.OpCode, payload []byte) error
	// Close ends the connection: the reader stops reading, sends a close frame with code
	// and reason (cut to 123 bytes) after the replies in hand, and closes. Idempotent; the
	// first code wins.
	Close(code ws.StatusCode, reason string)
	// Go runs f in a goroutine that server shutdown waits for.
	Go(f func())
}

// Info is what a session knows of its connection's upgrade request. Immutable.
type Info struct {
	// Path is the request path the endpoint is registered under, e.g.
	// "/symetry/ws/learn" (the query, if any, is in RawQuery).
	Path string
	// RawQuery is the request URI's query, without the "?"; usually empty.
	RawQuery string
	// Host is the Host header as the client sent it, e.g. "charm:8080".
	Host string
	// Scheme is "ws", or "wss" on a TLS listener (Deps.TLS).
	Scheme string
	// RemoteAddr is the client's address, host:port.
	RemoteAddr string
}
