package rpcapi

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/bufpool"
	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/wsconn"
	"github.com/symscore/symscore/internal/wslink"
	"github.com/symscore/symscore/protocol"
)

// Statuses counted for the errors that are not refusals.
const (
	statusBadRequest  = protocol.StatusBadRequest
	statusUnavailable = protocol.StatusServiceUnavailable
)

// busyRefusal answers a call the server had no capacity for (limits.max_inflight).
var busyRefusal = &ops.Refusal{Status: protocol.StatusServiceUnavailable,
	Msg: "server busy: too many requests in flight (limits.max_inflight); retry"}

// errGone: the connection went away while the call waited; it is not answered.
var errGone = errors.New("rpcapi: connection gone")

// work is one call being run: on the reader goroutine (inline) or its own. It writes the
// result into its encoder, whose message starts at base in the encoder's bytes (after the
// 2.x chunk header's room).
type work struct {
	s    *session
	c    *call
	sc   *ops.Scratch
	e    *wslink.Encoder
	base int
	bp   *[]byte // the pooled buffer the encoder writes into
	slot bool    // holds a slot of limits.max_inflight
}

// reserve makes room for n more bytes in the encoder's buffer (a pooled one, the old one
// given back), so that a large result is written without growing by append.
func (w *work) reserve(n int) {
	b := w.e.Bytes()
	if cap(b)-len(b) >= n {
		return
	}
	nb := bufpool.Get(len(b) + n)
	*nb = append(*nb, b...)
	bufpool.Put(w.bp)
	w.bp = nb
	w.e.SetBytes(*nb)
}

func (w *work) svc() *ops.Service { return w.s.e.svc }

// begin opens the result envelope.
func (w *work) begin() *wslink.Encoder {
	w.e.BeginResult(w.c.id)
	return w.e
}

// end closes the result envelope.
func (w *work) end() error {
	w.e.End()
	return nil
}

// done answers an operation that returns nothing but its refusal: {} or the refusal.
func (w *work) done(err error) error {
	if err != nil {
		return err
	}
	w.begin().Map(0)
	w.e.End()
	return w.end()
}

// resultJSON answers with the JSON value app appends (a REST reply's values).
func (w *work) resultJSON(app func([]byte) []byte) error {
	bp := bufpool.Get(4 << 10)
	*bp = app((*bp)[:0])
	e := w.begin()
	err := e.JSON(*bp)
	bufpool.Put(bp)
	if err != nil {
		return err
	}
	return w.end()
}

// idle gives back the call's slot of limits.max_inflight (a build, while it waits).
func (w *work) idle() {
	if w.slot {
		w.s.e.o.Inflight.Release()
		w.slot = false
	}
}

// encoders are the encoders of calls run on their own goroutines.
var encoders = sync.Pool{New: func() any { return new(wslink.Encoder) }}

// start resets e for a message in the session's format at the end of buf, which must have
// room for the 2.x chunk header; it returns where the message starts.
func (s *session) start(e *wslink.Encoder, buf []byte) int {
	base := len(buf)
	if s.format == wslink.FormatMsgpack {
		buf = append(buf, make([]byte, wslink.ChunkHeaderLen)...)
	}
	e.Reset(s.format, buf, &s.binKeys)
	return base
}

// finish completes the message e wrote from base: in 2.x, it fills the chunk header (one
// chunk, a random id) and returns the frame.
func (s *session) finish(e *wslink.Encoder, base int) []byte {
	out := e.Bytes()[base:]
	if s.format == wslink.FormatMsgpack {
		wslink.PutChunkHeader(out, rand.Uint32(), len(out)-wslink.ChunkHeaderLen)
	}
	return out
}

