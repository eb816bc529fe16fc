// Package rpcapi serves /symetry/ws/rpc (docs/rpc.md): the whole API as remote procedure
// calls over one WebSocket, in the wire format of Kitware's wslink (package wslink), so
// that the unmodified wslink JavaScript client — 2.x (MessagePack, chunked binary frames)
// or 1.x (JSON text frames, binary attachments) — is a symscore client. It is an adapter
// like the others: a session of package wsconn that decodes a call, calls one method of
// ops.Service, and encodes the result or the refusal (-32001 with the status of the one
// refusal table).
//
// # A connection
//
// The first frame chooses the framing: binary for 2.x, text for 1.x. The first message
// must be wslink.hello carrying a signed SymetryML message as its secret, verified like the
// first message of any WebSocket endpoint (and remembered, so that a second hello with it
// is a replay); any other first message, or a hello that does not verify, is answered
// with -32000 and the connection closed with 1008. The session then acts for that customer
// only. Before authentication a message may hold at most MaxHelloBytes, and what is being
// reassembled counts against limits.max_unverified_bytes.
//
// # Calls
//
// The reader goroutine decodes each call (its arguments into Go values the call owns)
// and hands it to a goroutine of its own (Peer.Go), so that results go out as they finish,
// out of order by id: a build answers when the model is built without holding up the
// predictions behind it. At most limits.rpc_inflight calls of a connection are running or
// waiting at once; the reader stops reading until one finishes. The calls that change a
// project (create, delete, learn, forget, build, model.delete) run one at a time per
// project, in the order they arrived: each project has a lane, a queue its own goroutine
// drains. A call takes a slot of limits.max_inflight while it works (not while a build it
// started runs). Small predictions (predict and predict_matrix of at most InlineMaxBytes)
// are answered on the reader goroutine itself, the fastest path: decoded in place, scored,
// encoded into the reply buffer and written without a copy, allocating nothing.
//
// # Topics
//
// symscore.subscribe and symscore.unsubscribe (topics.go) are applied on the reader
// goroutine, in the order they came: each project the connection watches has one
// subscriber of the change notifier (ops.Service.WatchQuota) whose live.Sink is a watch
// of the session. The first subscribe of a project attaches it (its names are published),
// the answer (subscribed, unsubscribed) is delivered by the subscriber as the call's
// result, before any value it brings, and the notifier's messages are published on
// symscore.names, .data, .model, .log and .closed with the pid added, without waiting
// for the client: a connection whose outbound queue is full is closed, as any slow
// client. The watches of a connection share one quota of limits.max_subscriptions. A
// deleted project's subscriber ends with its closed message; the connection stays.
//
// # Lifetimes and goroutines
//
// HandleMessage, Refuse, Trusted, TakeReply and Close run on the connection's reader
// goroutine; the calls' goroutines share the session's lanes (mu), its 1.x send order
// (sendMu) and nothing else; the notifier's goroutines deliver to the watches, which
// share the watches map (mu), sendMu and the connection. A call owns the memory its arguments point into (the message,
// or its copy, and its 1.x attachments) and gives it back when it is answered. Close
// cancels the session's context: calls still queued in a lane are dropped unanswered (the
// client is gone), the running ones finish, and a build being waited for is left to finish
// on its own. Close ends the watches. Lock order: a watch's live.Subscriber lock, then
// mu or sendMu; mu, then nothing; sendMu, then nothing (the connection's writer lock
// below it).
package rpcapi
