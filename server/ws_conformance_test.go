package server_test

import (
	"encoding/binary"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/rawws"
	"github.com/symscore/symscore/internal/wsconn"
)

func closePayload(code ws.StatusCode, reason string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, uint16(code)), reason...)
}

// TestWSProtocolViolations sends each kind of frame RFC 6455 forbids and checks the close
// status the server answers with, and that it then closes TCP.
func TestWSProtocolViolations(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	hello := []byte("hello")
	cases := []struct {
		name   string
		frames []rawws.Frame
		want   ws.StatusCode
	}{
		{"rsv1", []rawws.Frame{{Op: ws.OpText, Fin: true, Rsv: 4, Payload: hello}}, 1002},
		{"rsv2", []rawws.Frame{{Op: ws.OpText, Fin: true, Rsv: 2, Payload: hello}}, 1002},
		{"rsv3", []rawws.Frame{{Op: ws.OpBinary, Fin: true, Rsv: 1, Payload: hello}}, 1002},
		{"rsv on ping", []rawws.Frame{{Op: ws.OpPing, Fin: true, Rsv: 7}}, 1002},
		{"opcode 3", []rawws.Frame{{Op: 3, Fin: true, Payload: hello}}, 1002},
		{"opcode 4", []rawws.Frame{{Op: 4, Fin: true}}, 1002},
		{"opcode 5", []rawws.Frame{{Op: 5, Fin: true}}, 1002},
		{"opcode 6", []rawws.Frame{{Op: 6, Fin: true}}, 1002},
		{"opcode 7", []rawws.Frame{{Op: 7, Fin: true}}, 1002},
		{"opcode 0xB", []rawws.Frame{{Op: 0xB, Fin: true}}, 1002},
		{"opcode 0xC", []rawws.Frame{{Op: 0xC, Fin: true}}, 1002},
		{"opcode 0xD", []rawws.Frame{{Op: 0xD, Fin: true}}, 1002},
		{"opcode 0xE", []rawws.Frame{{Op: 0xE, Fin: true}}, 1002},
		{"opcode 0xF", []rawws.Frame{{Op: 0xF, Fin: true, Payload: hello}}, 1002},
		{"unmasked text", []rawws.Frame{{Op: ws.OpText, Fin: true, Unmasked: true, Payload: hello}}, 1002},
		{"unmasked ping", []rawws.Frame{{Op: ws.OpPing, Fin: true, Unmasked: true}}, 1002},
		{"unmasked after a good message", []rawws.Frame{
			{Op: ws.OpText, Fin: true, Payload: hello},
			{Op: ws.OpText, Fin: true, Unmasked: true, Payload: hello}}, 1002},
		{"ping over 125 bytes", []rawws.Frame{{Op: ws.OpPing, Fin: true, Payload: make([]byte, 126)}}, 1002},
		{"pong over 125 bytes", []rawws.Frame{{Op: ws.OpPong, Fin: true, Payload: make([]byte, 200)}}, 1002},
		{"close over 125 bytes", []rawws.Frame{{Op: ws.OpClose, Fin: true, Payload: closePayload(1000, strings.Repeat("x", 124))}}, 1002},
		{"fragmented ping", []rawws.Frame{{Op: ws.OpPing, Fin: false, Payload: hello}, {Op: ws.OpContinuation, Fin: true}}, 1002},
		{"fragmented close", []rawws.Frame{{Op: ws.OpClose, Fin: false, Payload: closePayload(1000, "")}}, 1002},
		{"continuation without start", []rawws.Frame{{Op: ws.OpContinuation, Fin: true, Payload: hello}}, 1002},
		{"continuation after a complete message", []rawws.Frame{
			{Op: ws.OpText, Fin: true, Payload: hello},
			{Op: ws.OpContinuation, Fin: false, Payload: hello}}, 1002},
		{"text inside fragmented text", []rawws.Frame{
			{Op: ws.OpText, Fin: false, Payload: hello},
			{Op: ws.OpText, Fin: true, Payload: hello}}, 1002},
		{"binary inside fragmented text", []rawws.Frame{
			{Op: ws.OpText, Fin: false, Payload: hello},
			{Op: ws.OpBinary, Fin: true, Payload: hello}}, 1002},
		{"text inside fragmented binary", []rawws.Frame{
			{Op: ws.OpBinary, Fin: false, Payload: hello},
			{Op: ws.OpContinuation, Fin: false, Payload: hello},
			{Op: ws.OpText, Fin: true, Payload: hello}}, 1002},
		{"invalid UTF-8 text", []rawws.Frame{{Op: ws.OpText, Fin: true, Payload: []byte("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited")}}, 1007},
		{"overlong UTF-8", []rawws.Frame{{Op: ws.OpText, Fin: true, Payload: []byte("\xc0\xaf")}}, 1007},
		{"truncated UTF-8 at message end", []rawws.Frame{{Op: ws.OpText, Fin: true, Payload: []byte("ok\xe2\x82")}}, 1007},
		{"truncated UTF-8 at end of fragmented message", []rawws.Frame{
			{Op: ws.OpText, Fin: false, Payload: []byte("ok\xf0\x9f")},
			{Op: ws.OpContinuation, Fin: true, Payload: []byte("\x98")}}, 1007},
		{"close with 1-byte payload", []rawws.Frame{{Op: ws.OpClose, Fin: true, Payload: []byte{3}}}, 1002},
		{"close reason not UTF-8", []rawws.Frame{{Op: ws.OpClose, Fin: true, Payload: closePayload(1000, "\xff\xfe")}}, 1002},
	}
	for _, code := range []ws.StatusCode{0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535} {
		cases = append(cases, struct {
			name   string
			frames []rawws.Frame
			want   ws.StatusCode
		}{"close code " + strconv.Itoa(int(code)), []rawws.Frame{{Op: ws.OpClose, Fin: true, Payload: closePayload(code, "")}}, 1002})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := s.DialWS(wsconn.EchoPath)
			var b []byte
			for _, f := range tc.frames {
				b = rawws.AppendFrame(b, f)
			}
			c.WriteRaw(b)
			// A complete message before the violation is answered normally.
			if f := tc.frames[0]; len(tc.frames) > 1 && f.Fin && f.Op == ws.OpText {
				if op, p := c.ReadMessage(); op != ws.OpText || string(p) != "hello" {
					t.Fatalf("echo before the violation: %v %q", op, p)
				}
			}
			c.ExpectClose(tc.want)
		})
	}
	if n := s.Metric("symscore_ws_close_frames_sent_total", "code=1002"); n < 30 {
		t.Errorf("close frames 1002 counted: %v", n)
	}
}