// send sends a finished message from any goroutine: in 1.x, under sendMu, its attachments'
// header and frames first.
func (s *session) send(e *wslink.Encoder, out []byte) error {
	if s.format == wslink.FormatMsgpack {
		return s.peer.SendWait(ws.OpBinary, out)
	}
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	if bins := e.Attachments(); len(bins) > 0 {
		var hb [256]byte
		if err := s.peer.SendWait(ws.OpText, wslink.AppendAttachmentHeader(hb[:0], bins)); err != nil {
			return err
		}
		for _, b := range bins {
			if err := s.peer.SendWait(ws.OpBinary, b.Data); err != nil {
				return err
			}
		}
	}
	return s.peer.SendWait(ws.OpText, out)
}

// writeError writes the error of a call that failed: -32602 for its arguments, -32001
// for a refusal.
func (s *session) writeError(e *wslink.Encoder, id []byte, err error) protocol.Status {
	code, r := codeOf(err)
	if code == CodeBadArgs {
		e.BeginError(id, CodeBadArgs, err.Error())
		e.Nil()
		e.EndError()
		return statusBadRequest
	}
	if r == nil {
		r = s.e.svc.Refuse(err)
	}
	writeRefusal(e, id, r)
	return r.Status
}

// writeRefusal writes -32001 with the refusal's status and message, as the REST reply
// would say them.
func writeRefusal(e *wslink.Encoder, id []byte, r *ops.Refusal) {
	e.BeginError(id, CodeRefused, r.Msg)
	e.Map(2)
	e.Key("statusCode")
	e.Str(r.Status.String())
	e.Key("statusString")
	e.Str(r.Msg)
	e.End()
	e.EndError()
}

// submit hands a call to a goroutine: after the changes to its project that came before
// when it is a change, at once otherwise. It waits for a slot of limits.rpc_inflight (the
// reader stops reading meanwhile).
func (s *session) submit(c *call) {
	select {
	case s.slots <- struct{}{}:
	case <-s.ctx.Done():
		c.release()
		return
	}
	if !c.m.change {
		s.peer.Go(func() { s.work(c) })
		return
	}
	key := c.cust.ID() + "/" + c.pid
	s.mu.Lock()
	l := s.lanes[key]
	start := l == nil
	if start {
		l = &lane{}
		if s.lanes == nil {
			s.lanes = make(map[string]*lane)
		}
		s.lanes[key] = l
	}
	l.queue = append(l.queue, c)
	s.mu.Unlock()
	if start {
		s.peer.Go(func() { s.drain(key, l) })
	}
}

// lane is the queue of one project's changes on a connection; the goroutine that created
// it runs them in order and removes it when it is empty.
type lane struct {
	queue []*call // guarded by session.mu
}

func (s *session) drain(key string, l *lane) {
	for {
		s.mu.Lock()
		if len(l.queue) == 0 {
			delete(s.lanes, key)
			s.mu.Unlock()
			return
		}
		c := l.queue[0]
		l.queue[0] = nil
		l.queue = l.queue[1:]
		s.mu.Unlock()
		s.work(c)
	}
}

