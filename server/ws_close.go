package server

import (
	"encoding/binary"
	"unicode/utf8"

	"github.com/gobwas/ws"
)

// statusTryAgainLater is close status 1013 (IANA registry: the server is overloaded).
const statusTryAgainLater ws.StatusCode = 1013

// endKind is how a connection ends.
type endKind uint8

const (
	endNone  endKind = iota // the connection goes on
	endAbort                // the connection is broken or gone: close TCP, send nothing
	endFail                 // the server closes: send a close frame, linger for the client's, close TCP
	endReply                // the client closed: answer its close frame, close TCP
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

// closeCodeValid reports whether a close frame received from a client may carry code (RFC
// 6455 §7.4, IANA registry): 1000–1003, 1007–1014, 3000–4999. 0–999, 1004 (reserved),
// 1005, 1006 and 1015 (never sent on the wire), the unassigned rest of 1016–2999 and 5000+
// are protocol errors.
func closeCodeValid(code ws.StatusCode) bool {
	switch {
	case code >= 1000 && code <= 1003:
		return true
	case code >= 1007 && code <= 1014:
		return true
	case code >= 3000 && code <= 4999:
		return true
	}
	return false
}

// checkClosePayload checks a received close frame's payload: empty, or a valid status code
// followed by a UTF-8 reason. It returns the code (0 when empty).
func checkClosePayload(p []byte) (ws.StatusCode, connEnd) {
	switch {
	case len(p) == 0:
		return 0, endGoOn
	case len(p) == 1:
		return 0, protocolError("close payload of 1 byte")
	}
	code := ws.StatusCode(binary.BigEndian.Uint16(p))
	if !closeCodeValid(code) {
		return 0, protocolError("invalid close status code")
	}
	if !utf8.Valid(p[2:]) {
		return 0, protocolError("close reason is not valid UTF-8")
	}
	return code, endGoOn
}

// appendCloseFrame appends a server close frame: empty when code is 0, else the code and the
// reason (cut to fit a control frame).
func appendCloseFrame(dst []byte, code ws.StatusCode, reason string) []byte {
	if code == 0 {
		return append(dst, 0x80|byte(ws.OpClose), 0)
	}
	if len(reason) > ws.MaxControlFramePayloadSize-2 {
		reason = reason[:ws.MaxControlFramePayloadSize-2]
	}
	dst = append(dst, 0x80|byte(ws.OpClose), byte(2+len(reason)), byte(code>>8), byte(code))
	return append(dst, reason...)
}