// TestWSCloseHandshake checks that a client's close is answered with the same status code
// (an empty close with an empty one) and that the server then closes TCP.
func TestWSCloseHandshake(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	for _, code := range []ws.StatusCode{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999} {
		t.Run(strconv.Itoa(int(code)), func(t *testing.T) {
			c := s.DialWS(wsconn.EchoPath)
			c.Send(rawws.Frame{Op: ws.OpClose, Fin: true, Payload: closePayload(code, "bye, καλημέρα")})
			h, p, err := c.ReadFrame()
			if err != nil || h.OpCode != ws.OpClose || len(p) != 2 || ws.StatusCode(binary.BigEndian.Uint16(p)) != code {
				t.Fatalf("close reply: %+v %q %v; want code %d", h, p, err, code)
			}
			c.ExpectEOF()
		})
	}
	t.Run("empty", func(t *testing.T) {
		c := s.DialWS(wsconn.EchoPath)
		c.Send(rawws.Frame{Op: ws.OpClose, Fin: true})
		h, p, err := c.ReadFrame()
		if err != nil || h.OpCode != ws.OpClose || len(p) != 0 {
			t.Fatalf("close reply: %+v %q %v; want an empty close", h, p, err)
		}
		c.ExpectEOF()
	})
	t.Run("after pipelined messages", func(t *testing.T) {
		c := s.DialWS(wsconn.EchoPath)
		var b []byte
		for i := range 50 {
			b = rawws.AppendFrame(b, rawws.Frame{Op: ws.OpBinary, Fin: true, Payload: []byte{byte(i)}})
		}
		b = rawws.AppendFrame(b, rawws.Frame{Op: ws.OpClose, Fin: true, Payload: closePayload(1000, "")})
		c.WriteRaw(b)
		for i := range 50 {
			if op, p := c.ReadMessage(); op != ws.OpBinary || len(p) != 1 || p[0] != byte(i) {
				t.Fatalf("reply %d: %v %v", i, op, p)
			}
		}
		c.ExpectClose(1000)
	})
}

