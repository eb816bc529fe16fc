package server

import (
	"net"
	"runtime/debug"
	"time"
	"unsafe"

	"github.com/gobwas/ws"
)

// wsConn is one upgraded WebSocket connection. Its goroutine (the one that accepted it)
// reads and handles messages one at a time and hands every frame it produces to the
// connection's writer. Only the fields under "reader state" are touched by that goroutine
// alone; nc is closed by whoever ends the connection (idempotent).
type wsConn struct {
	l       *mainListener
	route   *wsRoute
	nc      net.Conn
	info    upgradeInfo
	session wsSession
	w       connWriter

	// reader state
	r        *connReader
	hdr      [ws.MaxHeaderSize - 2]byte // ws.ReadHeaderBuffer's scratch
	ctl      [ws.MaxControlFramePayloadSize]byte
	ctlOut   [4 + ws.MaxControlFramePayloadSize]byte
	msg      *[]byte   // message being read: frameHeadroom bytes, then the payload; nil between messages
	msgOp    ws.OpCode // opcode of the message being read; 0 between messages
	text     utf8Validator
	skip     int64     // unread payload bytes of the frame at hand (for lingering)
	charged  int64     // bytes of limits.max_unverified_bytes the message holds
	deadline time.Time // the read deadline set last (armReadDeadline)
	// unverifiedBy is when an unverified message being read must be whole; zero otherwise.
	unverifiedBy time.Time
	maxFrame     int64       // limits.max_frame_bytes
	maxMsg       int64       // limits.max_message_bytes
	timer        *time.Timer // max_inflight wait, made on first use
}

func newWSConn(l *mainListener, nc net.Conn, r *connReader, h *handshake) *wsConn {
	c := &wsConn{
		l:     l,
		route: h.route,
		nc:    nc,
		r:     r,
		info: upgradeInfo{
			path:       h.route.path,
			rawQuery:   h.query,
			host:       h.host,
			scheme:     "ws",
			remoteAddr: nc.RemoteAddr().String(),
		},
		maxFrame: l.limits.MaxFrameBytes,
		maxMsg:   l.limits.MaxMessageBytes,
	}
	c.w.init(nc, int(l.limits.OutboundQueueBytes), l.limits.WriteTimeout, l.s.goroutine)
	return c
}

