// Package server runs symscore: the main listener (gobwas/ws WebSocket endpoints and the
// REST control plane on one port) and the admin listener (/healthz, /readyz, /metrics).
// Only cmd/symscore and bench import it.
//
// # Lifecycle
//
// New prepares a Server; Start opens the admin listener, recovers the state (package
// store: snapshots, then the write-ahead log) while /readyz answers 503, opens the main
// listener and returns; Shutdown stops accepting, closes WebSocket connections with 1001
// after their in-flight replies, finishes REST requests and build jobs, closes the store
// (flushing durability) and waits for every goroutine it started. A Server runs once.
//
// # Connections
//
// Each accepted connection is read up to its request line: a GET on /symetry/ws/ is
// upgraded (zero-copy ws.Upgrader, limits checked before anything is allocated) and served
// by its own goroutine, the connection's only reader; everything else goes to net/http for
// REST. A WebSocket connection reads frames with ws.ReadHeaderBuffer into pooled buffers it
// gives back between messages (an idle connection holds none), checks RFC 6455 strictly
// (close 1002, 1007, 1009), answers pings, and hands each whole message to its session;
// every frame it sends — replies, pongs, close frames — goes through its connWriter, in
// order, with a bounded queue (a client that does not read is closed with 1008).
//
// # Sessions
//
// A session (ws_session.go) implements PROTOCOL.md 1.1–1.4: the first framed message is
// verified (package auth) and binds the customer and extraKeys; bare frames then act for
// them. Each message takes its scratch — parsers, verifier, prediction buffers — from the
// service's pool and gives it back, so handling a message allocates nothing after warm-up
// (tested). Authentication failures are answered and closed with 1008; other errors are
// answered and the connection kept; a refused message changes nothing.
//
// # Shared state
//
// The service (service.go) holds the store, the key store, the replay cache and the
// metrics, shared by every connection and REST request; all of them are safe for
// concurrent use. Errors of every package map to wire statuses in one place (status.go).
package server
