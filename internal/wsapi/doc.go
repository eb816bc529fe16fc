// Package wsapi serves the SymetryML WebSocket endpoints /symetry/ws/learn, /forget and
// /predict (docs/protocol.md section 1), the live subscriptions of /symetry/ws/subscribe
// (docs/subscribe.md), and /symetry/ws/upload (docs/uploads.md: a signed first message
// binds an upload, then binary chunks), as sessions of package wsconn over the
// operations of package ops: each message is decoded (its framing parsed and, when
// framed, its signature verified), handed to one operation, and its result or refusal
// encoded (package reply).
//
// A session binds the customer and the extraKeys of the first framed message that
// verifies (binding.go, shared by every endpoint); bare session frames then act for
// them. A later framed message verifies anew and rebinds (empty extraKeys keep the bound
// ones) — except on a subscription, bound for good once its project is attached. It
// holds no buffer between messages: the scratch of a message comes from the service's
// pool. Authentication failures are answered and closed with 1008; other refusals are
// answered and the connection kept; a refused message changes nothing.
//
// A subscription session is its subscriber's live.Sink: the notifier's messages are
// encoded as JSON text frames and pushed with Peer.SendAll, from the notifier's
// goroutine, behind whatever the connection has queued.
package wsapi
