package wsconn

import (
	"errors"
	"net"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/bufpool"
	"github.com/symscore/symscore/internal/wsframe"
)

// closeLinger is how long a connection that sent a close frame waits for the client's
// before it closes TCP. A variable only so that a test can lengthen it (before it starts a
// server) to tell "at once" from "after the linger" on a loaded machine.
var closeLinger = time.Second

// aLongTimeAgo is a deadline in the past: it wakes a blocked read at once.
var aLongTimeAgo = time.Unix(1, 0)

// Conn is one upgraded WebSocket connection. Its reader goroutine (the one in Serve) reads
// and handles messages one at a time and hands every frame it produces to the connection's
// Writer. Only the fields under "reader state" are touched by that goroutine alone; nc is
// closed by whoever ends the connection (idempotent).
type Conn struct {
	srv     *Server
	route   *route
	nc      net.Conn
	adm     Admission
	info    Info
	session Session
	w       Writer

	// asked is set (once) by Peer.Close or an overflowing Peer.Send: the reader ends the
	// connection with askedEnd at its next read.
	askedMu  sync.Mutex // guards askedEnd
	askedEnd connEnd
	asked    atomic.Bool
	done     atomic.Bool // the session is closed: Peer.Send refuses

	// reader state
	r      *Reader
	hdr    [ws.MaxHeaderSize - 2]byte // ws.ReadHeaderBuffer's scratch
	ctl    [ws.MaxControlFramePayloadSize]byte
	ctlOut [4 + ws.MaxControlFramePayloadSize]byte
	msg    *[]byte // message being read: MaxServerHeader bytes, then the payload; nil between messages and for a message read in place
	// A message read in place (readInPlace): its payload in the read buffer, from
	// offset inPlaceAt; nil when none.
	inPlace   []byte
	inPlaceAt int
	msgOp     ws.OpCode // opcode of the message being read; 0 between messages
	text      wsframe.UTF8Validator
	skip      int64        // unread payload bytes of the frame at hand (for lingering)
	deadline  time.Time    // the read deadline set last (armReadDeadline)
	waiter    admit.Waiter // the max_inflight wait's timer
	clock     Clock        // message arrivals and idle checks
	timing    Timing       // the message in hand's clock readings, shared with the session
	untimed   bool         // the session is Untimed: no arrival reading

	// What the message being read holds: until the session is trusted, unverified bytes
	// (hold); after, bytes of an in-flight budget (budget, charged). Both are given back
	// by releaseMessage.
	hold    admit.Hold
	budget  *admit.Budget // nil: the message is unverified
	charged int64         // bytes charged to budget

	authed bool      // the session has authenticated (adm.Authenticated was called)
	authBy time.Time // until authed: when the connection must have authenticated
}

// Errors of Peer.Send.
var (
	// ErrQueueFull: the client does not read; the connection is being closed with 1008.
	ErrQueueFull = errors.New("wsconn: outbound queue full")
	// ErrClosed: the connection is done.
	ErrClosed = errors.New("wsconn: connection closed")
)

// headroom is the room message and reply buffers keep before their payload for the frame
// header, written in place.
const headroom = wsframe.MaxServerHeader

func (s *Server) newConn(nc net.Conn, r *Reader, h *handshake, adm Admission) *Conn {
	c := &Conn{
		srv:   s,
		route: h.route,
		nc:    nc,
		adm:   adm,
		r:     r,
		info: Info{
			Path:       h.route.path,
			RawQuery:   h.query,
			Host:       h.host,
			Scheme:     s.scheme(),
			RemoteAddr: nc.RemoteAddr().String(),
		},
	}
	c.w.init(nc, s.d.Limits.OutboundQueueBytes, s.d.Limits.WriteTimeout, s.d.Spawn)
	return c
}

// scheme is the scheme of the service URL sessions see: "wss" through TLS, else "ws".
func (s *Server) scheme() string {
	if s.d.TLS {
		return "wss"
	}
	return "ws"
}

