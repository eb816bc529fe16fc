package wsapi

import (
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/reply"
	"github.com/symscore/symscore/internal/wsconn"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// session is one connection's session (docs/protocol.md 1.1). Its methods run on the
// connection's reader goroutine only.
type session struct {
	e    *endpoint
	info *wsconn.Info

	authed bool         // a framed message has verified on this connection
	cust   ops.Customer // bound customer
	keys   []string     // bound extraKeys: [pid] or [pid, modelId]; nil until bound
	plan   model.Plan   // predict: the last message's plan, reused while its model and columns stay
	ref    ops.ModelRef // predict: the last message's model, reused while it stands
	kc     reply.KeyCache
	clock  arrivalClock
	// changes are the learns or forgets not yet logged: the log has them in totals.
	changes ops.SessionChanges
}

// Messages refused before authentication (a bare frame where a signed one is required).
var (
	errUnsignedFirst = protocol.Errorf(protocol.StatusBadRequest,
		"missing authentication header: the first message of a connection must be framed and signed (<N>,<header><payload>)")
	errUnsignedFrame = protocol.Errorf(protocol.StatusBadRequest,
		"missing authentication header: this server requires every message to be signed (auth.signed_frames_only)")
	errBinary = protocol.Errorf(protocol.StatusBadRequest,
		"messages are text frames; a binary frame is not a SymetryML message")
)

// HandleMessage implements wsconn.Session: decode, call the operation, encode. The clock
// is read once when the message arrives, for its latency and its signature's date window
// (the monotonic clock alone: arrivalClock), and once more (monotonic only) when the reply
// is ready.
func (s *session) HandleMessage(op ws.OpCode, payload, out []byte) ([]byte, ws.OpCode, ws.StatusCode) {
	start := s.clock.now()
	out, st, closeCode := s.handle(op, payload, out, start)
	took := time.Since(start)
	s.e.m.Done(st, took)
	if svc := s.e.svc; svc.DebugEnabled() {
		var pid string
		if s.keys != nil {
			pid = s.keys[0]
		}
		svc.LogRequest(ops.Caller{Remote: s.info.RemoteAddr, Endpoint: s.e.label, CID: s.cust.ID()}, pid, st, took)
	}
	return out, ws.OpText, closeCode
}

func (s *session) handle(op ws.OpCode, payload, out []byte, now time.Time) ([]byte, protocol.Status, ws.StatusCode) {
	svc := s.e.svc
	if op != ws.OpText {
		return s.refuse(out, svc.Refuse(errBinary))
	}
	sc := svc.Scratch()
	defer svc.Release(sc)
	msg, err := sc.ParseMessage(payload)
	if err != nil {
		// The header cannot be read: authentication fails.
		return s.refuseAuth(out, svc.RefuseAuth(ops.ReasonMalformed, err), nil)
	}
	if msg.Form == protocol.FormSession {
		switch {
		case !s.authed:
			return s.refuseAuth(out, svc.RefuseAuth(ops.ReasonMalformed, errUnsignedFirst), nil)
		case s.e.signedOnly:
			return s.refuseAuth(out, svc.RefuseAuth(ops.ReasonMalformed, errUnsignedFrame), nil)
		}
	} else if r := s.verify(sc, msg, now); r != nil {
		return s.refuseAuth(out, r, msg.CID)
	}
	if s.keys == nil {
		return s.refuse(out, svc.Refuse(s.e.keysErr))
	}
	switch s.e.kind {
	case predict:
		preds, err := svc.Predict(sc, s.cust, &ops.PredictArgs{PID: s.keys[0], ModelID: s.keys[1], Frame: msg.Payload, Plan: &s.plan, Ref: &s.ref})
		if err != nil {
			return s.refuse(out, svc.Refuse(err))
		}
		return reply.AppendPredictions(out, preds, &s.kc), protocol.StatusOK, 0
	case forget:
		res, err := svc.Forget(sc, s.cust, s.keys[0], msg.Payload)
		if err != nil {
			return s.refuse(out, svc.Refuse(err))
		}
		svc.CountSessionChange(&s.changes, s.cust, "forget", s.keys[0], res.Applied, now)
		return reply.AppendLearn(out, res), protocol.StatusOK, 0
	default:
		res, err := svc.Learn(sc, s.cust, s.keys[0], msg.Payload)
		if err != nil {
			return s.refuse(out, svc.Refuse(err))
		}
		svc.CountSessionChange(&s.changes, s.cust, "learn", s.keys[0], res.Applied, now)
		return reply.AppendLearn(out, res), protocol.StatusOK, 0
	}
}

// verify checks a framed message's signature and binds the session; it returns the
// refusal of a message that does not verify (an authentication failure unbinds).
func (s *session) verify(sc *ops.Scratch, msg *protocol.Message, arrived time.Time) *ops.Refusal {
	req := auth.WSRequest{
		Date: msg.Date, MD5: msg.MD5, Signature: msg.Signature, CID: msg.CID,
		Payload: msg.Payload, ExtraKeys: msg.ExtraKeys,
		Scheme: s.info.Scheme, Host: s.info.Host, Path: s.info.Path,
		Change: s.e.checkReplay,
	}
	c, err := sc.VerifyWSAt(&req, arrived)
	if err != nil {
		r := s.e.svc.Refuse(err)
		if r.AuthFailed {
			s.authed, s.keys = false, nil
		}
		return r
	}
	s.authed, s.cust = true, c
	if len(msg.ExtraKeys) == 0 {
		return nil // keep the bound keys, if any
	}
	if len(msg.ExtraKeys) != s.e.wantKeys {
		s.keys = nil
		return s.e.svc.Refuse(s.e.keysErr)
	}
	if !sameKeys(s.keys, msg.ExtraKeys) {
		keys := make([]string, len(msg.ExtraKeys))
		for i, k := range msg.ExtraKeys {
			keys[i] = string(k)
		}
		s.keys = keys
	}
	return nil
}

func sameKeys(bound []string, keys [][]byte) bool {
	if len(bound) != len(keys) {
		return false
	}
	for i, k := range keys {
		if bound[i] != string(k) {
			return false
		}
	}
	return true
}

// refuseAuth is refuse for a refusal that may be authentication's: logged (ops.LogRefusal)
// with the customer the message named (cid, from the message; nil: the session's).
func (s *session) refuseAuth(out []byte, r *ops.Refusal, cid []byte) ([]byte, protocol.Status, ws.StatusCode) {
	if r.Reason != "" {
		name := s.cust.ID()
		if cid != nil {
			name = string(cid)
		}
		s.e.svc.LogRefusal(r, ops.Caller{Remote: s.info.RemoteAddr, Endpoint: s.e.label, CID: name})
	}
	return s.refuse(out, r)
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
func (s *session) Trusted() bool { return s.authed }

// Close implements wsconn.Session: the learns or forgets not yet logged are.
func (s *session) Close() {
	what := "learn"
	if s.e.kind == forget {
		what = "forget"
	}
	s.e.svc.FlushSessionChanges(&s.changes, what, time.Now())
}
