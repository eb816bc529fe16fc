package wsapi

import (
	"sync"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/bufpool"
	"github.com/symscore/symscore/internal/live"
	"github.com/symscore/symscore/internal/metrics"
	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/wsconn"
	"github.com/symscore/symscore/protocol"
)

// PathSubscribe is the live subscriptions endpoint (docs/subscribe.md).
const PathSubscribe = "/symetry/ws/subscribe"

// labelSubscribe is its metric and log label.
const labelSubscribe = "ws_subscribe"

// subscribeEndpoint serves /symetry/ws/subscribe. Safe for concurrent use: its fields
// are set once.
type subscribeEndpoint struct {
	svc        *ops.Service
	signedOnly bool
	m          *metrics.Endpoint
	keysErr    error
}

func newSubscribeEndpoint(o Options) *subscribeEndpoint {
	return &subscribeEndpoint{
		svc: o.Service, signedOnly: o.SignedFramesOnly,
		// A client message is answered through the notifier (OK) or refused: its content,
		// its signature, a subscriber that has ended, the server's capacity.
		m: o.Metrics.Endpoint(labelSubscribe, protocol.StatusOK, protocol.StatusBadRequest, protocol.StatusUnauthorized,
			protocol.StatusConflict, protocol.StatusServiceUnavailable),
		keysErr: protocol.Errorf(protocol.StatusBadRequest,
			"extraKeys must be [projectId] on %s (in the first framed message; empty or the same later)", PathSubscribe),
	}
}

// NewSession implements wsconn.Endpoint.
func (e *subscribeEndpoint) NewSession(p wsconn.Peer) wsconn.Session {
	return &subscribeSession{e: e, p: p, b: binding{
		info: p.Info(), signedOnly: e.signedOnly, wantKeys: 1, keysErr: e.keysErr, replay: replaySubscribe,
	}}
}

// subscribeSession is one connection of /symetry/ws/subscribe: a subscriber of the
// project its first verified message names, attached once (ops.Service.Watch), whose
// client messages it decodes and applies; the notifier delivers the server messages
// through Deliver (the session is the subscriber's live.Sink). HandleMessage, Refuse,
// Trusted and Close run on the connection's reader goroutine; Deliver on any, one call
// at a time (under the subscriber's lock).
type subscribeSession struct {
	e   *subscribeEndpoint
	p   wsconn.Peer
	b   binding
	sub *live.Subscriber // nil until the project is attached
}

// deliverScratch is Deliver's: where each message ends in the buffer, then its slice.
// Pooled, so that an idle subscriber holds none.
type deliverScratch struct {
	ends     []int
	payloads [][]byte
}

var deliverScratches = sync.Pool{New: func() any { return new(deliverScratch) }}

// maxPooledMessages bounds the scratch a Deliver gives back to the pool (in messages): a
// rare huge delivery's is left to the garbage collector.
const maxPooledMessages = 1024

// errBinarySubscribe refuses a binary frame.
var errBinarySubscribe = protocol.Errorf(protocol.StatusBadRequest,
	"messages are JSON objects in text frames; a binary frame is not one")

// HandleMessage implements wsconn.Session. Its answers (names, subscribed,
// unsubscribed) go through Deliver; only a refusal is its reply: an error message, after
// which an authentication failure closes the connection with 1008 and any other refusal
// keeps it.
func (s *subscribeSession) HandleMessage(op ws.OpCode, payload, out []byte, t *wsconn.Timing) ([]byte, ws.OpCode, ws.StatusCode) {
	r, cid := s.handle(op, payload, t.Arrived)
	st := protocol.StatusOK
	if r != nil {
		st = r.Status
		s.b.logRefusal(s.e.svc, labelSubscribe, r, cid)
	}
	took := t.Took()
	s.e.m.Done(st, took)
	if svc := s.e.svc; svc.DebugEnabled() {
		var pid string
		if s.b.keys != nil {
			pid = s.b.keys[0]
		}
		svc.LogRequest(s.b.caller(labelSubscribe, nil), pid, st, took)
	}
	if r == nil {
		return nil, 0, 0
	}
	var closeCode ws.StatusCode
	if r.AuthFailed {
		closeCode = ws.StatusPolicyViolation
	}
	return appendError(out, r.Status, r.Msg, r.StringToSign), ws.OpText, closeCode
}

