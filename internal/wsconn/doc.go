// Package wsconn is symscore's WebSocket connection layer: the upgrade (gobwas' zero-copy
// Upgrader, limits checked before anything is allocated), frame reading and writing, RFC
// 6455's rules (close 1002, 1007, 1009), the close handshake, idle handling, admission
// (requests in flight, bytes held before verification) and the echo endpoint. Endpoints
// plug in through the Endpoint and Session contract and never see a frame.
//
// # Connections
//
// Server.Serve upgrades a connection whose request line was read into a Reader, then
// serves it on the calling goroutine, the connection's only reader: it reads frames with
// ws.ReadHeaderBuffer into pooled buffers it gives back between messages (an idle
// connection holds none), answers pings, and hands each whole data message — text or
// binary — to the session, with its arrival time (Timing). A message of one frame that
// the read buffer holds whole is handed over where it lies, unmasked in place: no message
// buffer, no copy. Every frame the connection sends — replies, pushed messages,
// pongs, close frames — goes through its Writer, whole and in order, with a bounded
// outbound queue: a client that does not read is closed with 1008.
//
// # Dependencies
//
// A Server is given everything it uses (Deps): the limits, the in-flight limiter and the
// unverified-bytes budget it shares with the other transports, the Tracker of open
// connections (the listener, for shutdown), the metrics, a goroutine starter that shutdown
// waits for, and a logger. It knows nothing else of the server.
//
// # Lifetimes and goroutines
//
// Per connection: the reader goroutine (Serve's caller) runs the session's HandleMessage,
// Refuse, Trusted and Close, one at a time. A flusher goroutine, started through
// Deps.Spawn when the socket does not take a frame at once, writes the queue and exits
// when it is empty. A session may push messages and ask for the close from any goroutine
// through its Peer, until Close has returned.
//
// Lock order: Writer.mu is the only lock of a connection; Tracker methods are called
// without it.
package wsconn
