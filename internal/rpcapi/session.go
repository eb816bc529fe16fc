package rpcapi

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/bufpool"
	"github.com/symscore/symscore/internal/live"
	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/wsconn"
	"github.com/symscore/symscore/internal/wsframe"
	"github.com/symscore/symscore/internal/wslink"
	"github.com/symscore/symscore/model"
)

// session is one connection's session. The fields under "reader" are touched by the
// connection's reader goroutine only.
type session struct {
	e    *endpoint
	peer wsconn.Peer
	info *wsconn.Info

	// reader
	format  wslink.Format
	authed  bool
	cust    ops.Customer // bound by the hello; copied into each call
	client  string       // the clientID the hello gave
	dec     wslink.Decoder
	reasm   *wslink.Reassembler
	att     *wslink.Attachments // 1.x: the attachments of the next message
	inl     call                // the call answered on the reader goroutine, reused
	inlArgs args                // its arguments
	inlWork work                // its run
	enc     wslink.Encoder      // the reader goroutine's encoder
	plan    model.Plan          // inline predict's plan, rebuilt when its model or columns change
	mplan   model.Plan          // inline predict_matrix's
	given   *[]byte             // the buffer of the last reply, handed over (TakeReply)

	slots  chan struct{} // a token per call in flight (limits.rpc_inflight)
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex        // guards lanes, watches
	lanes   map[string]*lane  // the change lanes, by customer and project
	watches map[string]*watch // the projects watched (topics.go), by customer and project
	quota   *live.Quota       // reader: the subscriptions of the watches together

	sendMu  sync.Mutex    // 1.x: an attachment header, its frames and their message go out together
	binKeys atomic.Uint64 // 1.x: the server's attachment keys
}