// handle handles one client message; a refusal comes with the customer id the message
// named (nil: the bound one), for the log.
func (s *subscribeSession) handle(op ws.OpCode, payload []byte, now time.Time) (*ops.Refusal, []byte) {
	svc := s.e.svc
	if op != ws.OpText {
		return svc.Refuse(errBinarySubscribe), nil
	}
	sc := svc.Scratch()
	defer svc.Release(sc)
	msg, err := sc.ParseMessage(payload)
	if err != nil {
		if !s.b.authed {
			return svc.RefuseAuth(ops.ReasonMalformed, err), nil // the first message cannot be read
		}
		return svc.Refuse(err), nil
	}
	if r := s.b.admit(svc, sc, msg, now); r != nil {
		return r, framedCID(msg)
	}
	if s.sub == nil {
		if s.b.keys == nil {
			return svc.Refuse(s.e.keysErr), nil
		}
		sub, err := svc.Watch(s.b.cust, s.b.keys[0], s)
		if err != nil {
			return svc.Refuse(err), nil
		}
		s.sub = sub
		s.b.fix()
	}
	req, err := sc.ParseSubscription(msg.Payload)
	if err != nil {
		return svc.Refuse(err), nil
	}
	if err := svc.Subscribe(s.sub, &req); err != nil {
		return svc.Refuse(err), nil
	}
	return nil, nil
}

// busySubscribe is the refusal of a message the server had no capacity for.
const busySubscribe = "server busy: too many requests in flight (limits.max_inflight); send it again"

// Refuse implements wsconn.Session: a message the server had no capacity for.
func (s *subscribeSession) Refuse(_ ws.OpCode, _, out []byte) ([]byte, ws.OpCode, ws.StatusCode) {
	s.e.m.Done(protocol.StatusServiceUnavailable, 0)
	return appendError(out, protocol.StatusServiceUnavailable, busySubscribe, nil), ws.OpText, 0
}

// Trusted implements wsconn.Session: a framed message has verified on this connection;
// its messages count against the bound customer's in-flight bytes.
func (s *subscribeSession) Trusted() (bool, *admit.Budget) {
	return s.b.authed, s.b.cust.InflightBytes()
}

// Close implements wsconn.Session: the subscriber ends with the connection.
func (s *subscribeSession) Close() {
	if s.sub != nil {
		s.sub.Close()
	}
}

// Deliver implements live.Sink: each message its own text frame, all in one write. A
// closed message (the project was deleted) is followed by the close, 1000.
func (s *subscribeSession) Deliver(msgs []live.Message) error {
	bp := bufpool.Get(4096)
	b := (*bp)[:0]
	sc := deliverScratches.Get().(*deliverScratch)
	ends := sc.ends[:0]
	closed := false
	for i := range msgs {
		b = live.AppendJSON(b, &msgs[i])
		ends = append(ends, len(b))
		closed = closed || msgs[i].Kind == live.KindClosed
	}
	payloads := sc.payloads[:0]
	start := 0
	for _, end := range ends {
		payloads = append(payloads, b[start:end])
		start = end
	}
	err := s.p.SendAll(ws.OpText, payloads)
	clear(payloads)
	sc.ends, sc.payloads = ends[:0], payloads[:0]
	if cap(ends) <= maxPooledMessages {
		deliverScratches.Put(sc)
	}
	bufpool.Put(bp) // the pooled buffer, whether or not b outgrew it
	if closed {
		s.p.Close(ws.StatusNormalClosure, "project deleted")
	}
	return err
}

// appendError is a subscription's error message: {"type":"error","statusCode":..,
// "statusString":..}, with values.stringToSign for a bad signature (docs/protocol.md
// 1.4).
func appendError(dst []byte, st protocol.Status, msg string, stringToSign []byte) []byte {
	dst = append(dst, `{"type":"error","statusCode":"`...)
	dst = append(dst, st.String()...)
	dst = append(dst, `","statusString":`...)
	dst = protocol.AppendJSONString(dst, msg)
	if stringToSign != nil {
		dst = append(dst, `,"values":{"stringToSign":`...)
		dst = protocol.AppendJSONStringBytes(dst, stringToSign)
		dst = append(dst, '}')
	}
	return append(dst, '}')
}
