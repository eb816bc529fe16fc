package wsapi

import (
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/reply"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// session is one connection's session (docs/protocol.md 1.1). Its methods run on the
// connection's reader goroutine only.
type session struct {
	e    *endpoint
	b    binding
	plan model.Plan // predict: the last message's plan, reused while its model and columns stay
	kc   reply.KeyCache
}

// errBinary refuses a binary frame.
var errBinary = protocol.Errorf(protocol.StatusBadRequest,
	"messages are text frames; a binary frame is not a SymetryML message")

// HandleMessage implements wsconn.Session: decode, call the operation, encode.
func (s *session) HandleMessage(op ws.OpCode, payload, out []byte) ([]byte, ws.OpCode, ws.StatusCode) {
	start := time.Now()
	out, st, closeCode := s.handle(op, payload, out)
	s.e.m.Done(st, time.Since(start))
	return out, ws.OpText, closeCode
}

func (s *session) handle(op ws.OpCode, payload, out []byte) ([]byte, protocol.Status, ws.StatusCode) {
	svc := s.e.svc
	if op != ws.OpText {
		return s.refuse(out, svc.Refuse(errBinary))
	}
	sc := svc.Scratch()
	defer svc.Release(sc)
	msg, err := sc.ParseMessage(payload)
	if err != nil {
		// The header cannot be read: authentication fails.
		return s.refuse(out, svc.RefuseAuth(ops.ReasonMalformed, err))
	}
	if r := s.b.admit(svc, sc, msg); r != nil {
		return s.refuse(out, r)
	}
	keys := s.b.keys
	if keys == nil {
		return s.refuse(out, svc.Refuse(s.b.keysErr))
	}
	switch s.e.kind {
	case predict:
		preds, err := svc.Predict(sc, s.b.cust, &ops.PredictArgs{PID: keys[0], ModelID: keys[1], Frame: msg.Payload, Plan: &s.plan})
		if err != nil {
			return s.refuse(out, svc.Refuse(err))
		}
		return reply.AppendPredictions(out, preds, &s.kc), protocol.StatusOK, 0
	case forget:
		res, err := svc.Forget(sc, s.b.cust, keys[0], msg.Payload)
		if err != nil {
			return s.refuse(out, svc.Refuse(err))
		}
		return reply.AppendLearn(out, res), protocol.StatusOK, 0
	default:
		res, err := svc.Learn(sc, s.b.cust, keys[0], msg.Payload)
		if err != nil {
			return s.refuse(out, svc.Refuse(err))
		}
		return reply.AppendLearn(out, res), protocol.StatusOK, 0
	}
}

// refuse appends r's reply; an authentication failure closes the connection with 1008.
func (s *session) refuse(out []byte, r *ops.Refusal) ([]byte, protocol.Status, ws.StatusCode) {
	var closeCode ws.StatusCode
	if r.AuthFailed {
		closeCode = ws.StatusPolicyViolation
	}
	return reply.AppendRefusal(out, r), r.Status, closeCode
}

// busyMsg is the reply to a message the server had no capacity for.
const busyMsg = "server busy: too many requests in flight (limits.max_inflight); retry"

// Refuse implements wsconn.Session: a message the server had no capacity for.
func (s *session) Refuse(_ ws.OpCode, _, out []byte) ([]byte, ws.OpCode, ws.StatusCode) {
	s.e.m.Done(protocol.StatusServiceUnavailable, 0)
	return reply.AppendStatus(out, protocol.StatusServiceUnavailable, busyMsg), ws.OpText, 0
}

// Trusted implements wsconn.Session: a framed message has verified on this connection.
func (s *session) Trusted() bool { return s.b.authed }

// Close implements wsconn.Session.
func (s *session) Close() {}