// serve runs the connection until it ends, then releases everything it holds.
func (c *wsConn) serve() {
	defer c.finish()
	if !c.l.register(c) {
		c.end(fail(ws.StatusGoingAway, "server shutting down"))
		return
	}
	c.session = c.route.ep.newSession(&c.info)
	for {
		// Between messages: an idle connection holds no buffer.
		c.r.release()
		op, payload, end := c.readMessage()
		if end.kind == endNone {
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
func (c *wsConn) handle(op ws.OpCode, payload []byte) connEnd {
	c.route.messages.Inc()
	rb := getBuf(frameHeadroom + readBufBytes)
	defer putBuf(rb)
	reply := (*rb)[frameHeadroom:frameHeadroom]

	out, replyOp, closeCode, end := c.callSession(op, payload, reply)
	if end.kind != endNone {
		return end
	}
	if replyOp != 0 {
		if end := c.sendMessage(replyOp, out, payload, *rb); end.kind != endNone {
			return end
		}
	}
	if closeCode != 0 {
		return fail(closeCode, "")
	}
	return endGoOn
}

// callSession calls handleMessage within an in-flight slot, or refuse when none frees up in
// time. A panicking session closes the connection with 1011 instead of the server.
func (c *wsConn) callSession(op ws.OpCode, payload, reply []byte) (out []byte, replyOp ws.OpCode, closeCode ws.StatusCode, end connEnd) {
	defer func() {
		if v := recover(); v != nil {
			c.l.s.log.Error("WebSocket session panicked", "endpoint", c.route.path,
				"remote", c.info.remoteAddr, "panic", v, "stack", string(debug.Stack()))
			end = fail(ws.StatusInternalServerError, "internal error")
		}
	}()
	if !c.acquireInflight() {
		c.l.refuse(limitMaxInflight)
		out, replyOp, closeCode = c.session.refuse(op, payload, reply)
		return out, replyOp, closeCode, endGoOn
	}
	defer c.releaseInflight()
	out, replyOp, closeCode = c.session.handleMessage(op, payload, reply)
	return out, replyOp, closeCode, endGoOn
}

// acquireInflight takes a slot of limits.max_inflight, waiting up to inflightWait (the
// reader is blocked meanwhile: backpressure on the client).
func (c *wsConn) acquireInflight() bool {
	select {
	case c.l.inflight <- struct{}{}:
		return true
	default:
	}
	d := inflightWait
	if c.l.hooks.inflightWait > 0 {
		d = c.l.hooks.inflightWait
	}
	if c.timer == nil {
		c.timer = time.NewTimer(d)
	} else {
		c.timer.Reset(d)
	}
	select {
	case c.l.inflight <- struct{}{}:
		c.timer.Stop()
		return true
	case <-c.timer.C:
		return false
	}
}

func (c *wsConn) releaseInflight() { <-c.l.inflight }

// sendMessage sends out as one frame: in place when out starts at payload or at reply (whose
// buffers keep frameHeadroom bytes before them), else through a pooled copy.
func (c *wsConn) sendMessage(op ws.OpCode, out, payload, replyBuf []byte) connEnd {
	var frame []byte
	var copied *[]byte
	switch {
	case len(out) == 0:
		frame = putServerHeader(c.ctlOut[:], 2, op, 0)
	case unsafe.SliceData(out) == unsafe.SliceData(payload):
		frame = putServerHeader(*c.msg, frameHeadroom, op, len(out))
	case cap(replyBuf) > frameHeadroom && unsafe.SliceData(out) == &replyBuf[:frameHeadroom+1][frameHeadroom]:
		frame = putServerHeader(replyBuf[:cap(replyBuf)], frameHeadroom, op, len(out))
	default:
		copied = getBuf(frameHeadroom + len(out))
		b := append((*copied)[:frameHeadroom], out...)
		frame = putServerHeader(b, frameHeadroom, op, len(out))
	}
	err := c.w.write(frame)
	putBuf(copied)
	switch err {
	case nil:
		c.route.sent.Inc()
		return endGoOn
	case errQueueFull:
		c.l.refuse(limitOutboundQueue)
		return fail(ws.StatusPolicyViolation, "client does not read its replies")
	}
	if c.w.timedOut() {
		c.l.refuse(limitWriteTimeout)
	}
	return endAborted
}

// sendControl sends a control frame built in c.ctlOut.
func (c *wsConn) sendControl(frame []byte) connEnd {
	switch c.w.write(frame) {
	case nil:
		return endGoOn
	case errQueueFull:
		c.l.refuse(limitOutboundQueue)
		return fail(ws.StatusPolicyViolation, "client does not read its replies")
	}
	return endAborted
}

// end closes the connection as e says.
func (c *wsConn) end(e connEnd) {
	switch e.kind {
	case endReply:
		// The client closed: answer, then close TCP (the server closes first, RFC 6455 §7.1.1).
		c.l.metrics.closeSent(e.code)
		c.w.writeFinal(appendCloseFrame(c.ctlOut[:0], e.code, ""))
	case endFail:
		c.l.metrics.closeSent(e.code)
		if c.w.writeFinal(appendCloseFrame(c.ctlOut[:0], e.code, e.reason)) {
			c.linger()
		}
	}
	c.nc.Close()
}

// linger waits, up to closeLinger, for the client's close frame, discarding whatever comes
// before it, so that TCP is not reset under the close frame just sent.
func (c *wsConn) linger() {
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
func (c *wsConn) finish() {
	c.nc.Close()
	c.w.close()
	if c.session != nil {
		c.session.close()
	}
	if c.timer != nil {
		c.timer.Stop()
	}
	c.releaseMessage()
	c.r.releaseAll()
	c.l.unregister(c)
	c.l.open.Add(-1)
}

// releaseMessage gives the message buffer back to the pool, and its charge to
// limits.max_unverified_bytes.
func (c *wsConn) releaseMessage() {
	putBuf(c.msg)
	c.msg, c.msgOp = nil, 0
	c.l.unverified.release(c.charged)
	c.charged = 0
	c.unverifiedBy = time.Time{}
}
