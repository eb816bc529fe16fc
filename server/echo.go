package server

import "github.com/gobwas/ws"

// echoPath is the path of the echo endpoint, served only when testing.echo_endpoint is set.
const echoPath = "/symetry/ws/echo"

// echoEndpoint answers every text or binary message with the same message, same opcode. It
// needs no signature and runs through the same connection loop as the real endpoints, so
// that conformance suites (RFC 6455, Autobahn) and latency baselines exercise the real path.
type echoEndpoint struct{}

// echoSession has no state: one value serves every connection without an allocation.
type echoSession struct{}

func (echoEndpoint) newSession(*upgradeInfo) wsSession { return echoSession{} }

func (echoSession) handleMessage(op ws.OpCode, payload, _ []byte) ([]byte, ws.OpCode, ws.StatusCode) {
	return payload, op, 0
}

// refuse closes the connection with 1013 (Try Again Later): echo has no reply envelope to
// say "busy" in.
func (echoSession) refuse(ws.OpCode, []byte, []byte) ([]byte, ws.OpCode, ws.StatusCode) {
	return nil, 0, statusTryAgainLater
}

// trusted is false: echo needs no signature, so its messages always count against
// limits.max_unverified_bytes.
func (echoSession) trusted() bool { return false }

func (echoSession) close() {}
