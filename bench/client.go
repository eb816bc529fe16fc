package bench

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/wsframe"
)

const (
	// dialTimeout bounds connecting plus the WebSocket upgrade.
	dialTimeout = 10 * time.Second
	// clientReaderBytes is the size of a client connection's buffered reader.
	clientReaderBytes = 4 << 10
	// DefaultMaxReplyBytes bounds one reply the load generator accepts.
	DefaultMaxReplyBytes = 64 << 20
)

var clientReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, clientReaderBytes) }}

// errReplyTooBig is returned for a reply larger than the configured bound.
var errReplyTooBig = errors.New("bench: reply larger than the bound")

// clientConn is one load-generating connection, WebSocket or raw TCP (length-prefixed
// messages to the TCP echo floor). Reading is done by one goroutine; writes are serialised
// by wmu (the reader answers pings while a writer goroutine sends requests).
type clientConn struct {
	conn     net.Conn
	br       *bufio.Reader
	gobwasBR bool // br came from ws.Dialer's pool
	ws       bool
	mask     [4]byte
	maxReply int

	wmu sync.Mutex // guards writes on conn

	hdr   [ws.MaxHeaderSize]byte
	reply []byte // the last reply; reused
	pong  []byte // scratch for pong frames
}

// dialClient opens one connection to rawURL: ws:// (or wss://) for WebSocket, tcp://host:port
// for the raw TCP echo floor. localIP, when not empty, is the source address.
func dialClient(ctx context.Context, rawURL, localIP string, maxReply int) (*clientConn, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("bench: bad url %q: %w", rawURL, err)
	}
	nd := &net.Dialer{Timeout: dialTimeout}
	if localIP != "" {
		ip := net.ParseIP(localIP)
		if ip == nil {
			return nil, fmt.Errorf("bench: bad source address %q", localIP)
		}
		nd.LocalAddr = &net.TCPAddr{IP: ip}
	}
	c := &clientConn{maxReply: maxReply}
	if _, err := rand.Read(c.mask[:]); err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "tcp":
		conn, err := nd.DialContext(ctx, "tcp", u.Host)
		if err != nil {
			return nil, err
		}
		c.conn = conn
	case "ws", "wss":
		d := ws.Dialer{Timeout: dialTimeout, NetDial: nd.DialContext}
		conn, br, _, err := d.Dial(ctx, rawURL)
		if err != nil {
			return nil, err
		}
		c.conn, c.ws = conn, true
		if br != nil {
			c.br, c.gobwasBR = br, true
		}
	default:
		return nil, fmt.Errorf("bench: url %q: scheme must be ws, wss or tcp", rawURL)
	}
	return c, nil
}

// compile turns a message into the bytes written for it: a masked client text frame, or a
// 4-byte big-endian length and the message for TCP.
func (c *clientConn) compile(msg []byte) []byte {
	if c.ws {
		return wsframe.AppendClientFrame(make([]byte, 0, len(msg)+ws.MaxHeaderSize), ws.OpText, msg, c.mask)
	}
	b := make([]byte, 4, 4+len(msg))
	binary.BigEndian.PutUint32(b, uint32(len(msg)))
	return append(b, msg...)
}

// write sends one compiled message in one write.
func (c *clientConn) write(frame []byte) error {
	c.wmu.Lock()
	_, err := c.conn.Write(frame)
	c.wmu.Unlock()
	return err
}

// startReading gives the connection a buffered reader (from the pool, unless the dialer
// already handed one over with bytes in it).
func (c *clientConn) startReading() {
	if c.br == nil {
		c.br = clientReaders.Get().(*bufio.Reader)
		c.br.Reset(c.conn)
	}
}

// stopReading gives the buffered reader back; an idle connection holds none.
func (c *clientConn) stopReading() {
	if c.br == nil || c.br.Buffered() > 0 {
		return
	}
	if c.gobwasBR {
		ws.PutReader(c.br)
	} else {
		c.br.Reset(nil)
		clientReaders.Put(c.br)
	}
	c.br, c.gobwasBR = nil, false
}