// serve runs the connection until it ends, then releases everything it holds.
func (c *Conn) serve() {
	defer c.finish()
	if !c.srv.d.Tracker.Register(c) {
		c.end(fail(ws.StatusGoingAway, "server shutting down"))
		return
	}
	c.session = c.route.ep.NewSession(c)
	_, c.untimed = c.session.(Untimed)
	c.authBy = time.Now().Add(c.srv.d.Limits.AuthTimeout)
	c.hold.Init(c.srv.d.Unverified, c.info.RemoteAddr)
	c.noteTrust()
	for {
		// Between messages: an idle connection holds no buffer.
		c.r.release()
		op, payload, end := c.readMessage()
		if end.kind == endNone {
			if !c.untimed {
				c.timing.start(c.clock.Now())
			}
			end = c.handle(op, payload)
			c.releaseMessage()
		}
		if end.kind != endNone {
			c.releaseMessage() // before the close frame: what it held is free once the client hears of it
			c.end(end)
			return
		}
	}
}

// handle gives a message to the session and sends the reply.
func (c *Conn) handle(op ws.OpCode, payload []byte) connEnd {
	c.route.m.Messages.Inc()
	// The reply buffer: the room after the read buffer, which holds the message's header
	// at least (nothing reads the connection, nor releases the read buffer, until the
	// reply is sent); a pooled one if the reader holds none.
	rbuf := c.r.spare()
	if rbuf == nil {
		rb := bufpool.Get(replyRoom)
		defer bufpool.Put(rb)
		rbuf = *rb
	}
	rbuf = rbuf[:cap(rbuf)]
	reply := rbuf[headroom:headroom]

	out, replyOp, closeCode, end := c.callSession(op, payload, reply)
	c.noteTrust()
	var given *[]byte // a buffer the session handed over with its reply
	if rg, ok := c.session.(ReplyGiver); ok {
		given = rg.TakeReply()
		defer bufpool.Put(given)
	}
	if end.kind != endNone {
		return end
	}
	if replyOp != 0 {
		replyBuf := rbuf
		if given != nil {
			replyBuf = *given
		}
		if end := c.sendMessage(replyOp, out, payload, replyBuf); end.kind != endNone {
			return end
		}
	}
	if closeCode != 0 {
		return fail(closeCode, "")
	}
	return endGoOn
}

// callSession calls HandleMessage within an in-flight slot, or Refuse when none frees up in
// time. A panicking session closes the connection with 1011 instead of the server.
func (c *Conn) callSession(op ws.OpCode, payload, reply []byte) (out []byte, replyOp ws.OpCode, closeCode ws.StatusCode, end connEnd) {
	defer func() {
		if v := recover(); v != nil {
			c.srv.d.Log.Error("WebSocket session panicked", "endpoint", c.route.path,
				"remote", c.info.RemoteAddr, "panic", v, "stack", string(debug.Stack()))
			end = fail(ws.StatusInternalServerError, "internal error")
		}
	}()
	in := c.srv.d.Inflight
	if !in.Acquire(&c.waiter) {
		c.srv.refused.inflight.Inc()
		out, replyOp, closeCode = c.session.Refuse(op, payload, reply)
		return out, replyOp, closeCode, endGoOn
	}
	defer in.Release()
	out, replyOp, closeCode = c.session.HandleMessage(op, payload, reply, &c.timing)
	return out, replyOp, closeCode, endGoOn
}

// noteTrust tells the admission when the session first reports Trusted: the connection no
// longer counts as unauthenticated, and its auth_timeout no longer applies.
func (c *Conn) noteTrust() {
	if c.authed {
		return
	}
	if ok, _ := c.session.Trusted(); ok {
		c.authed = true
		c.adm.Authenticated()
	}
}

