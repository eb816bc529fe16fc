package server

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/config"
)

// wsTestConfig is a server configuration on loopback ports chosen by the system, with the
// echo endpoint on and every other limit at its default.
func wsTestConfig() config.Config {
	var cfg config.Config
	cfg.Listen = "127.0.0.1:0"
	cfg.AdminListen = "127.0.0.1:0"
	cfg.Testing.EchoEndpoint = true
	return cfg
}

// startWSServer starts a server with cfg (defaults applied) and hooks (may be nil), and shuts
// it down when the test ends.
func startWSServer(t testing.TB, cfg config.Config, hooks *connHooks) *Server {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	cfg.ApplyDefaults()
	s, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if hooks == nil {
		hooks = &connHooks{}
	}
	testHooks.Store(s, hooks)
	t.Cleanup(func() { testHooks.Delete(s) })
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return s
}

// listenerOf returns the main listener of a server started by startWSServer.
func listenerOf(t testing.TB, s *Server) *mainListener {
	t.Helper()
	h, ok := testHooks.Load(s)
	if !ok {
		t.Fatal("server not started by startWSServer")
	}
	var l *mainListener
	eventually(t, "the main listener", func() bool {
		l = h.(*connHooks).listener.Load()
		return l != nil
	})
	return l
}

// upgradeRequest is a valid upgrade request for path.
func upgradeRequest(path string) string {
	return "GET " + path + " HTTP/1.1\r\nHost: charm:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
}

// wsClient is a raw WebSocket client for tests: the handshake is written by hand and any
// frame, malformed ones included, can be sent.
type wsClient struct {
	t  testing.TB
	nc net.Conn
	br *bufio.Reader
}

// dial opens a TCP connection to the server's main listener.
func dial(t testing.TB, s *Server) *wsClient {
	t.Helper()
	nc, err := net.DialTimeout("tcp", s.Addr(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(30 * time.Second))
	return &wsClient{t: t, nc: nc, br: bufio.NewReaderSize(nc, 64<<10)}
}

// dialWS opens a connection and upgrades it on path, failing the test unless it gets 101.
func dialWS(t testing.TB, s *Server, path string) *wsClient {
	t.Helper()
	c := dial(t, s)
	c.writeRaw([]byte(upgradeRequest(path)))
	if resp := c.readResponse(); resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade %s: status %d, want 101", path, resp.StatusCode)
	}
	return c
}

