package wsconn

import (
	"errors"
	"io"
	"net"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/bufpool"
	"github.com/symscore/symscore/internal/wsframe"
)

// firstChunk is the most payload bytes buffered for a data frame of a trusted session
// before any of them have arrived (readBufBytes for a message not yet verified); past it,
// the message buffer grows only as bytes arrive (at most doubling what is in hand), so a
// header that claims a large frame costs nothing more until its bytes come.
const firstChunk = 64 << 10

// readMessage reads frames until a data message is complete, answering control frames on
// the way (also between fragments). It returns the message (in c.msg, after headroom
// bytes), or how the connection ends.
func (c *Conn) readMessage() (ws.OpCode, []byte, connEnd) {
	for {
		if end := c.armReadDeadline(); end.kind != endNone {
			return 0, nil, end
		}
		h, err := ws.ReadHeaderBuffer(c.r, c.hdr[:])
		if err != nil {
			return 0, nil, c.readFailed(err)
		}
		c.route.m.Frames.Inc()
		c.skip = h.Length
		if end := c.checkHeader(h); end.kind != endNone {
			return 0, nil, end
		}
		if h.OpCode.IsControl() {
			if end := c.readControl(h); end.kind != endNone {
				return 0, nil, end
			}
			continue
		}
		if end := c.readData(h); end.kind != endNone {
			return 0, nil, end
		}
		if h.Fin {
			if c.msgOp == ws.OpText && !c.text.Complete() {
				return 0, nil, fail(ws.StatusInvalidFramePayloadData, "text message is not valid UTF-8")
			}
			if c.msg == nil {
				return c.msgOp, c.inPlace, endGoOn
			}
			return c.msgOp, (*c.msg)[headroom:], endGoOn
		}
	}
}

// armReadDeadline sets the idle deadline before a frame is read. Moving a deadline costs a
// runtime timer update, so it is moved only when it has come within 15/16 of
// limits.idle_timeout: a connection is closed after between 15/16 and all of the idle
// timeout without a frame. Past shutdown, or once the session asked for the close, the
// connection closes instead (checked after setting: shutdown and Peer.Close set a past
// deadline after raising their flag, so a read started now fails at once either way; a
// deadline not moved keeps theirs).
//
// Until the session has authenticated, the deadline is at most limits.auth_timeout after
// the upgrade, whatever arrives meanwhile (frames, pings between the fragments of a first
// message): a stranger cannot hold its place under limits.max_unauthenticated_connections,
// nor its share of limits.max_unverified_bytes, longer than that.
//
// The deadline carries a monotonic clock reading and is checked against a monotonic
// one: after a message, the session's end reading (Timing.Took), else one read of the
// monotonic clock; the wall clock is read only when the deadline moves.
func (c *Conn) armReadDeadline() connEnd {
	idle := c.srv.d.Limits.IdleTimeout
	set := false
	if c.deadline.Sub(c.timing.last(&c.clock)) < idle-idle/16 {
		c.deadline, set = time.Now().Add(idle), true
	}
	if !c.authed && c.deadline.After(c.authBy) {
		c.deadline, set = c.authBy, true
	}
	if set {
		c.nc.SetReadDeadline(c.deadline)
	}
	if e, ok := c.askedFor(); ok {
		return e
	}
	if c.srv.d.Tracker.Stopping() {
		return fail(ws.StatusGoingAway, "server shutting down")
	}
	return endGoOn
}

// readFailed says how a failed read ends the connection.
func (c *Conn) readFailed(err error) connEnd {
	if e, ok := c.askedFor(); ok && isTimeout(err) {
		return e
	}
	switch {
	case errors.Is(err, ws.ErrHeaderLengthMSB):
		return protocolError("frame length with its most significant bit set")
	case isTimeout(err) && c.srv.d.Tracker.Stopping():
		return fail(ws.StatusGoingAway, "server shutting down")
	case isTimeout(err) && !c.authed && !time.Now().Before(c.authBy):
		c.srv.refused.authTimeout.Inc()
		return fail(ws.StatusPolicyViolation, "not authenticated within limits.auth_timeout")
	case isTimeout(err):
		return fail(ws.StatusGoingAway, "idle timeout")
	}
	return endAborted // closed, reset, or end of stream
}

