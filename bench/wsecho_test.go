package bench

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/wsframe"
)

// rawEcho dials srv and upgrades by hand; extra is written in the same write as the
// upgrade request, before the response has been read.
func rawEcho(t *testing.T, srv *EchoServer, extra []byte) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	req := "GET /any/path HTTP/1.1\r\nHost: " + srv.Addr() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := conn.Write(append([]byte(req), extra...)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	status, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 101") {
		t.Fatalf("upgrade: %q, %v", status, err)
	}
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if line == "\r\n" {
			return conn, br
		}
	}
}

// frameOf builds one client frame with the given bits.
func frameOf(fin bool, op ws.OpCode, payload string, masked bool) []byte {
	mask := [4]byte{1, 2, 3, 4}
	var m *[4]byte
	if masked {
		m = &mask
	}
	b := wsframe.AppendHeader(nil, fin, op, len(payload), m)
	start := len(b)
	b = append(b, payload...)
	if masked {
		ws.Cipher(b[start:], mask, 0)
	}
	return b
}

// readFrame reads one server frame.
func readFrame(t *testing.T, br *bufio.Reader) (ws.Header, []byte) {
	t.Helper()
	h, err := ws.ReadHeader(br)
	if err != nil {
		t.Fatalf("read header: %v", err)
	}
	if h.Masked {
		t.Fatalf("server frame is masked")
	}
	p := make([]byte, h.Length)
	if _, err := io.ReadFull(br, p); err != nil {
		t.Fatal(err)
	}
	return h, p
}