// readResponse reads an HTTP response head (and its body, if any).
func (c *wsClient) readResponse() *http.Response {
	c.t.Helper()
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		c.t.Fatalf("read response: %v", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return resp
}

func (c *wsClient) writeRaw(b []byte) {
	c.t.Helper()
	if _, err := c.nc.Write(b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// frame describes a client frame to send.
type frame struct {
	op       ws.OpCode
	fin      bool
	rsv      byte
	unmasked bool
	payload  []byte
}

// appendClientFrame appends f, masked with a random key unless f.unmasked.
func appendClientFrame(dst []byte, f frame) []byte {
	b0 := f.rsv<<4 | byte(f.op)
	if f.fin {
		b0 |= 0x80
	}
	var mbit byte
	if !f.unmasked {
		mbit = 0x80
	}
	n := len(f.payload)
	switch {
	case n <= 125:
		dst = append(dst, b0, mbit|byte(n))
	case n <= 0xFFFF:
		dst = append(dst, b0, mbit|126)
		dst = binary.BigEndian.AppendUint16(dst, uint16(n))
	default:
		dst = append(dst, b0, mbit|127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(n))
	}
	if f.unmasked {
		return append(dst, f.payload...)
	}
	var mask [4]byte
	binary.LittleEndian.PutUint32(mask[:], rand.Uint32())
	dst = append(dst, mask[:]...)
	start := len(dst)
	dst = append(dst, f.payload...)
	ws.Cipher(dst[start:], mask, 0)
	return dst
}

func (c *wsClient) send(f frame) {
	c.t.Helper()
	c.writeRaw(appendClientFrame(nil, f))
}

// sendMessage sends a whole message in one frame.
func (c *wsClient) sendMessage(op ws.OpCode, p []byte) {
	c.t.Helper()
	c.send(frame{op: op, fin: true, payload: p})
}

// readFrame reads one server frame; server frames must not be masked.
func (c *wsClient) readFrame() (ws.Header, []byte, error) {
	h, err := ws.ReadHeader(c.br)
	if err != nil {
		return h, nil, err
	}
	if h.Masked {
		return h, nil, errors.New("server frame is masked")
	}
	p := make([]byte, h.Length)
	_, err = io.ReadFull(c.br, p)
	return h, p, err
}

// readMessage reads a reply message, which must be a single final frame.
func (c *wsClient) readMessage() (ws.OpCode, []byte) {
	c.t.Helper()
	h, p, err := c.readFrame()
	if err != nil {
		c.t.Fatalf("read frame: %v", err)
	}
	if !h.Fin {
		c.t.Fatalf("reply frame not final: %+v", h)
	}
	return h.OpCode, p
}

// expectClose reads the next frame, which must be a close frame with code (0: an empty
// close frame), and then the end of the stream: the server closes TCP.
func (c *wsClient) expectClose(code ws.StatusCode) string {
	c.t.Helper()
	h, p, err := c.readFrame()
	if err != nil {
		c.t.Fatalf("want close %d, read: %v", code, err)
	}
	if h.OpCode != ws.OpClose {
		c.t.Fatalf("want close %d, got opcode %v payload %q", code, h.OpCode, p)
	}
	got, reason := ws.StatusCode(0), ""
	if len(p) >= 2 {
		got, reason = ws.StatusCode(binary.BigEndian.Uint16(p)), string(p[2:])
	} else if len(p) == 1 {
		c.t.Fatalf("close payload of 1 byte")
	}
	if got != code {
		c.t.Fatalf("close code %d (%q), want %d", got, reason, code)
	}
	// Answer, as a client does, then the server must close TCP.
	c.nc.Write(appendClientFrame(nil, frame{op: ws.OpClose, fin: true, payload: p[:min(len(p), 2)]}))
	c.expectEOF()
	return reason
}

// expectEOF checks that the server closes the connection (nothing more comes).
func (c *wsClient) expectEOF() {
	c.t.Helper()
	c.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	b, err := c.br.ReadByte()
	if err == nil {
		c.t.Fatalf("want end of stream, got byte %#x", b)
	}
	if isTimeout(err) {
		c.t.Fatalf("server did not close the connection")
	}
}

// echo sends p as a message and checks that it comes back unchanged.
func (c *wsClient) echo(op ws.OpCode, p []byte) {
	c.t.Helper()
	c.sendMessage(op, p)
	gop, got := c.readMessage()
	if gop != op || string(got) != string(p) {
		c.t.Fatalf("echo: got op %v %q, want op %v %q", gop, clip(got), op, clip(p))
	}
}

func clip(p []byte) string {
	if len(p) > 40 {
		return fmt.Sprintf("%q... (%d bytes)", p[:40], len(p))
	}
	return fmt.Sprintf("%q", p)
}

// eventually polls cond until it holds or 10 s pass.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// metricValue reads a counter or gauge of the server's registry by name and labels
// ("k=v,k=v"); 0 when absent.
func metricValue(t testing.TB, s *Server, name, labels string) float64 {
	t.Helper()
	mfs, err := s.metrics.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			var parts []string
			for _, lp := range m.GetLabel() {
				parts = append(parts, lp.GetName()+"="+lp.GetValue())
			}
			if strings.Join(parts, ",") != labels {
				continue
			}
			if m.GetCounter() != nil {
				return m.GetCounter().GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return 0
}
