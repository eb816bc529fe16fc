package wsapi

import (
	"sync/atomic"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/admit"
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
	b    binding
	plan model.Plan   // predict: the last message's plan, reused while its model and columns stay
	ref  ops.ModelRef // predict: the last message's model, reused while it stands
	kc   reply.KeyCache
	// changes are the learns or forgets not yet logged: the log has them in totals.
	changes ops.SessionChanges

	target ops.UploadTarget // upload: the upload bound by the first message
	bound  bool             // upload: the first message bound one

	// upload: the replies of chunks awaiting durability, sent in order by sendReplies
	// (upload.go); queued counts those not yet sent. deferred and start are the current
	// message's: queued rather than answered, and when it began.
	peer     wsconn.Peer
	replies  chan queuedReply
	queued   atomic.Int32
	deferred bool
	start    time.Time
}

// errBinary refuses a binary frame.
var errBinary = protocol.Errorf(protocol.StatusBadRequest,
	"messages are text frames; a binary frame is not a SymetryML message")

// HandleMessage implements wsconn.Session: decode, call the operation, encode. The
// message's arrival time (the connection's reading) is its latency's start and its
// signature's date window; the clock is read once more (monotonic only, t.Took) when the
// reply is ready.
func (s *session) HandleMessage(op ws.OpCode, payload, out []byte, t *wsconn.Timing) ([]byte, ws.OpCode, ws.StatusCode) {
	s.start = t.Arrived
	out, st, closeCode := s.handle(op, payload, out, s.start)
	if s.deferred { // an upload chunk whose reply sendReplies sends (and counts)
		s.deferred = false
		return out, 0, 0
	}
	s.done(st, t.Took())
	return out, ws.OpText, closeCode
}

// done counts a message answered with st after took, and logs it at debug level.
func (s *session) done(st protocol.Status, took time.Duration) {
	s.e.m.Done(st, took)
	if svc := s.e.svc; svc.DebugEnabled() {
		var pid string
		if s.b.keys != nil {
			pid = s.b.keys[0]
		}
		svc.LogRequest(s.b.caller(s.e.label, nil), pid, st, took)
	}
}

func (s *session) handle(op ws.OpCode, payload, out []byte, now time.Time) ([]byte, protocol.Status, ws.StatusCode) {
	svc := s.e.svc
	if s.e.kind == uploadChunks && (op == ws.OpBinary || s.bound) {
		return s.chunk(op, payload, out)
	}
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
	if r := s.b.admit(svc, sc, msg, now); r != nil {
		return s.refuseAuth(out, r, framedCID(msg))
	}
	keys, cust := s.b.keys, s.b.cust
	if keys == nil {
		return s.refuse(out, svc.Refuse(s.b.keysErr))
	}
	switch s.e.kind {
	case uploadChunks:
		return s.bind(msg, out)
	case predict:
		preds, err := svc.Predict(sc, cust, &ops.PredictArgs{PID: keys[0], ModelID: keys[1], Frame: msg.Payload, Plan: &s.plan, Ref: &s.ref})
		if err != nil {
			return s.refuse(out, svc.Refuse(err))
		}
		return reply.AppendPredictions(out, preds, &s.kc), protocol.StatusOK, 0
	case forget:
		res, err := svc.Forget(sc, cust, keys[0], msg.Payload)
		if err != nil {
			return s.refuse(out, svc.Refuse(err))
		}
		svc.CountSessionChange(&s.changes, cust, "forget", keys[0], res.Applied, now)
		return reply.AppendLearn(out, res), protocol.StatusOK, 0
	default:
		res, err := svc.Learn(sc, cust, keys[0], msg.Payload)
		if err != nil {
			return s.refuse(out, svc.Refuse(err))
		}
		svc.CountSessionChange(&s.changes, cust, "learn", keys[0], res.Applied, now)
		return reply.AppendLearn(out, res), protocol.StatusOK, 0
	}
}

// refuseAuth is refuse for a refusal that may be authentication's: logged (ops.LogRefusal)
// with the customer the message named (cid, from the message; nil: the session's).
func (s *session) refuseAuth(out []byte, r *ops.Refusal, cid []byte) ([]byte, protocol.Status, ws.StatusCode) {
	s.b.logRefusal(s.e.svc, s.e.label, r, cid)
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

// Trusted implements wsconn.Session: a framed message has verified on this connection;
// its messages count against the bound customer's in-flight bytes.
func (s *session) Trusted() (bool, *admit.Budget) { return s.b.authed, s.b.cust.InflightBytes() }

// Close implements wsconn.Session: the learns or forgets not yet logged are; an upload
// session's queue of replies closes (its sender ends).
func (s *session) Close() {
	if s.replies != nil {
		close(s.replies)
		return
	}
	what := "learn"
	if s.e.kind == forget {
		what = "forget"
	}
	s.e.svc.FlushSessionChanges(&s.changes, what, time.Now())
}
