package client

import (
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// readLoop is the session's one reader: it reads the replies, reassembling fragmented
// ones, answers pings and ends the session on a close frame or an error.
func (s *Session) readLoop(src io.Reader) {
	defer close(s.done)
	rd := &wsutil.Reader{
		Source:         src,
		State:          ws.StateClientSide,
		CheckUTF8:      true,
		MaxMessageSize: s.maxReply,
	}
	rd.OnIntermediate = func(h ws.Header, r io.Reader) error { return s.control(h, r) }
	var buf []byte
	for {
		hdr, err := rd.NextFrame()
		if err != nil {
			s.fail(s.readError(err))
			return
		}
		if hdr.OpCode.IsControl() {
			if err := s.control(hdr, rd); err != nil {
				s.fail(err)
				return
			}
			continue
		}
		if hdr.OpCode != ws.OpText {
			s.failProtocol(ws.StatusUnsupportedData, fmt.Errorf("the server sent a %v frame; replies are text", hdr.OpCode))
			return
		}
		buf, err = readMessage(rd, buf[:0])
		if err != nil {
			s.fail(s.readError(err))
			return
		}
		if !s.deliver(buf) {
			return
		}
		if cap(buf) > 4<<20 {
			buf = nil
		}
	}
}

// readMessage appends the rest of the current message to buf.
func readMessage(rd *wsutil.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := rd.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// deliver hands a reply to the oldest message in flight. It reports false when the
// session had to end (a reply nobody asked for).
func (s *Session) deliver(msg []byte) bool {
	s.mu.Lock()
	if len(s.pending) == 0 {
		s.mu.Unlock()
		s.failProtocol(ws.StatusProtocolError, fmt.Errorf("the server sent a reply with no message in flight: %s", clip(msg)))
		return false
	}
	p := s.pending[0]
	s.pending[0] = nil
	s.pending = s.pending[1:]
	if len(s.pending) == 0 {
		s.conn.SetReadDeadline(time.Time{})
	} else {
		s.conn.SetReadDeadline(time.Now().Add(s.timeout))
	}
	s.mu.Unlock()
	r, err := parseReply(msg, 0)
	p.finish(r, err)
	return true
}

// control handles a control frame whose payload r holds.
func (s *Session) control(h ws.Header, r io.Reader) error { return s.link.control(h, r, s.readError) }

// control handles a control frame whose payload r holds: it answers a ping, ignores a
// pong, and on a close frame echoes its code (unless the close was ours) and returns
// ErrClosed after our own close with 1000, a *CloseError otherwise. readError describes
// a failure to read the payload.
func (l *link) control(h ws.Header, r io.Reader, readError func(error) error) error {
	var p [125]byte // RFC 6455 5.5: control payloads are at most 125 bytes
	if h.Length > int64(len(p)) {
		return errors.New("the server sent a control frame over 125 bytes")
	}
	body := p[:h.Length]
	if _, err := io.ReadFull(r, body); err != nil {
		return readError(err)
	}
	switch h.OpCode {
	case ws.OpPing:
		l.writeMu.Lock()
		defer l.writeMu.Unlock()
		if !l.sentClose {
			if err := l.writeFrameLocked(ws.OpPong, body); err != nil {
				return fmt.Errorf("cannot answer a ping on %s: %w", l.url, err)
			}
		}
		return nil
	case ws.OpPong:
		return nil
	}
	// A close frame: the connection ends. Echo the code unless we sent one.
	code, reason := ws.StatusNoStatusRcvd, ""
	if len(body) >= 2 {
		var c ws.StatusCode
		c, reason = ws.ParseCloseFrameData(body)
		code = c
	}
	l.writeMu.Lock()
	ours := l.sentClose
	if !ours {
		l.sentClose = true
		echo := ws.NewCloseFrameBody(code, "")
		if code == ws.StatusNoStatusRcvd {
			echo = nil
		}
		l.writeFrameLocked(ws.OpClose, echo) // best effort: the connection ends anyway
	}
	l.writeMu.Unlock()
	if ours && code == ws.StatusNormalClosure {
		return ErrClosed
	}
	return &CloseError{Code: int(code), Reason: reason}
}

// readError describes a failure to read a reply.
func (s *Session) readError(err error) error {
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		s.mu.Lock()
		waiting := len(s.pending)
		closed := s.closed
		s.mu.Unlock()
		if waiting == 0 && closed {
			return ErrClosed // Close's wait for the server's close frame timed out
		}
		return fmt.Errorf("%s: no reply within %v", s.url, s.timeout)
	case errors.Is(err, wsutil.ErrMessageTooLarge):
		return fmt.Errorf("%s: a reply is larger than %d bytes (WithMaxReplyBytes)", s.url, s.maxReply)
	case errors.Is(err, wsutil.ErrInvalidUTF8):
		return fmt.Errorf("%s: a reply is not valid UTF-8", s.url)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s: the server closed the connection without a close frame", s.url)
	case errors.Is(err, net.ErrClosed):
		s.mu.Lock()
		closed := s.closed
		s.mu.Unlock()
		if closed {
			return ErrClosed
		}
	}
	return fmt.Errorf("%s: cannot read a reply: %w", s.url, err)
}

// failProtocol ends the session because the server broke the protocol, closing with code.
func (s *Session) failProtocol(code ws.StatusCode, err error) {
	s.writeMu.Lock()
	if !s.sentClose {
		s.sentClose = true
		s.writeFrameLocked(ws.OpClose, ws.NewCloseFrameBody(code, ""))
	}
	s.writeMu.Unlock()
	s.fail(err)
}