// checkHeader applies RFC 6455 section 5 and the frame and message limits to a frame
// header, before anything of its payload is read.
func (c *Conn) checkHeader(h ws.Header) connEnd {
	lim := &c.srv.d.Limits
	switch {
	case h.Rsv != 0:
		return protocolError("reserved bits set (no extension negotiated)")
	case h.OpCode.IsReserved():
		return protocolError("reserved opcode")
	case !h.Masked:
		return protocolError("client frame not masked")
	case h.OpCode.IsControl():
		if !h.Fin {
			return protocolError("fragmented control frame")
		}
		if h.Length > ws.MaxControlFramePayloadSize {
			return protocolError("control frame payload over 125 bytes")
		}
		return endGoOn
	case h.OpCode == ws.OpContinuation && c.msgOp == 0:
		return protocolError("continuation frame without a message to continue")
	case h.OpCode != ws.OpContinuation && c.msgOp != 0:
		return protocolError("new data frame inside a fragmented message")
	case h.Length > lim.MaxFrameBytes:
		c.srv.refused.frame.Inc()
		return fail(ws.StatusMessageTooBig, "frame over max_frame_bytes")
	case int64(c.msgLen())+h.Length > lim.MaxMessageBytes:
		c.srv.refused.message.Inc()
		return fail(ws.StatusMessageTooBig, "message over max_message_bytes")
	}
	return endGoOn
}

// msgLen is the length of the message read so far.
func (c *Conn) msgLen() int {
	if c.msg == nil {
		return 0
	}
	return len(*c.msg) - headroom
}

// readControl reads a control frame's payload and acts on it. A close frame is answered
// and the connection closed at once: with the client's code echoed (RFC 6455 section
// 5.5.1), or with 1002 when the close frame itself breaks the protocol (a 1-byte payload,
// an invalid code, a reason that is not UTF-8) — the client has closed either way, so no
// close of its is awaited.
func (c *Conn) readControl(h ws.Header) connEnd {
	p := c.ctl[:h.Length]
	if _, err := io.ReadFull(c.r, p); err != nil {
		return c.readFailed(err)
	}
	c.skip = 0
	ws.Cipher(p, h.Mask, 0)
	switch h.OpCode {
	case ws.OpPing:
		frame := wsframe.AppendHeader(c.ctlOut[:0], true, ws.OpPong, len(p), nil)
		return c.sendControl(append(frame, p...))
	case ws.OpClose:
		code, err := wsframe.CheckClosePayload(p)
		if err != nil {
			return connEnd{kind: endReply, code: ws.StatusProtocolError, reason: err.Error()}
		}
		return connEnd{kind: endReply, code: code}
	}
	return endGoOn // unsolicited pong: ignored
}