// sendMessage sends out as one frame: in place when out starts at payload or at reply (whose
// buffers keep headroom bytes before them), else through a pooled copy.
func (c *Conn) sendMessage(op ws.OpCode, out, payload, replyBuf []byte) connEnd {
	var frame []byte
	var copied *[]byte
	switch {
	case len(out) == 0:
		frame = wsframe.PutServerHeader(c.ctlOut[:], 2, op, 0)
	case unsafe.SliceData(out) == unsafe.SliceData(payload) && c.msg != nil:
		frame = wsframe.PutServerHeader(*c.msg, headroom, op, len(out))
	case unsafe.SliceData(out) == unsafe.SliceData(payload) && c.inPlaceAt >= wsframe.HeaderSize(len(out), false):
		// Read in place: the frame header goes over the client's, before the payload.
		frame = wsframe.PutServerHeader((*c.r.buf)[:c.inPlaceAt+len(out)], c.inPlaceAt, op, len(out))
	case cap(replyBuf) > headroom && unsafe.SliceData(out) == &replyBuf[:headroom+1][headroom]:
		frame = wsframe.PutServerHeader(replyBuf[:cap(replyBuf)], headroom, op, len(out))
	default:
		copied = bufpool.Get(headroom + len(out))
		b := append((*copied)[:headroom], out...)
		frame = wsframe.PutServerHeader(b, headroom, op, len(out))
	}
	err := c.w.Write(frame)
	bufpool.Put(copied)
	switch err {
	case nil:
		c.route.m.Sent.Inc()
		return endGoOn
	case errQueueFull:
		c.srv.refused.outbound.Inc()
		return fail(ws.StatusPolicyViolation, "client does not read its replies")
	}
	if c.w.TimedOut() {
		c.srv.refused.writeTimeout.Inc()
	}
	return endAborted
}

// sendControl sends a control frame built in c.ctlOut.
func (c *Conn) sendControl(frame []byte) connEnd {
	switch c.w.Write(frame) {
	case nil:
		return endGoOn
	case errQueueFull:
		c.srv.refused.outbound.Inc()
		return fail(ws.StatusPolicyViolation, "client does not read its replies")
	}
	return endAborted
}

// end closes the connection as e says.
func (c *Conn) end(e connEnd) {
	switch e.kind {
	case endReply:
		// The client closed: answer, then close TCP (the server closes first, RFC 6455
		// section 7.1.1). It has sent its close frame already: nothing to wait for.
		c.srv.d.Metrics.CloseSent(e.code)
		c.w.WriteFinal(wsframe.AppendServerClose(c.ctlOut[:0], e.code, e.reason))
	case endFail:
		c.srv.d.Metrics.CloseSent(e.code)
		if c.w.WriteFinal(wsframe.AppendServerClose(c.ctlOut[:0], e.code, e.reason)) {
			c.linger()
		}
	}
	c.nc.Close()
}

// linger waits, up to closeLinger, for the client's close frame, discarding whatever comes
// before it, so that TCP is not reset under the close frame just sent.
func (c *Conn) linger() {
	c.nc.SetReadDeadline(time.Now().Add(closeLinger))
	if c.r.skip(c.skip) != nil {
		return
	}
	for {
		h, err := ws.ReadHeaderBuffer(c.r, c.hdr[:])
		if err != nil || h.OpCode == ws.OpClose {
			return
		}
		if c.r.skip(h.Length) != nil {
			return
		}
	}
}

// finish releases what the connection holds once it is closed.
func (c *Conn) finish() {
	c.nc.Close()
	c.w.Close()
	c.done.Store(true)
	if c.session != nil {
		c.session.Close()
	}
	c.waiter.Stop()
	c.releaseMessage()
	c.r.ReleaseAll()
	c.srv.d.Tracker.Unregister(c)
	c.adm.Release()
}

