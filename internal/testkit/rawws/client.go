// Package rawws is a raw WebSocket client for tests: the handshake is written by hand and
// any frame, malformed ones included, can be sent; every server frame is read and checked
// as it comes. It dials any address, so that the connection layer's own tests use it
// without a server (it imports no symscore package that imports the server).
package rawws

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/wsframe"
)

// UpgradeRequest is a valid upgrade request for path, with Host charm:8080 (the host of
// the protocol's known-answer vectors).
func UpgradeRequest(path string) string {
	return "GET " + path + " HTTP/1.1\r\nHost: charm:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
}

// Client is one raw connection. Not safe for concurrent use.
type Client struct {
	T  testing.TB
	NC net.Conn
	BR *bufio.Reader
}

// Dial opens a TCP connection to addr, closed when the test ends; every read and write
// must be done within 30 s.
func Dial(t testing.TB, addr string) *Client {
	t.Helper()
	return DialFrom(t, addr, "")
}

// DialFrom is Dial from the local IP address local ("": any). On Linux every address of
// 127.0.0.0/8 is a loopback address: tests play clients on other hosts with 127.0.0.2,
// 127.0.0.3...
func DialFrom(t testing.TB, addr, local string) *Client {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second}
	if local != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(local)}
	}
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(30 * time.Second))
	return &Client{T: t, NC: nc, BR: bufio.NewReaderSize(nc, 64<<10)}
}

// DialWS opens a connection and upgrades it on path, failing the test unless it gets 101.
func DialWS(t testing.TB, addr, path string) *Client {
	t.Helper()
	return DialWSFrom(t, addr, "", path)
}

// DialWSFrom is DialWS from the local IP address local (see DialFrom).
func DialWSFrom(t testing.TB, addr, local, path string) *Client {
	t.Helper()
	c := DialFrom(t, addr, local)
	c.WriteRaw([]byte(UpgradeRequest(path)))
	if resp := c.ReadResponse(); resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade %s: status %d, want 101", path, resp.StatusCode)
	}
	return c
}

// ReadResponse reads an HTTP response head (and its body, if any).
func (c *Client) ReadResponse() *http.Response {
	c.T.Helper()
	resp, err := http.ReadResponse(c.BR, nil)
	if err != nil {
		c.T.Fatalf("read response: %v", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return resp
}

// WriteRaw writes b as it is.
func (c *Client) WriteRaw(b []byte) {
	c.T.Helper()
	if _, err := c.NC.Write(b); err != nil {
		c.T.Fatalf("write: %v", err)
	}
}

// Frame describes a client frame to send.
type Frame struct {
	Op       ws.OpCode
	Fin      bool
	Rsv      byte
	Unmasked bool
	Payload  []byte
}

// AppendFrame appends f, masked with a random key unless f.Unmasked. Reserved bits are
// written as given (wsframe.AppendHeader writes none).
func AppendFrame(dst []byte, f Frame) []byte {
	var mask *[4]byte
	if !f.Unmasked {
		var m [4]byte
		binary.LittleEndian.PutUint32(m[:], rand.Uint32())
		mask = &m
	}
	start := len(dst)
	dst = wsframe.AppendHeader(dst, f.Fin, f.Op, len(f.Payload), mask)
	dst[start] |= f.Rsv << 4
	p := len(dst)
	dst = append(dst, f.Payload...)
	if mask != nil {
		ws.Cipher(dst[p:], *mask, 0)
	}
	return dst
}

// Send writes one frame.
func (c *Client) Send(f Frame) {
	c.T.Helper()
	c.WriteRaw(AppendFrame(nil, f))
}

// SendMessage sends a whole message in one frame.
func (c *Client) SendMessage(op ws.OpCode, p []byte) {
	c.T.Helper()
	c.Send(Frame{Op: op, Fin: true, Payload: p})
}

// ReadFrame reads one server frame; server frames must not be masked.
func (c *Client) ReadFrame() (ws.Header, []byte, error) {
	h, err := ws.ReadHeader(c.BR)
	if err != nil {
		return h, nil, err
	}
	if h.Masked {
		return h, nil, errors.New("server frame is masked")
	}
	p := make([]byte, h.Length)
	_, err = io.ReadFull(c.BR, p)
	return h, p, err
}

// ReadMessage reads a message, which must be a single final frame.
func (c *Client) ReadMessage() (ws.OpCode, []byte) {
	c.T.Helper()
	h, p, err := c.ReadFrame()
	if err != nil {
		c.T.Fatalf("read frame: %v", err)
	}
	if !h.Fin {
		c.T.Fatalf("reply frame not final: %+v", h)
	}
	return h.OpCode, p
}

// ExpectClose reads the next frame, which must be a close frame with code (0: an empty
// close frame), answers it as a client does, and checks that the server then closes TCP.
// It returns the close reason.
func (c *Client) ExpectClose(code ws.StatusCode) string {
	c.T.Helper()
	reason, p := c.readClose(code)
	c.NC.Write(AppendFrame(nil, Frame{Op: ws.OpClose, Fin: true, Payload: p[:min(len(p), 2)]}))
	c.ExpectEOF()
	return reason
}

// ExpectCloseNow reads a close frame with code and checks that the server closes TCP at
// once, without waiting for the client's close frame (the client has closed already).
func (c *Client) ExpectCloseNow(code ws.StatusCode, within time.Duration) string {
	c.T.Helper()
	reason, _ := c.readClose(code)
	c.NC.SetReadDeadline(time.Now().Add(within))
	b, err := c.BR.ReadByte()
	if err == nil {
		c.T.Fatalf("want end of stream, got byte %#x", b)
	}
	if isTimeout(err) {
		c.T.Fatalf("the server did not close TCP within %v of its close frame", within)
	}
	return reason
}

func (c *Client) readClose(code ws.StatusCode) (string, []byte) {
	c.T.Helper()
	h, p, err := c.ReadFrame()
	if err != nil {
		c.T.Fatalf("want close %d, read: %v", code, err)
	}
	if h.OpCode != ws.OpClose {
		c.T.Fatalf("want close %d, got opcode %v payload %q", code, h.OpCode, p)
	}
	got, reason := ws.StatusCode(0), ""
	if len(p) >= 2 {
		got, reason = ws.StatusCode(binary.BigEndian.Uint16(p)), string(p[2:])
	} else if len(p) == 1 {
		c.T.Fatalf("close payload of 1 byte")
	}
	if got != code {
		c.T.Fatalf("close code %d (%q), want %d", got, reason, code)
	}
	return reason, p
}

// ExpectEOF checks that the server closes the connection (nothing more comes).
func (c *Client) ExpectEOF() {
	c.T.Helper()
	c.NC.SetReadDeadline(time.Now().Add(10 * time.Second))
	b, err := c.BR.ReadByte()
	if err == nil {
		c.T.Fatalf("want end of stream, got byte %#x", b)
	}
	if isTimeout(err) {
		c.T.Fatalf("server did not close the connection")
	}
}

// Echo sends p as a message and checks that it comes back unchanged.
func (c *Client) Echo(op ws.OpCode, p []byte) {
	c.T.Helper()
	c.SendMessage(op, p)
	gop, got := c.ReadMessage()
	if gop != op || string(got) != string(p) {
		c.T.Fatalf("echo: got op %v %s, want op %v %s", gop, Clip(got), op, Clip(p))
	}
}

// Clip quotes at most 40 bytes of p for a test message.
func Clip(p []byte) string {
	if len(p) > 40 {
		return fmt.Sprintf("%q... (%d bytes)", p[:40], len(p))
	}
	return fmt.Sprintf("%q", p)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