// TestWSPingPong: pings are answered with the same payload, also between the fragments of
// a message; unsolicited pongs are ignored.
func TestWSPingPong(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	c := s.DialWS(wsconn.EchoPath)

	for _, p := range [][]byte{nil, []byte("x"), []byte(strings.Repeat("p", 125))} {
		c.Send(rawws.Frame{Op: ws.OpPing, Fin: true, Payload: p})
		if op, got := c.ReadMessage(); op != ws.OpPong || string(got) != string(p) {
			t.Fatalf("pong: %v %q, want %q", op, got, p)
		}
	}

	// Between fragments: the pong comes first, the message after its last fragment.
	b := rawws.AppendFrame(nil, rawws.Frame{Op: ws.OpText, Fin: false, Payload: []byte("frag-")})
	b = rawws.AppendFrame(b, rawws.Frame{Op: ws.OpPing, Fin: true, Payload: []byte("mid")})
	b = rawws.AppendFrame(b, rawws.Frame{Op: ws.OpContinuation, Fin: false, Payload: []byte("men")})
	b = rawws.AppendFrame(b, rawws.Frame{Op: ws.OpPong, Fin: true, Payload: []byte("unsolicited")})
	b = rawws.AppendFrame(b, rawws.Frame{Op: ws.OpContinuation, Fin: true, Payload: []byte("ted")})
	c.WriteRaw(b)
	if op, got := c.ReadMessage(); op != ws.OpPong || string(got) != "mid" {
		t.Fatalf("pong between fragments: %v %q", op, got)
	}
	if op, got := c.ReadMessage(); op != ws.OpText || string(got) != "frag-mented" {
		t.Fatalf("reassembled message: %v %q", op, got)
	}

	// An unsolicited pong gets nothing: the next frame read is the echo of the next message.
	c.Send(rawws.Frame{Op: ws.OpPong, Fin: true, Payload: []byte("ignored")})
	c.Echo(ws.OpBinary, []byte{0, 1, 2})
}

// TestWSInvalidUTF8FailsFast: invalid text in a fragmented message is refused (1007) at the
// fragment that makes it invalid, before the message's last fragment is sent.
func TestWSInvalidUTF8FailsFast(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	cases := []struct {
		name  string
		parts []string // fragments sent before the close must arrive; the last makes the text invalid
	}{
		// Autobahn 6.4.1: a code point over U+10FFFF in the second fragment.
		{"code point over U+10FFFF", []string{"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", "\xf4\x90\x80\x80"}},
		// The invalid sequence is cut by the fragment boundary: F4 is a valid start, 90 is not
		// a valid second byte after it.
		{"split over U+10FFFF", []string{"abc\xf4", "\x90\x80\x80"}},
		// A surrogate (ED A0 80) split after its lead byte.
		{"split surrogate", []string{"abc\xed", "\xa0\x80"}},
		// A byte that never starts a sequence, in the third fragment.
		{"bad byte in third fragment", []string{"ab", "cd", "e\xff"}},
		// A lead byte followed, in the next fragment, by ASCII.
		{"lead then ASCII", []string{"\xe2\x82", "a"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := s.DialWS(wsconn.EchoPath)
			for i, p := range tc.parts {
				op := ws.OpContinuation
				if i == 0 {
					op = ws.OpText
				}
				c.Send(rawws.Frame{Op: op, Fin: false, Payload: []byte(p)})
			}
			// The final fragment is never sent: the close must come without it.
			c.ExpectClose(1007)
		})
	}

	t.Run("valid text split everywhere", func(t *testing.T) {
		c := s.DialWS(wsconn.EchoPath)
		text := "κόσμε 😀 ñ €"
		for i := 0; i < len(text); i++ {
			op := ws.OpContinuation
			if i == 0 {
				op = ws.OpText
			}
			c.Send(rawws.Frame{Op: op, Fin: i == len(text)-1, Payload: []byte(text[i : i+1])})
		}
		if op, got := c.ReadMessage(); op != ws.OpText || string(got) != text {
			t.Fatalf("got %v %q", op, got)
		}
	})
}