func newSession(e *endpoint, p wsconn.Peer) *session {
	s := &session{
		e: e, peer: p, info: p.Info(),
		reasm: wslink.NewReassembler(MaxHelloBytes),
		slots: make(chan struct{}, max(e.o.RPCInflight, 1)),
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s
}

// HandleMessage implements wsconn.Session.
func (s *session) HandleMessage(op ws.OpCode, payload, reply []byte, _ *wsconn.Timing) ([]byte, ws.OpCode, ws.StatusCode) {
	return s.frame(op, payload, reply, false)
}

// Refuse implements wsconn.Session: the server is at limits.max_inflight. The frame is
// still read into its message (a chunk or an attachment left out would break the stream),
// and a call it completes is answered -32001 SERVICE_UNAVAILABLE.
func (s *session) Refuse(op ws.OpCode, payload, reply []byte) ([]byte, ws.OpCode, ws.StatusCode) {
	return s.frame(op, payload, reply, true)
}

// Trusted implements wsconn.Session: a hello has verified; its messages count against
// the customer's in-flight bytes.
func (s *session) Trusted() (bool, *admit.Budget) { return s.authed, s.cust.InflightBytes() }

// TakeReply implements wsconn.ReplyGiver.
func (s *session) TakeReply() *[]byte {
	bp := s.given
	s.given = nil
	return bp
}

// Close implements wsconn.Session: calls queued are dropped, the running ones finish.
func (s *session) Close() {
	s.cancel()
	s.closeWatches()
	s.reasm.Reset()
	s.att.Release()
	bufpool.Put(s.given)
	s.given = nil
}

// frame handles one frame: a chunk (2.x), a text message or an attachment (1.x).
func (s *session) frame(op ws.OpCode, payload, reply []byte, busy bool) ([]byte, ws.OpCode, ws.StatusCode) {
	if s.format == wslink.FormatUnknown {
		s.format = wslink.FormatJSON
		if op == ws.OpBinary {
			s.format = wslink.FormatMsgpack
		}
		s.att = wslink.NewAttachments(s.e.o.MaxMessageBytes)
	}
	if s.format == wslink.FormatMsgpack {
		if op != ws.OpBinary {
			return nil, 0, ws.StatusUnsupportedData // a text frame on a 2.x connection
		}
		h, body, err := wslink.ParseChunk(payload)
		if err != nil {
			return nil, 0, ws.StatusInvalidFramePayloadData
		}
		var budget wslink.Budget // nil: nothing charged
		if !s.authed {
			budget = s.e.o.Unverified
		} else if b := s.cust.InflightBytes(); b != nil {
			budget = b
		}
		msg, owned, err := s.reasm.Add(h, body, budget)
		switch {
		case errors.Is(err, wslink.ErrTooBig):
			return nil, 0, ws.StatusMessageTooBig
		case errors.Is(err, wslink.ErrBusy):
			return nil, 0, wsframe.StatusTryAgainLater
		case err != nil:
			return nil, 0, ws.StatusInvalidFramePayloadData
		case msg == nil:
			return nil, 0, 0 // more chunks to come
		}
		return s.message(msg, owned, reply, busy)
	}
	if op == ws.OpBinary {
		if !s.authed {
			return nil, 0, ws.StatusPolicyViolation // nothing but a hello before authentication
		}
		if err := s.att.Fill(payload); err != nil {
			return nil, 0, ws.StatusUnsupportedData
		}
		return nil, 0, 0
	}
	return s.message(payload, nil, reply, busy)
}

// message handles one whole message: msg, owned by the caller (a frame's payload) or, when
// owned is not nil, by the session (a reassembled message).
func (s *session) message(msg []byte, owned *[]byte, reply []byte, busy bool) ([]byte, ws.OpCode, ws.StatusCode) {
	env, err := s.decode(msg)
	if err != nil {
		bufpool.Put(owned)
		s.att.Release() // 1.x: they were this message's
		var ee *wslink.EnvelopeError
		errors.As(err, &ee)
		if !s.authed {
			out, op, _ := s.replyError(reply, ee.ID, CodeAuth, "Not authenticated", "the first message must be wslink.hello; this one is not a request: "+ee.Msg)
			return out, op, ws.StatusPolicyViolation
		}
		return s.replyError(reply, ee.ID, CodeBadArgs, "malformed message: "+ee.Msg, nil)
	}
	method := string(env.Method) // no allocation in the comparisons and the lookup below
	if s.format == wslink.FormatJSON && env.ID == nil && method == wslink.MethodAttachment {
		if !s.authed {
			return nil, 0, ws.StatusPolicyViolation
		}
		if err := s.att.Announce(env.Args); err != nil {
			return nil, 0, ws.StatusUnsupportedData
		}
		return nil, 0, 0
	}
	if s.format == wslink.FormatJSON {
		if s.att.Waiting() {
			return nil, 0, ws.StatusUnsupportedData // a message before the attachments it announced
		}
		// The attachments that came were this message's: a call takes them
		// (takeAttachments), or they are dropped when it is answered.
		defer func() { s.att.Release() }()
	}
	if method == "wslink.hello" {
		defer bufpool.Put(owned)
		return s.hello(env, reply, busy)
	}
	if !s.authed {
		bufpool.Put(owned)
		out, op, _ := s.replyError(reply, env.ID, CodeAuth, "Not authenticated", "the first message must be wslink.hello with a signed secret")
		return out, op, ws.StatusPolicyViolation
	}
	m := methods[method]
	switch {
	case m == nil:
		bufpool.Put(owned)
		s.e.m[""].Done(statusBadRequest, 0)
		return s.replyError(reply, env.ID, CodeUnknownMethod, "Unknown method", string(env.Method))
	case env.Kwargs > 0:
		bufpool.Put(owned)
		s.e.m[m.name].Done(statusBadRequest, 0)
		return s.replyError(reply, env.ID, CodeBadArgs, m.name+": keyword arguments are not accepted; pass the arguments in args", nil)
	case busy:
		bufpool.Put(owned)
		s.e.m[m.name].Done(statusUnavailable, 0)
		return s.replyRefusal(reply, env.ID, busyRefusal)
	}
	if m.topic {
		defer bufpool.Put(owned)
		return s.topicCall(m, env, reply)
	}
	if m.inline && len(msg) <= InlineMaxBytes {
		defer bufpool.Put(owned)
		return s.inline(m, env)
	}
	return s.dispatch(m, env, msg, owned, reply)
}

// decode decodes an envelope in the connection's format.
func (s *session) decode(msg []byte) (*wslink.Envelope, error) {
	if s.format == wslink.FormatMsgpack {
		return s.dec.Msgpack(msg)
	}
	return s.dec.JSON(msg, s.att)
}

// takeAttachments gives the 1.x attachments received for this message to its call, and
// starts a new set for the next.
func (s *session) takeAttachments() *wslink.Attachments {
	if s.att.Len() == 0 {
		return nil
	}
	a := s.att
	s.att = wslink.NewAttachments(s.e.o.MaxMessageBytes)
	return a
}