// releaseMessage gives the message buffer back to the pool, and what it held of
// limits.max_unverified_bytes or of an in-flight budget.
func (c *Conn) releaseMessage() {
	bufpool.Put(c.msg)
	c.msg, c.msgOp, c.inPlace = nil, 0, nil
	c.hold.Release()
	if c.budget != nil {
		c.budget.Release(c.charged)
		c.budget, c.charged = nil, 0
	}
}

// Interrupt starts stopping the connection for shutdown: a reader blocked in a read
// returns at once, one handling a message sees Tracker.Stopping before its next read; it
// then finishes the message in hand, sends its reply and closes with 1001.
func (c *Conn) Interrupt() { c.nc.SetReadDeadline(aLongTimeAgo) }

// Abort closes the connection's socket at once (shutdown past its deadline).
func (c *Conn) Abort() { c.nc.Close() }

// Info implements Peer.
func (c *Conn) Info() *Info { return &c.info }

// Go implements Peer.
func (c *Conn) Go(f func()) { c.srv.d.Spawn(f) }

// Send implements Peer: the frame is built in a pooled buffer and pushed to the writer.
func (c *Conn) Send(op ws.OpCode, payload []byte) error {
	if c.done.Load() || c.asked.Load() {
		return ErrClosed
	}
	bp := bufpool.Get(headroom + len(payload))
	b := append((*bp)[:headroom], payload...)
	err := c.w.Push(wsframe.PutServerHeader(b, headroom, op, len(payload)))
	bufpool.Put(bp)
	return c.pushed(err, 1)
}

// pushed is the outcome of pushing n messages to the writer: counted when they went, the
// connection closed as slow when the queue had no room for them.
func (c *Conn) pushed(err error, n int) error {
	switch err {
	case nil:
		c.route.m.Sent.Add(float64(n))
		return nil
	case errQueueFull:
		c.srv.refused.outbound.Inc()
		c.ask(fail(ws.StatusPolicyViolation, "client does not read its replies"))
		return ErrQueueFull
	}
	return ErrClosed
}

// SendAll implements Peer: the frames are built back to back in one pooled buffer and
// pushed to the writer at once.
func (c *Conn) SendAll(op ws.OpCode, payloads [][]byte) error {
	if c.done.Load() || c.asked.Load() {
		return ErrClosed
	}
	n := 0
	for _, p := range payloads {
		n += wsframe.HeaderSize(len(p), false) + len(p)
	}
	bp := bufpool.Get(n)
	b := (*bp)[:0]
	for _, p := range payloads {
		b = append(wsframe.AppendHeader(b, true, op, len(p), nil), p...)
	}
	err := c.w.Push(b)
	bufpool.Put(bp)
	return c.pushed(err, len(payloads))
}

// SendWait implements Peer: Send that waits, up to limits.write_timeout, for room.
func (c *Conn) SendWait(op ws.OpCode, payload []byte) error {
	if c.done.Load() || c.asked.Load() {
		return ErrClosed
	}
	bp := bufpool.Get(headroom + len(payload))
	b := append((*bp)[:headroom], payload...)
	err := c.w.PushWait(wsframe.PutServerHeader(b, headroom, op, len(payload)))
	bufpool.Put(bp)
	return c.pushed(err, 1)
}

// Close implements Peer.
func (c *Conn) Close(code ws.StatusCode, reason string) { c.ask(fail(code, reason)) }

// ask records how the connection is to end (the first ask wins) and wakes the reader.
func (c *Conn) ask(e connEnd) {
	c.askedMu.Lock()
	if !c.asked.Load() {
		c.askedEnd = e
		c.asked.Store(true)
	}
	c.askedMu.Unlock()
	c.nc.SetReadDeadline(aLongTimeAgo)
}

// askedFor returns how a session asked the connection to end, if it did.
func (c *Conn) askedFor() (connEnd, bool) {
	if !c.asked.Load() {
		return endGoOn, false
	}
	c.askedMu.Lock()
	defer c.askedMu.Unlock()
	return c.askedEnd, true
}
