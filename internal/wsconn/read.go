package wsconn

import (
	"errors"
	"io"
	"net"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/bufpool"
	"github.com/symscore/symscore/internal/wsframe"
)

// firstChunk is the most payload bytes buffered for a data frame before any of them have
// arrived; past it, the message buffer grows only as bytes arrive (at most doubling what is
// in hand), so a header that claims a large frame costs nothing until its bytes come.
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
// A message that cannot be verified before it is whole (the first message of a session)
// must arrive within limits.idle_timeout of its first frame: pings between its fragments do
// not extend that, so it cannot hold its share of limits.max_unverified_bytes forever.
//
// The deadline carries a monotonic clock reading, so that time.Until reads only the
// monotonic clock: one clock read per frame, the wall clock only when the deadline moves.
func (c *Conn) armReadDeadline() connEnd {
	idle := c.srv.d.Limits.IdleTimeout
	set := false
	if time.Until(c.deadline) < idle-idle/16 {
		c.deadline, set = time.Now().Add(idle), true
	}
	if !c.unverifiedBy.IsZero() && c.deadline.After(c.unverifiedBy) {
		c.deadline, set = c.unverifiedBy, true
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
// it arrives.
func (c *Conn) readData(h ws.Header) connEnd {
	if h.OpCode != ws.OpContinuation {
		c.msgOp = h.OpCode
		c.text.Reset()
		c.msg = bufpool.Get(headroom + int(min(h.Length, firstChunk)))
		*c.msg = (*c.msg)[:headroom]
		if end := c.chargeMessage(); end.kind != endNone {
			return end
		}
	}
	text := c.msgOp == ws.OpText
	for off := int64(0); off < h.Length; {
		have := len(*c.msg)
		want := min(h.Length-off, max(int64(have), firstChunk))
		c.msg = bufpool.Grow(c.msg, have+int(want))
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
		if text && !c.text.Feed(chunk) {
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
func (c *Conn) chargeMessage() connEnd {
	if c.session.Trusted() {
		return endGoOn
	}
	if c.unverifiedBy.IsZero() {
		c.unverifiedBy = time.Now().Add(c.srv.d.Limits.IdleTimeout)
	}
	grow := int64(cap(*c.msg)) - c.charged
	if !c.srv.d.Unverified.Charge(grow) {
		c.srv.refused.unverified.Inc()
		return fail(wsframe.StatusTryAgainLater, "server busy: too many unverified bytes in flight")
	}
	c.charged += grow
	return endGoOn
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