func TestWSEchoPipelinedBehindUpgrade(t *testing.T) {
	srv, err := StartWSEcho("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	big := strings.Repeat("b", 70_000) // 8-byte length
	mid := strings.Repeat("m", 300)    // 2-byte length
	extra := append(frameOf(true, ws.OpText, "first", true), frameOf(true, ws.OpBinary, mid, true)...)
	extra = append(extra, frameOf(true, ws.OpText, big, true)...)
	_, br := rawEcho(t, srv, extra)
	for _, want := range []struct {
		op ws.OpCode
		p  string
	}{{ws.OpText, "first"}, {ws.OpBinary, mid}, {ws.OpText, big}} {
		h, p := readFrame(t, br)
		if h.OpCode != want.op || !h.Fin || string(p) != want.p {
			t.Fatalf("got %v fin %v %d bytes, want %v %d bytes", h.OpCode, h.Fin, len(p), want.op, len(want.p))
		}
	}
}

func TestWSEchoFramesAndControl(t *testing.T) {
	for _, pool := range []bool{false, true} {
		srv, err := StartWSEchoOptions("127.0.0.1:0", WSEchoOptions{PoolIdleBuffers: pool})
		if err != nil {
			t.Fatal(err)
		}
		conn, br := rawEcho(t, srv, nil)
		send := func(b []byte) {
			t.Helper()
			if _, err := conn.Write(b); err != nil {
				t.Fatal(err)
			}
		}
		expect := func(op ws.OpCode, fin bool, payload string) {
			t.Helper()
			h, p := readFrame(t, br)
			if h.OpCode != op || h.Fin != fin || string(p) != payload {
				t.Fatalf("pool %v: got %v fin %v %q, want %v fin %v %q", pool, h.OpCode, h.Fin, p, op, fin, payload)
			}
		}
		// A fragmented message with a ping in the middle, sent one frame at a time.
		send(frameOf(false, ws.OpText, "frag", true))
		expect(ws.OpText, false, "frag")
		send(frameOf(true, ws.OpPing, "are you there", true))
		expect(ws.OpPong, true, "are you there")
		send(frameOf(true, ws.OpContinuation, "ment", true))
		expect(ws.OpContinuation, true, "ment")
		send(frameOf(true, ws.OpPong, "ignored", true))
		send(frameOf(true, ws.OpText, "", true))
		expect(ws.OpText, true, "")
		// Close: answered with its status code, then the connection ends.
		var body [2]byte
		binary.BigEndian.PutUint16(body[:], 1000)
		send(frameOf(true, ws.OpClose, string(body[:])+"bye", true))
		expect(ws.OpClose, true, string(body[:]))
		if _, err := br.ReadByte(); err != io.EOF {
			t.Fatalf("after close: %v, want EOF", err)
		}
		srv.Close()
	}
}

func TestWSEchoRefusals(t *testing.T) {
	srv, err := StartWSEchoOptions("127.0.0.1:0", WSEchoOptions{MaxFrameBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	withRsv := frameOf(true, ws.OpText, "x", true)
	withRsv[0] |= 0x40
	for _, tc := range []struct {
		name  string
		frame []byte
		code  ws.StatusCode
	}{
		{name: "unmasked", frame: frameOf(true, ws.OpText, "x", false), code: ws.StatusProtocolError},
		{name: "extension bit", frame: withRsv, code: ws.StatusProtocolError},
		{name: "reserved opcode", frame: frameOf(true, 0x3, "x", true), code: ws.StatusProtocolError},
		{name: "fragmented ping", frame: frameOf(false, ws.OpPing, "x", true), code: ws.StatusProtocolError},
		{name: "long ping", frame: frameOf(true, ws.OpPing, strings.Repeat("x", 126), true), code: ws.StatusProtocolError},
		{name: "stray continuation", frame: frameOf(true, ws.OpContinuation, "x", true), code: ws.StatusProtocolError},
		{name: "text inside fragments", frame: append(frameOf(false, ws.OpText, "a", true), frameOf(true, ws.OpText, "b", true)...), code: ws.StatusProtocolError},
		{name: "too big", frame: frameOf(true, ws.OpBinary, strings.Repeat("x", 101), true), code: ws.StatusMessageTooBig},
		{name: "one-byte close", frame: frameOf(true, ws.OpClose, "x", true), code: ws.StatusProtocolError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, br := rawEcho(t, srv, nil)
			conn.Write(tc.frame)
			for {
				h, p := readFrame(t, br)
				if h.OpCode != ws.OpClose {
					continue // the first fragment of "text inside fragments" is echoed
				}
				if len(p) != 2 || ws.StatusCode(binary.BigEndian.Uint16(p)) != tc.code {
					t.Fatalf("close %x, want status %d", p, tc.code)
				}
				break
			}
			if _, err := br.ReadByte(); err != io.EOF {
				t.Fatalf("connection still open: %v", err)
			}
		})
	}
}

func TestWSEchoCloseStopsConnections(t *testing.T) {
	srv, err := StartWSEcho("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, br := rawEcho(t, srv, nil)
	done := make(chan error, 1)
	go func() { _, err := br.ReadByte(); done <- err }()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != io.EOF {
		t.Fatalf("after Close: %v, want EOF", err)
	}
	if srv.Close() != nil {
		t.Fatal("second Close failed")
	}
}

func TestHandshakeReaderStopsAtEmptyLine(t *testing.T) {
	for _, chunk := range []int{1, 2, 3, 7, 4096} {
		req := "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
		br := bufio.NewReader(strings.NewReader(req + "\x81\x05after"))
		h := &handshakeReader{br: br}
		var got bytes.Buffer
		buf := make([]byte, chunk)
		for {
			n, err := h.Read(buf)
			got.Write(buf[:n])
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		rest, _ := io.ReadAll(br)
		if got.String() != req || string(rest) != "\x81\x05after" {
			t.Fatalf("chunk %d: read %q, left %q", chunk, got.String(), rest)
		}
	}
	// "\r\r\n\r\n" still ends the request; "\n\n" alone does not.
	h := &handshakeReader{br: bufio.NewReader(strings.NewReader("a\r\r\n\r\nX"))}
	b, _ := io.ReadAll(h)
	if string(b) != "a\r\r\n\r\n" {
		t.Fatalf("read %q", b)
	}
	h = &handshakeReader{br: bufio.NewReader(strings.NewReader("a\n\nb"))}
	b, err := io.ReadAll(h)
	if string(b) != "a\n\nb" || err != nil {
		t.Fatalf("read %q, %v", b, err)
	}
}

func TestTCPEcho(t *testing.T) {
	srv, err := StartTCPEcho("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	msg := bytes.Repeat([]byte("0123456789"), 5000) // larger than the server's buffer
	go conn.Write(msg)
	got := make([]byte, len(msg))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(conn, got); err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("echo differs: %v", err)
	}
}
