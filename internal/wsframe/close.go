package wsframe

import (
	"encoding/binary"
	"errors"
	"unicode/utf8"

	"github.com/gobwas/ws"
)

// StatusTryAgainLater is close status 1013 (IANA registry: the server is overloaded).
const StatusTryAgainLater ws.StatusCode = 1013

// Errors of CheckClosePayload: each makes the close frame a protocol error (1002).
var (
	ErrCloseOneByte    = errors.New("close payload of 1 byte")
	ErrCloseCode       = errors.New("invalid close status code")
	ErrCloseReasonUTF8 = errors.New("close reason is not valid UTF-8")
)

// CloseCodeValid reports whether a close frame received from a peer may carry code (RFC
// 6455 section 7.4, IANA registry): 1000–1003, 1007–1014, 3000–4999. 0–999, 1004
// (reserved), 1005, 1006 and 1015 (never sent on the wire), the unassigned rest of
// 1016–2999 and 5000+ are protocol errors.
func CloseCodeValid(code ws.StatusCode) bool {
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

// CheckClosePayload checks a received close frame's (unmasked) payload: empty, or a valid
// status code followed by a UTF-8 reason. It returns the code (0 when empty), or one of the
// ErrClose errors.
func CheckClosePayload(p []byte) (ws.StatusCode, error) {
	switch {
	case len(p) == 0:
		return 0, nil
	case len(p) == 1:
		return 0, ErrCloseOneByte
	}
	code := ws.StatusCode(binary.BigEndian.Uint16(p))
	if !CloseCodeValid(code) {
		return 0, ErrCloseCode
	}
	if !utf8.Valid(p[2:]) {
		return 0, ErrCloseReasonUTF8
	}
	return code, nil
}

// AppendServerClose appends an unmasked close frame: empty when code is 0, else the code and
// the reason, cut to fit a control frame (123 bytes).
func AppendServerClose(dst []byte, code ws.StatusCode, reason string) []byte {
	if code == 0 {
		return AppendHeader(dst, true, ws.OpClose, 0, nil)
	}
	if len(reason) > ws.MaxControlFramePayloadSize-2 {
		reason = reason[:ws.MaxControlFramePayloadSize-2]
	}
	dst = AppendHeader(dst, true, ws.OpClose, 2+len(reason), nil)
	dst = binary.BigEndian.AppendUint16(dst, uint16(code))
	return append(dst, reason...)
}
