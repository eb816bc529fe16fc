package rpcapi

import (
	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/wslink"
)

// The answers written on the reader goroutine: the hello's, the errors found before a call
// runs. They are written into the reply buffer (2.x, sent in place) or sent through send
// (1.x, where every message goes out under sendMu).

// replyWith writes one message with fill.
func (s *session) replyWith(reply []byte, fill func(e *wslink.Encoder)) ([]byte, ws.OpCode, ws.StatusCode) {
	e := &s.enc
	base := s.start(e, reply[:0])
	fill(e)
	out := s.finish(e, base)
	if s.format == wslink.FormatJSON {
		s.send(e, out)
		return nil, 0, 0
	}
	return out, ws.OpBinary, 0
}

// replyValue answers request id with the result value fill writes.
func (s *session) replyValue(reply, id []byte, fill func(e *wslink.Encoder)) ([]byte, ws.OpCode, ws.StatusCode) {
	return s.replyWith(reply, func(e *wslink.Encoder) {
		e.BeginResult(id)
		fill(e)
		e.End()
	})
}

// replyError answers request id with error code, message and data (a string, or nil).
func (s *session) replyError(reply, id []byte, code int, message string, data any) ([]byte, ws.OpCode, ws.StatusCode) {
	return s.replyWith(reply, func(e *wslink.Encoder) {
		e.BeginError(id, code, message)
		if d, ok := data.(string); ok {
			e.Str(d)
		} else {
			e.Nil()
		}
		e.EndError()
	})
}

// replyRefusal answers request id with -32001 and r.
func (s *session) replyRefusal(reply, id []byte, r *ops.Refusal) ([]byte, ws.OpCode, ws.StatusCode) {
	return s.replyWith(reply, func(e *wslink.Encoder) { writeRefusal(e, id, r) })
}

// replyCallError answers a call whose arguments were refused.
func (s *session) replyCallError(reply, id []byte, err error) ([]byte, ws.OpCode, ws.StatusCode) {
	return s.replyWith(reply, func(e *wslink.Encoder) { s.writeError(e, id, err) })
}
