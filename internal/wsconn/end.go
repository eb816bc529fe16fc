package wsconn

import "github.com/gobwas/ws"

// endKind is how a connection ends.
type endKind uint8

const (
	endNone  endKind = iota // the connection goes on
	endAbort                // the connection is broken or gone: close TCP, send nothing
	endFail                 // the server closes: send a close frame, linger for the client's, close TCP
	endReply                // the client closed: answer its close frame, close TCP at once
)

// connEnd says why a connection ends and what close frame it sends.
type connEnd struct {
	kind   endKind
	code   ws.StatusCode // status of the close frame; 0 with endReply: an empty close frame
	reason string        // reason text of the close frame (≤ 123 bytes)
}

func fail(code ws.StatusCode, reason string) connEnd {
	return connEnd{kind: endFail, code: code, reason: reason}
}

func protocolError(reason string) connEnd { return fail(ws.StatusProtocolError, reason) }

var (
	endAborted = connEnd{kind: endAbort}
	endGoOn    = connEnd{}
)
