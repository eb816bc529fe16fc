// Package server runs symscore: the main listener (the WebSocket endpoints and the REST
// control plane on one port) and the admin listener (/healthz, /readyz, /metrics). Only
// cmd/symscore imports it (and, for tests, internal/testkit).
//
// It is wiring: the operations are package ops, written once for every transport; the
// WebSocket connection layer is package wsconn; the SymetryML WebSocket endpoints are
// package wsapi and the REST control plane package restapi, both adapters over ops. This
// package owns the lifecycle, the accept loop that routes each connection by its request
// line, and shutdown.
//
// # Lifecycle
//
// New prepares a Server; Start opens the admin listener, recovers the state (ops.Open:
// snapshots, then the write-ahead log) while /readyz answers 503, opens the main listener
// and returns; Shutdown stops accepting, refuses new builds and lets running ones finish,
// closes WebSocket connections with 1001 after their in-flight replies, finishes REST
// requests, closes the store (flushing durability) and waits for every goroutine it
// started. A Server runs once.
//
// # Connections
//
// Each accepted connection is read up to its request line: a GET on /symetry/ws/ goes to
// the WebSocket server (wsconn.Server.Serve), everything else to net/http for REST,
// through an in-memory listener that gives it the bytes already read (handoff.go). A
// WebSocket upgrade that arrives on a connection REST serves is taken back
// (conn_rehandoff.go). The main listener counts every connection under
// limits.max_connections; past it, requests are answered 503, and past a slack, closed.
//
// # TLS
//
// With tls.cert_file and tls.key_file the main listener is a TLS listener (tls.go): the
// handshake happens on the first read of a connection, within limits.handshake_timeout,
// and the request line is read from the decrypted stream as before. The certificate is a
// pair swapped whole by ReloadTLS (GetCertificate), so a reload reaches new handshakes and
// leaves connections up alone. The admin listener stays plain.
//
// # Lock order
//
// Server.mu, then mainListener.mu; neither is held while calling into another package.
package server