// work runs a call on its goroutine and sends its answer. A call whose connection is gone
// is dropped unanswered.
func (s *session) work(c *call) {
	start := time.Now()
	w := &work{s: s, c: c}
	defer func() {
		if v := recover(); v != nil {
			s.e.o.Log.Error("RPC call panicked", "method", c.m.name, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
		w.idle()
		c.release()
		<-s.slots
	}()
	if s.ctx.Err() != nil {
		return
	}
	e := encoders.Get().(*wslink.Encoder)
	defer func() {
		e.Reset(wslink.FormatUnknown, nil, nil) // hold no buffer while pooled
		encoders.Put(e)
	}()
	w.bp = bufpool.Get(4 << 10)
	defer func() { bufpool.Put(w.bp) }()
	w.e, w.base = e, s.start(e, (*w.bp)[:0])
	st := protocol.StatusOK
	if !s.e.o.Inflight.Acquire(nil) {
		st = statusUnavailable
		writeRefusal(e, c.id, busyRefusal)
	} else {
		w.slot = true
		w.sc = s.e.svc.Scratch()
		err := c.m.run(w)
		w.idle()
		s.e.svc.Release(w.sc)
		switch {
		case errors.Is(err, errGone):
			return
		case err != nil:
			w.base = s.start(e, e.Bytes()[:w.base])
			st = s.writeError(e, c.id, err)
		}
	}
	out := s.finish(e, w.base)
	*w.bp = e.Bytes() // the encoder may have grown it
	s.send(e, out)    // a failure closes the connection: nothing more to do
	s.done(c, st, time.Since(start))
}

// inline runs a small prediction on the reader goroutine and answers it in a buffer handed
// to the connection (2.x: written without a copy) or, in 1.x, through send.
func (s *session) inline(m *method, env *wslink.Envelope) ([]byte, ws.OpCode, ws.StatusCode) {
	start := time.Now()
	c := &s.inl
	c.reset()
	c.m, c.id, c.cust, c.views = m, env.ID, s.cust, true
	c.att = s.takeAttachments()
	defer c.release()
	a := &s.inlArgs // the session's: what the methods are given escapes
	*a = args{m: m.name, list: env.Args}
	w := &s.inlWork
	*w = work{s: s, c: c, e: &s.enc, bp: bufpool.Get(wsconn.Headroom + 4<<10)}
	w.base = s.start(w.e, (*w.bp)[:wsconn.Headroom])
	st := protocol.StatusOK
	err := m.decode(c, a)
	if err == nil {
		w.sc = s.e.svc.Scratch()
		err = m.run(w)
		s.e.svc.Release(w.sc)
	}
	if err != nil {
		w.base = s.start(w.e, w.e.Bytes()[:wsconn.Headroom])
		st = s.writeError(w.e, c.id, err)
	}
	s.done(c, st, time.Since(start))
	out := s.finish(w.e, w.base)
	*w.bp = w.e.Bytes()
	if s.format == wslink.FormatJSON {
		s.send(w.e, out)
		bufpool.Put(w.bp)
		return nil, 0, 0
	}
	s.given = w.bp
	return out, ws.OpBinary, 0
}

// dispatch decodes a call that runs on its own goroutine and submits it; its arguments'
// errors are answered at once.
func (s *session) dispatch(m *method, env *wslink.Envelope, msg []byte, owned *[]byte, reply []byte) ([]byte, ws.OpCode, ws.StatusCode) {
	c := &call{m: m, cust: s.cust}
	if s.format == wslink.FormatMsgpack {
		if owned == nil { // the frame's payload, reused after this call: the call takes a copy
			owned = bufpool.Get(len(msg))
			*owned = append(*owned, msg...)
			var err error
			if env, err = s.dec.Msgpack(*owned); err != nil { // cannot happen: it decoded before
				bufpool.Put(owned)
				return s.replyError(reply, nil, CodeBadArgs, "malformed message: "+err.Error(), nil)
			}
		}
		c.msg = owned
		c.id = env.ID // in the owned message
	} else {
		c.copyBytes = true
		c.att = s.takeAttachments()
		c.id = append([]byte(nil), env.ID...)
	}
	a := args{m: m.name, list: env.Args}
	if err := m.decode(c, &a); err != nil {
		out, op, code := s.replyCallError(reply, c.id, err)
		c.release()
		s.e.m[m.name].Done(statusBadRequest, 0)
		return out, op, code
	}
	s.submit(c)
	return nil, 0, 0
}

// done counts an answered call, and logs it at debug.
func (s *session) done(c *call, st protocol.Status, took time.Duration) {
	s.e.m[c.m.name].Done(st, took)
	if svc := s.e.svc; svc.DebugEnabled() {
		svc.LogRequest(ops.Caller{Remote: s.info.RemoteAddr, Endpoint: c.m.label, CID: c.cust.ID()}, c.pid, st, took)
	}
}