// TestWSOversizedFrame: a frame over max_frame_bytes is refused with 1009 as soon as its
// header is read; the test sends the header alone, claiming 1 GiB.
func TestWSOversizedFrame(t *testing.T) {
	cfg := testkit.Config()
	cfg.Limits.MaxFrameBytes = 1 << 20
	s := start(t, cfg, nil)
	c := s.DialWS(wsconn.EchoPath)
	c.WriteRaw([]byte{0x82, 0x80 | 127, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4}) // binary, 1 GiB, mask key
	c.ExpectClose(1009)
	if n := s.Metric("symscore_refusals_total", "limit=max_frame_bytes"); n != 1 {
		t.Errorf("refusals max_frame_bytes = %v, want 1", n)
	}

	// A frame of exactly the limit is fine.
	c = s.DialWS(wsconn.EchoPath)
	c.Echo(ws.OpBinary, make([]byte, 1<<20))
}

// TestWSOversizedMessage: a fragmented message over max_message_bytes is refused with 1009
// at the fragment that takes it over.
func TestWSOversizedMessage(t *testing.T) {
	cfg := testkit.Config()
	cfg.Limits.MaxFrameBytes = 64 << 10
	cfg.Limits.MaxMessageBytes = 100 << 10
	s := start(t, cfg, nil)

	c := s.DialWS(wsconn.EchoPath)
	chunk := make([]byte, 40<<10)
	c.Send(rawws.Frame{Op: ws.OpBinary, Fin: false, Payload: chunk})
	c.Send(rawws.Frame{Op: ws.OpContinuation, Fin: false, Payload: chunk})
	// Only the header of the third: 40 KiB more would make 120 KiB.
	c.WriteRaw(rawws.AppendFrame(nil, rawws.Frame{Op: ws.OpContinuation, Fin: true, Payload: chunk})[:8])
	c.ExpectClose(1009)
	if n := s.Metric("symscore_refusals_total", "limit=max_message_bytes"); n != 1 {
		t.Errorf("refusals max_message_bytes = %v, want 1", n)
	}

	// Exactly the limit, in fragments, is fine.
	c = s.DialWS(wsconn.EchoPath)
	msg := make([]byte, 100<<10)
	for i := range msg {
		msg[i] = byte(i * 7)
	}
	c.Send(rawws.Frame{Op: ws.OpBinary, Fin: false, Payload: msg[:50<<10]})
	c.Send(rawws.Frame{Op: ws.OpContinuation, Fin: true, Payload: msg[50<<10:]})
	if op, got := c.ReadMessage(); op != ws.OpBinary || string(got) != string(msg) {
		t.Fatalf("message of exactly max_message_bytes: %v %s", op, rawws.Clip(got))
	}
}

// TestWSPipelinedAfterHandshake: frames written in the same write as the upgrade request,
// before the client has read the response, are served.
func TestWSPipelinedAfterHandshake(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	c := s.Dial()
	b := []byte(rawws.UpgradeRequest(wsconn.EchoPath))
	b = rawws.AppendFrame(b, rawws.Frame{Op: ws.OpText, Fin: true, Payload: []byte("first")})
	b = rawws.AppendFrame(b, rawws.Frame{Op: ws.OpBinary, Fin: true, Payload: make([]byte, 5000)})
	c.WriteRaw(b)
	if resp := c.ReadResponse(); resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if op, p := c.ReadMessage(); op != ws.OpText || string(p) != "first" {
		t.Fatalf("first message: %v %q", op, p)
	}
	if op, p := c.ReadMessage(); op != ws.OpBinary || len(p) != 5000 {
		t.Fatalf("second message: %v %d bytes", op, len(p))
	}
}

