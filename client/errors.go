package client

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// Wire status names (docs/protocol.md 4), as StatusError.Status and Reply.Status carry them.
const (
	StatusOK                  = "OK"
	StatusCreated             = "CREATED"
	StatusAccepted            = "ACCEPTED"
	StatusBadRequest          = "BAD_REQUEST"
	StatusUnauthorized        = "UNAUTHORIZED"
	StatusConflict            = "CONFLICT"
	StatusInternalServerError = "INTERNAL_SERVER_ERROR"
	StatusServiceUnavailable  = "SERVICE_UNAVAILABLE"
)

// statusCodes maps each wire status to its HTTP code: the HTTPCode of a WebSocket reply.
var statusCodes = map[string]int{
	StatusOK:                  200,
	StatusCreated:             201,
	StatusAccepted:            202,
	StatusBadRequest:          400,
	StatusUnauthorized:        401,
	StatusConflict:            409,
	StatusInternalServerError: 500,
	StatusServiceUnavailable:  503,
}

// ErrClosed is returned for a message sent on a Session after Close, and by its Pending
// handles' Wait when Close gave up waiting for their replies.
var ErrClosed = errors.New("client: session closed")

// StatusError is a request the server refused: a reply envelope whose status is not OK,
// CREATED or ACCEPTED, or (Status empty) an HTTP answer that was not an envelope at all,
// such as a proxy's 502 page.
type StatusError struct {
	// Status is the reply's statusCode, e.g. "BAD_REQUEST"; empty when the server did not
	// answer with an envelope.
	Status string
	// HTTPCode is the HTTP status of a REST reply (or of a refused WebSocket upgrade), and
	// the code of Status for a WebSocket reply (400 for BAD_REQUEST).
	HTTPCode int
	// Message is the reply's statusString, or the start of a body that was not an envelope.
	Message string
	// StringToSign is the server's string to sign, secret replaced by SECRETKEY, of an
	// UNAUTHORIZED reply to a bad signature (values.stringToSign); empty otherwise. It
	// tells how the server's string differs from the one the client signed.
	StringToSign string
	// Values is the reply's values object ("{}" or empty when it had none), e.g.
	// {"missing":[[from,to],...]} of the finalize of an incomplete upload.
	Values json.RawMessage
}

func (e *StatusError) Error() string {
	var b strings.Builder
	if e.Status != "" {
		b.WriteString(e.Status)
		b.WriteString(" (")
		b.WriteString(strconv.Itoa(e.HTTPCode))
		b.WriteString(")")
	} else {
		b.WriteString("HTTP ")
		b.WriteString(strconv.Itoa(e.HTTPCode))
		b.WriteString(", not a symscore reply")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// CloseError is a WebSocket session ended by a close frame from the server: 1008 after an
// authentication failure, 1009 for a message over the server's frame limit, 1001 when the
// server shuts down. Every message still waiting for a reply fails with it.
type CloseError struct {
	Code   int    // the close status, e.g. 1008; 1005 when the frame carried none
	Reason string // the close reason, often empty
}

func (e *CloseError) Error() string {
	s := "connection closed by the server with status " + strconv.Itoa(e.Code)
	if name := closeNames[e.Code]; name != "" {
		s += " (" + name + ")"
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

var closeNames = map[int]string{
	1000: "normal closure",
	1001: "going away",
	1002: "protocol error",
	1003: "unsupported data",
	1005: "no status",
	1007: "invalid payload",
	1008: "policy violation",
	1009: "message too big",
	1011: "internal error",
}
