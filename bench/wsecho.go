package bench

import (
	"bufio"
	"encoding/binary"
	"io"
	"net"
	"sync"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/wsframe"
)

// Defaults of the WebSocket echo floor.
const (
	// DefaultEchoMaxFrameBytes bounds a frame the echo floor accepts; larger ones are
	// refused with close status 1009 before their payload is read.
	DefaultEchoMaxFrameBytes = 16 << 20
	// echoHandshakeTimeout bounds the HTTP upgrade.
	echoHandshakeTimeout = 5 * time.Second
	// echoReaderBytes is the size of a connection's buffered reader.
	echoReaderBytes = 4 << 10
	// echoPooledFrameBytes: frame buffers up to this capacity go back to the pool.
	echoPooledFrameBytes = 64 << 10
)

// WSEchoOptions configure the WebSocket echo floor. The zero value is the leanest server.
type WSEchoOptions struct {
	// PoolIdleBuffers gives a connection's reader and frame buffer back to a pool while the
	// connection waits for its next frame, so an idle connection holds only its goroutine
	// and its net.Conn. It costs one non-blocking peek (recv MSG_PEEK) each time a frame
	// arrives on a connection that had nothing buffered. Linux only; ignored elsewhere.
	PoolIdleBuffers bool
	// MaxFrameBytes bounds a frame's payload. 0 means DefaultEchoMaxFrameBytes.
	MaxFrameBytes int64
}

// StartWSEcho starts the bare WebSocket floor on addr (e.g. "127.0.0.1:0") with the zero
// WSEchoOptions. See StartWSEchoOptions.
func StartWSEcho(addr string) (*EchoServer, error) {
	return StartWSEchoOptions(addr, WSEchoOptions{})
}

// StartWSEchoOptions starts the bare WebSocket floor: the least a correct WebSocket server
// does to answer a message, against which symscore's latency is compared. Any path is
// upgraded (zero-copy ws.Upgrader, no net/http), one goroutine serves each connection
// through a 4 KiB buffered reader, and each frame is read (ws.ReadHeaderBuffer, payload,
// unmask) and written back unmasked, header and payload in one write. Data frames are
// echoed frame by frame with their opcode and FIN bit, so fragmented messages come back
// fragmented; pings get pongs, pongs are ignored, a close is answered with its status code.
// Unmasked frames, extension bits, reserved opcodes, bad control frames and broken
// fragmentation close the connection with status 1002, oversized frames with 1009. Text is
// not checked for UTF-8: the floor moves bytes and nothing else.
//
// Bytes a client writes right behind its upgrade request, before reading the response, are
// served. Allocations per message after warm-up: none.
func StartWSEchoOptions(addr string, opts WSEchoOptions) (*EchoServer, error) {
	if opts.MaxFrameBytes <= 0 {
		opts.MaxFrameBytes = DefaultEchoMaxFrameBytes
	}
	return startEchoServer(addr, "ws", func(conn net.Conn) { serveWSEcho(conn, opts) })
}

var (
	echoReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, echoReaderBytes) }}
	echoFrames  = sync.Pool{New: func() any { b := make([]byte, 0, echoReaderBytes); return &b }}
	upgrader    = ws.Upgrader{}
)

// wsEchoConn is one connection of the echo floor; used by its goroutine only.
type wsEchoConn struct {
	conn       net.Conn
	opts       WSEchoOptions
	br         *bufio.Reader // nil while released
	frame      *[]byte       // ws.MaxHeaderSize bytes of room for the header, then the payload; nil while released
	hdr        [ws.MaxHeaderSize]byte
	fragmented bool // inside a fragmented message
	idle       idleWaiter
}

func serveWSEcho(conn net.Conn, opts WSEchoOptions) {
	c := &wsEchoConn{conn: conn, opts: opts}
	c.acquire()
	defer c.release()

	conn.SetDeadline(time.Now().Add(echoHandshakeTimeout))
	hs := handshakeReader{br: c.br}
	if _, err := upgrader.Upgrade(handshakeConn{&hs, conn}); err != nil {
		return
	}
	conn.SetDeadline(time.Time{})
	pool := opts.PoolIdleBuffers && c.idle.init(conn)

	for {
		if pool && c.br.Buffered() == 0 {
			c.release()
			if err := c.idle.wait(); err != nil {
				return
			}
			c.acquire()
		}
		if !c.echoFrame() {
			return
		}
	}
}

func (c *wsEchoConn) acquire() {
	c.br = echoReaders.Get().(*bufio.Reader)
	c.br.Reset(c.conn)
	c.frame = echoFrames.Get().(*[]byte)
}

func (c *wsEchoConn) release() {
	if c.br != nil {
		c.br.Reset(nil)
		echoReaders.Put(c.br)
		c.br = nil
	}
	if c.frame != nil {
		if cap(*c.frame) <= echoPooledFrameBytes {
			echoFrames.Put(c.frame)
		}
		c.frame = nil
	}
}

// echoFrame reads one frame and answers it. It reports whether the connection stays open.
func (c *wsEchoConn) echoFrame() bool {
	h, err := ws.ReadHeaderBuffer(c.br, c.hdr[:])
	if err != nil {
		return false
	}
	if code := c.refusal(h); code != 0 {
		c.writeClose(code)
		return false
	}
	n := int(h.Length)
	if cap(*c.frame) < ws.MaxHeaderSize+n {
		*c.frame = make([]byte, 0, ws.MaxHeaderSize+n)
	}
	buf := (*c.frame)[:ws.MaxHeaderSize+n]
	payload := buf[ws.MaxHeaderSize:]
	if _, err := io.ReadFull(c.br, payload); err != nil {
		return false
	}
	ws.Cipher(payload, h.Mask, 0)

	op := h.OpCode
	switch op {
	case ws.OpPong:
		return true
	case ws.OpPing:
		op = ws.OpPong
	case ws.OpClose:
		if n == 1 {
			c.writeClose(ws.StatusProtocolError)
		} else {
			c.write(buf, ws.OpClose, true, payload[:min(n, 2)])
		}
		return false
	}
	return c.write(buf, op, h.Fin, payload)
}

// refusal is the close status that refuses frame header h, or 0 when h is acceptable. It
// tracks fragmentation.
func (c *wsEchoConn) refusal(h ws.Header) ws.StatusCode {
	switch {
	case !h.Masked, h.Rsv != 0, h.OpCode.IsReserved():
		return ws.StatusProtocolError
	case h.OpCode.IsControl():
		if !h.Fin || h.Length > 125 {
			return ws.StatusProtocolError
		}
		return 0
	case h.Length > c.opts.MaxFrameBytes:
		return ws.StatusMessageTooBig
	case (h.OpCode == ws.OpContinuation) != c.fragmented:
		return ws.StatusProtocolError
	}
	c.fragmented = !h.Fin
	return 0
}

// write sends payload, which must be buf[ws.MaxHeaderSize:], as one frame in one write.
func (c *wsEchoConn) write(buf []byte, op ws.OpCode, fin bool, payload []byte) bool {
	start := ws.MaxHeaderSize - wsframe.HeaderSize(len(payload), false)
	wsframe.AppendHeader(buf[start:start], fin, op, len(payload), nil)
	_, err := c.conn.Write(buf[start : ws.MaxHeaderSize+len(payload)])
	return err == nil
}

func (c *wsEchoConn) writeClose(code ws.StatusCode) {
	var b [4]byte
	wsframe.AppendHeader(b[:0], true, ws.OpClose, 2, nil)
	binary.BigEndian.PutUint16(b[2:], uint16(code))
	c.conn.Write(b[:])
}
