package wsconn

import (
	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/wsframe"
)

// EchoPath is the path of the echo endpoint, served only when testing.echo_endpoint is set.
const EchoPath = "/symetry/ws/echo"

// Echo answers every text or binary message with the same message, same opcode. It needs
// no signature and runs through the same connection loop as the real endpoints, so that
// conformance suites (RFC 6455, Autobahn) and latency baselines exercise the real path.
type Echo struct{}

// echoSession has no state: one value serves every connection without an allocation.
type echoSession struct{}

// NewSession implements Endpoint.
func (Echo) NewSession(Peer) Session { return echoSession{} }

func (echoSession) HandleMessage(op ws.OpCode, payload, _ []byte, _ *Timing) ([]byte, ws.OpCode, ws.StatusCode) {
	return payload, op, 0
}

// Refuse closes the connection with 1013 (Try Again Later): echo has no reply envelope to
// say "busy" in.
func (echoSession) Refuse(ws.OpCode, []byte, []byte) ([]byte, ws.OpCode, ws.StatusCode) {
	return nil, 0, wsframe.StatusTryAgainLater
}

// Trusted is true: echo, a switch for tests and latency floors, trusts everyone (its
// connections are never closed for want of authentication); its messages count against
// limits.max_inflight_bytes.
func (echoSession) Trusted() (bool, *admit.Budget) { return true, nil }

func (echoSession) Close() {}

// Untimed implements Untimed: an echo is not timed, and the floor it measures reads the
// clock once a message, for the idle deadline.
func (echoSession) Untimed() {}
