package server

import (
	"errors"
	"io"
	"time"

	"github.com/gobwas/ws"
)

// firstChunk is the most payload bytes buffered for a data frame before any of them have
// arrived; past it, the message buffer grows only as bytes arrive (at most doubling what is
// in hand), so a header that claims a large frame costs nothing until its bytes come.
const firstChunk = 64 << 10

// readMessage reads frames until a data message is complete, answering control frames on
// the way (also between fragments). It returns the message (in c.msg, after frameHeadroom
// bytes), or how the connection ends.
func (c *wsConn) readMessage() (ws.OpCode, []byte, connEnd) {
	for {
		if end := c.armReadDeadline(); end.kind != endNone {
			return 0, nil, end
		}
		h, err := ws.ReadHeaderBuffer(c.r, c.hdr[:])
		if err != nil {
			return 0, nil, c.readFailed(err)
		}
		c.route.frames.Inc()
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
			if c.msgOp == ws.OpText && !c.text.complete() {
				return 0, nil, fail(ws.StatusInvalidFramePayloadData, "text message is not valid UTF-8")
			}
			return c.msgOp, (*c.msg)[frameHeadroom:], endGoOn
		}
	}
}

// armReadDeadline sets the idle deadline before a frame is read. Moving a deadline costs a
// runtime timer update, so it is moved only when it has come within 15/16 of
// limits.idle_timeout: a connection is closed after between 15/16 and all of the idle
// timeout without a frame. Past shutdown, the connection closes instead (checked after
// setting: shutdown sets a past deadline after raising stopping, so a read started now
// fails at once either way; a deadline not moved keeps shutdown's).
//
// A message that cannot be verified before it is whole (the first message of a session)
// must arrive within limits.idle_timeout of its first frame: pings between its fragments do
// not extend that, so it cannot hold its share of limits.max_unverified_bytes forever.
func (c *wsConn) armReadDeadline() connEnd {
	now := time.Now()
	idle := c.l.limits.IdleTimeout
	set := false
	if c.deadline.Sub(now) < idle-idle/16 {
		c.deadline, set = now.Add(idle), true
	}
	if !c.unverifiedBy.IsZero() && c.deadline.After(c.unverifiedBy) {
		c.deadline, set = c.unverifiedBy, true
	}
	if set {
		c.nc.SetReadDeadline(c.deadline)
	}
	if c.l.stopping.Load() {
		return fail(ws.StatusGoingAway, "server shutting down")
	}
	return endGoOn
}

// readFailed says how a failed read ends the connection.
func (c *wsConn) readFailed(err error) connEnd {
	switch {
	case errors.Is(err, ws.ErrHeaderLengthMSB):
		return protocolError("frame length with its most significant bit set")
	case isTimeout(err) && c.l.stopping.Load():
		return fail(ws.StatusGoingAway, "server shutting down")
	case isTimeout(err):
		return fail(ws.StatusGoingAway, "idle timeout")
	}
	return endAborted // closed, reset, or end of stream
}

// checkHeader applies RFC 6455 §5 and the frame and message limits to a frame header,
// before anything of its payload is read.
func (c *wsConn) checkHeader(h ws.Header) connEnd {
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
	case h.Length > c.maxFrame:
		c.l.refuse(limitMaxFrameBytes)
		return fail(ws.StatusMessageTooBig, "frame over max_frame_bytes")
	case int64(c.msgLen())+h.Length > c.maxMsg:
		c.l.refuse(limitMaxMessageBytes)
		return fail(ws.StatusMessageTooBig, "message over max_message_bytes")
	}
	return endGoOn
}

// msgLen is the length of the message read so far.
func (c *wsConn) msgLen() int {
	if c.msg == nil {
		return 0
	}
	return len(*c.msg) - frameHeadroom
}

// readControl reads a control frame's payload and acts on it.
func (c *wsConn) readControl(h ws.Header) connEnd {
	p := c.ctl[:h.Length]
	if _, err := io.ReadFull(c.r, p); err != nil {
		return c.readFailed(err)
	}
	c.skip = 0
	ws.Cipher(p, h.Mask, 0)
	switch h.OpCode {
	case ws.OpPing:
		frame := append(c.ctlOut[:0], 0x80|byte(ws.OpPong), byte(len(p)))
		return c.sendControl(append(frame, p...))
	case ws.OpClose:
		code, end := checkClosePayload(p)
		if end.kind != endNone {
			return end
		}
		return connEnd{kind: endReply, code: code}
	}
	return endGoOn // unsolicited pong: ignored
}

// readData reads a data frame's payload into the message, unmasking it and checking text as
// it arrives.
func (c *wsConn) readData(h ws.Header) connEnd {
	if h.OpCode != ws.OpContinuation {
		c.msgOp = h.OpCode
		c.text.reset()
		c.msg = getBuf(frameHeadroom + int(min(h.Length, firstChunk)))
		*c.msg = (*c.msg)[:frameHeadroom]
		if end := c.chargeMessage(); end.kind != endNone {
			return end
		}
	}
	text := c.msgOp == ws.OpText
	for off := int64(0); off < h.Length; {
		have := len(*c.msg)
		want := min(h.Length-off, max(int64(have), firstChunk))
		c.msg = growBuf(c.msg, have+int(want))
		if end := c.chargeMessage(); end.kind != endNone {
			return end
		}
		n := int(min(h.Length-off, int64(cap(*c.msg)-have)))
		chunk := (*c.msg)[have : have+n]
		if _, err := io.ReadFull(c.r, chunk); err != nil {
			return c.readFailed(err)
		}
		ws.Cipher(chunk, h.Mask, int(off))
		*c.msg = (*c.msg)[:have+n]
		off += int64(n)
		c.skip = h.Length - off
		if text && !c.text.feed(chunk) {
			return fail(ws.StatusInvalidFramePayloadData, "text message is not valid UTF-8")
		}
	}
	c.skip = 0
	return endGoOn
}

// chargeMessage counts the message buffer against limits.max_unverified_bytes while the
// session has not authenticated (its first message cannot be verified before it is read
// whole); past the budget the connection is closed with 1013 (Try Again Later) instead.
// releaseMessage gives the charge back (before the close frame is sent, when it ends the
// connection).
func (c *wsConn) chargeMessage() connEnd {
	if c.session.trusted() {
		return endGoOn
	}
	if c.unverifiedBy.IsZero() {
		c.unverifiedBy = time.Now().Add(c.l.limits.IdleTimeout)
	}
	grow := int64(cap(*c.msg)) - c.charged
	if !c.l.unverified.charge(grow) {
		c.l.refuse(limitUnverifiedBytes)
		return fail(statusTryAgainLater, "server busy: too many unverified bytes in flight")
	}
	c.charged += grow
	return endGoOn
}