// readData reads a data frame's payload into the message, unmasking it and checking text as
// it arrives. Every byte is charged as it arrives (charge), never as the header claims it;
// the buffer grows only when full, at most doubling what is in hand and never past the
// frame, so it holds at most about twice what was received, and a header claiming a large
// frame costs its first chunk: readBufBytes for a message not yet verified, firstChunk
// for one of a trusted session.
//
// A message of one frame that the read buffer holds whole (the usual small message) is
// read in place instead (readInPlace): no message buffer, no copy.
func (c *Conn) readData(h ws.Header) connEnd {
	if h.OpCode != ws.OpContinuation {
		c.msgOp = h.OpCode
		c.text.Reset()
		first := int64(readBufBytes)
		if trusted, b := c.session.Trusted(); trusted {
			if b == nil {
				b = c.srv.d.InflightBytes
			}
			c.budget, first = b, firstChunk
		}
		if h.Fin && int64(c.r.Buffered()) >= h.Length {
			return c.readInPlace(h)
		}
		c.msg = bufpool.Get(headroom + int(min(h.Length, first)))
		*c.msg = (*c.msg)[:headroom]
	}
	text := c.msgOp == ws.OpText
	for off := int64(0); off < h.Length; {
		have := len(*c.msg)
		if have == cap(*c.msg) {
			grow := min(h.Length-off, int64(max(have-headroom, readBufBytes)))
			c.msg = bufpool.Grow(c.msg, have+int(grow))
		}
		room := min(h.Length-off, int64(cap(*c.msg)-have))
		chunk := (*c.msg)[have : have+int(room)]
		n, err := c.r.Read(chunk)
		if n > 0 {
			if end := c.charge(int64(n)); end.kind != endNone {
				return end
			}
			chunk = chunk[:n]
			ws.Cipher(chunk, h.Mask, int(off))
			*c.msg = (*c.msg)[:have+n]
			off += int64(n)
			c.skip = h.Length - off
			if text && !c.text.Feed(chunk) {
				return fail(ws.StatusInvalidFramePayloadData, "text message is not valid UTF-8")
			}
		}
		if err != nil {
			return c.readFailed(err)
		}
	}
	c.skip = 0
	return endGoOn
}

// readInPlace reads a final data frame whose payload the read buffer holds whole: the
// payload is unmasked where it is and becomes the message (c.inPlace, at c.inPlaceAt in
// the read buffer), charged and checked as readData does. The read buffer is neither
// moved nor given back before the message is done: nothing reads the connection while
// the message is handled.
func (c *Conn) readInPlace(h ws.Header) connEnd {
	c.inPlaceAt = c.r.r
	p := c.r.Peek()[:h.Length:h.Length]
	c.r.Discard(len(p))
	c.inPlace, c.skip = p, 0
	if end := c.charge(int64(len(p))); end.kind != endNone {
		return end
	}
	ws.Cipher(p, h.Mask, 0)
	if c.msgOp == ws.OpText && !c.text.Feed(p) {
		return fail(ws.StatusInvalidFramePayloadData, "text message is not valid UTF-8")
	}
	return endGoOn
}

// charge counts n bytes just received of the message: against the in-flight budget of a
// trusted session's message (limits.max_inflight_bytes and the customer's share), else
// against the unverified bounds (limits.max_unverified_bytes, per address and per
// connection). Past a bound the connection is closed: 1009 for a first message over the
// per-connection bound (it can never be read), 1013 (Try Again Later) for the others.
// releaseMessage gives the charge back (before the close frame is sent, when it ends the
// connection).
func (c *Conn) charge(n int64) connEnd {
	if c.budget != nil {
		by := c.budget.Take(n)
		switch {
		case by == nil:
			c.charged += n
			return endGoOn
		case by == c.srv.d.InflightBytes:
			c.srv.refused.inflightBytes.Inc()
			return fail(wsframe.StatusTryAgainLater, "server busy: too many message bytes in flight (limits.max_inflight_bytes)")
		}
		c.srv.refused.inflightBytesCustomer.Inc()
		return fail(wsframe.StatusTryAgainLater, "server busy: this customer's message bytes in flight are over limits.max_inflight_bytes_per_customer")
	}
	switch err := c.hold.Charge(n); err {
	case nil:
		return endGoOn
	case admit.ErrUnverifiedConnection:
		c.srv.refused.unverifiedConnection.Inc()
		return fail(ws.StatusMessageTooBig, "first message over limits.max_unverified_bytes_per_connection: send a small signed message first")
	case admit.ErrUnverifiedAddress:
		c.srv.refused.unverifiedAddress.Inc()
		return fail(wsframe.StatusTryAgainLater, "server busy: too many unverified bytes from this address (limits.max_unverified_bytes_per_address)")
	}
	c.srv.refused.unverified.Inc()
	return fail(wsframe.StatusTryAgainLater, "server busy: too many unverified bytes in flight (limits.max_unverified_bytes)")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