// close closes the connection and gives its reader back.
func (c *clientConn) close() {
	c.conn.Close()
	switch {
	case c.br == nil:
	case c.gobwasBR:
		ws.PutReader(c.br)
	default:
		c.br.Reset(nil)
		clientReaders.Put(c.br)
	}
	c.br, c.gobwasBR = nil, false
}

// readReply reads one whole reply. The result is valid until the next readReply.
func (c *clientConn) readReply() ([]byte, error) {
	if !c.ws {
		return c.readTCP()
	}
	c.reply = c.reply[:0]
	started := false
	for {
		h, err := ws.ReadHeaderBuffer(c.br, c.hdr[:])
		if err != nil {
			return nil, err
		}
		if h.Length > int64(c.maxReply-len(c.reply)) {
			return nil, fmt.Errorf("%w (%d bytes)", errReplyTooBig, c.maxReply)
		}
		if h.OpCode.IsControl() {
			if err := c.control(h); err != nil {
				return nil, err
			}
			continue
		}
		if (h.OpCode == ws.OpContinuation) != started {
			return nil, fmt.Errorf("bench: unexpected %s frame from the server", opName(h.OpCode))
		}
		started = true
		n := len(c.reply)
		c.reply = grow(c.reply, int(h.Length))
		if _, err := io.ReadFull(c.br, c.reply[n:]); err != nil {
			return nil, err
		}
		if h.Masked {
			ws.Cipher(c.reply[n:], h.Mask, 0)
		}
		if h.Fin {
			return c.reply, nil
		}
	}
}

// control handles a control frame from the server: pong to a ping, an error for a close.
func (c *clientConn) control(h ws.Header) error {
	if !h.Fin || h.Length > 125 {
		return fmt.Errorf("bench: bad control frame from the server (%s, %d bytes)", opName(h.OpCode), h.Length)
	}
	var body [125]byte
	p := body[:h.Length]
	if _, err := io.ReadFull(c.br, p); err != nil {
		return err
	}
	if h.Masked {
		ws.Cipher(p, h.Mask, 0)
	}
	switch h.OpCode {
	case ws.OpPing:
		c.pong = wsframe.AppendHeader(c.pong[:0], true, ws.OpPong, len(p), &c.mask)
		start := len(c.pong)
		c.pong = append(c.pong, p...)
		ws.Cipher(c.pong[start:], c.mask, 0)
		return c.write(c.pong)
	case ws.OpClose:
		code, reason := ws.ParseCloseFrameData(p)
		return fmt.Errorf("bench: server closed the connection: status %d %q", code, reason)
	}
	return nil
}

func (c *clientConn) readTCP() ([]byte, error) {
	if _, err := io.ReadFull(c.br, c.hdr[:4]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(c.hdr[:4])
	if int64(n) > int64(c.maxReply) {
		return nil, fmt.Errorf("%w (%d bytes)", errReplyTooBig, c.maxReply)
	}
	c.reply = grow(c.reply[:0], int(n))
	if _, err := io.ReadFull(c.br, c.reply); err != nil {
		return nil, err
	}
	return c.reply, nil
}

// grow extends b by n bytes, reallocating only when its capacity is short.
func grow(b []byte, n int) []byte {
	if cap(b)-len(b) < n {
		nb := make([]byte, len(b), 2*cap(b)+n)
		copy(nb, b)
		b = nb
	}
	return b[:len(b)+n]
}

func opName(op ws.OpCode) string {
	switch op {
	case ws.OpContinuation:
		return "continuation"
	case ws.OpText:
		return "text"
	case ws.OpBinary:
		return "binary"
	case ws.OpClose:
		return "close"
	case ws.OpPing:
		return "ping"
	case ws.OpPong:
		return "pong"
	}
	return fmt.Sprintf("opcode %d", op)
}