// TestWSUpgradeRefusals: unknown WebSocket paths and the echo endpoint when it is off get
// 404; upgrades past max_connections get 503.
func TestWSUpgradeRefusals(t *testing.T) {
	t.Run("unknown path", func(t *testing.T) {
		s := start(t, testkit.Config(), nil)
		c := s.Dial()
		c.WriteRaw([]byte(rawws.UpgradeRequest("/symetry/ws/nope")))
		if resp := c.ReadResponse(); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("status %d, want 404", resp.StatusCode)
		}
	})
	t.Run("echo disabled", func(t *testing.T) {
		cfg := testkit.Config()
		cfg.Testing.EchoEndpoint = false
		s := start(t, cfg, nil)
		c := s.Dial()
		c.WriteRaw([]byte(rawws.UpgradeRequest(wsconn.EchoPath)))
		if resp := c.ReadResponse(); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("status %d, want 404", resp.StatusCode)
		}
	})
	t.Run("max connections", func(t *testing.T) {
		cfg := testkit.Config()
		cfg.Limits.MaxConnections = 2
		cfg.Limits.MaxUnauthenticatedConnections, cfg.Limits.MaxUnauthenticatedConnectionsPerAddress = 2, 2
		s := start(t, cfg, nil)
		c1 := s.DialWS(wsconn.EchoPath)
		s.DialWS(wsconn.EchoPath)
		c3 := s.Dial()
		c3.WriteRaw([]byte(rawws.UpgradeRequest(wsconn.EchoPath)))
		if resp := c3.ReadResponse(); resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("third connection: status %d, want 503", resp.StatusCode)
		}
		if n := s.Metric("symscore_refusals_total", "limit=max_connections"); n != 1 {
			t.Errorf("refusals max_connections = %v, want 1", n)
		}
		// REST requests past the limit get 503 too.
		c4 := s.Dial()
		c4.WriteRaw([]byte("GET /symetry/rest/c1/projects HTTP/1.1\r\nHost: x\r\n\r\n"))
		if resp := c4.ReadResponse(); resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("REST past the limit: status %d, want 503", resp.StatusCode)
		}
		c3.NC.Close()
		c4.NC.Close()
		// Once one closes, a new one gets in.
		c1.Send(rawws.Frame{Op: ws.OpClose, Fin: true})
		c1.ReadFrame()
		c1.ExpectEOF()
		var in *rawws.Client
		testenv.Eventually(t, "a free connection slot", func() bool {
			c := s.Dial()
			c.WriteRaw([]byte(rawws.UpgradeRequest(wsconn.EchoPath)))
			if c.ReadResponse().StatusCode != http.StatusSwitchingProtocols {
				c.NC.Close()
				return false
			}
			in = c
			return true
		})
		in.Echo(ws.OpText, []byte("in"))
	})
	t.Run("bad handshake", func(t *testing.T) {
		s := start(t, testkit.Config(), nil)
		c := s.Dial()
		c.WriteRaw([]byte("GET /symetry/ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n"))
		if resp := c.ReadResponse(); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("missing key: status %d, want 400", resp.StatusCode)
		}
	})
	t.Run("head too large", func(t *testing.T) {
		s := start(t, testkit.Config(), nil)
		c := s.Dial()
		c.WriteRaw([]byte("GET /symetry/ws/echo HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", wsconn.MaxHandshakeBytes) + "\r\n\r\n"))
		if resp := c.ReadResponse(); resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("status %d, want 431", resp.StatusCode)
		}
	})
}

// TestRESTHandoff: requests that are not WebSocket upgrades reach the REST handler (404 by
// default) with no byte lost, pipelined requests included.
func TestRESTHandoff(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	c := s.Dial()
	c.WriteRaw([]byte("GET /symetry/rest/a HTTP/1.1\r\nHost: x\r\n\r\nPOST /symetry/rest/b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /symetry/ws/echo HTTP/1.1\r\nHost: x\r\n\r\n"))
	for i := range 3 {
		if resp := c.ReadResponse(); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("request %d: status %d, want 404", i, resp.StatusCode)
		}
	}
	resp, err := http.Get("http://" + s.Addr() + "/symetry/rest/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("status %d", resp.StatusCode)
	}
	http.DefaultClient.CloseIdleConnections()
}
