package server

import (
	"encoding/binary"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/gobwas/ws"
)

func closePayload(code ws.StatusCode, reason string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, uint16(code)), reason...)
}

// TestWSProtocolViolations sends each kind of frame RFC 6455 forbids and checks the close
// status the server answers with, and that it then closes TCP.
func TestWSProtocolViolations(t *testing.T) {
	s := startWSServer(t, wsTestConfig(), nil)
	hello := []byte("hello")
	cases := []struct {
		name   string
		frames []frame
		want   ws.StatusCode
	}{
		{"rsv1", []frame{{op: ws.OpText, fin: true, rsv: 4, payload: hello}}, 1002},
		{"rsv2", []frame{{op: ws.OpText, fin: true, rsv: 2, payload: hello}}, 1002},
		{"rsv3", []frame{{op: ws.OpBinary, fin: true, rsv: 1, payload: hello}}, 1002},
		{"rsv on ping", []frame{{op: ws.OpPing, fin: true, rsv: 7}}, 1002},
		{"opcode 3", []frame{{op: 3, fin: true, payload: hello}}, 1002},
		{"opcode 4", []frame{{op: 4, fin: true}}, 1002},
		{"opcode 5", []frame{{op: 5, fin: true}}, 1002},
		{"opcode 6", []frame{{op: 6, fin: true}}, 1002},
		{"opcode 7", []frame{{op: 7, fin: true}}, 1002},
		{"opcode 0xB", []frame{{op: 0xB, fin: true}}, 1002},
		{"opcode 0xC", []frame{{op: 0xC, fin: true}}, 1002},
		{"opcode 0xD", []frame{{op: 0xD, fin: true}}, 1002},
		{"opcode 0xE", []frame{{op: 0xE, fin: true}}, 1002},
		{"opcode 0xF", []frame{{op: 0xF, fin: true, payload: hello}}, 1002},
		{"unmasked text", []frame{{op: ws.OpText, fin: true, unmasked: true, payload: hello}}, 1002},
		{"unmasked ping", []frame{{op: ws.OpPing, fin: true, unmasked: true}}, 1002},
		{"unmasked after a good message", []frame{
			{op: ws.OpText, fin: true, payload: hello},
			{op: ws.OpText, fin: true, unmasked: true, payload: hello}}, 1002},
		{"ping over 125 bytes", []frame{{op: ws.OpPing, fin: true, payload: make([]byte, 126)}}, 1002},
		{"pong over 125 bytes", []frame{{op: ws.OpPong, fin: true, payload: make([]byte, 200)}}, 1002},
		{"close over 125 bytes", []frame{{op: ws.OpClose, fin: true, payload: closePayload(1000, strings.Repeat("x", 124))}}, 1002},
		{"fragmented ping", []frame{{op: ws.OpPing, fin: false, payload: hello}, {op: ws.OpContinuation, fin: true}}, 1002},
		{"fragmented close", []frame{{op: ws.OpClose, fin: false, payload: closePayload(1000, "")}}, 1002},
		{"continuation without start", []frame{{op: ws.OpContinuation, fin: true, payload: hello}}, 1002},
		{"continuation after a complete message", []frame{
			{op: ws.OpText, fin: true, payload: hello},
			{op: ws.OpContinuation, fin: false, payload: hello}}, 1002},
		{"text inside fragmented text", []frame{
			{op: ws.OpText, fin: false, payload: hello},
			{op: ws.OpText, fin: true, payload: hello}}, 1002},
		{"binary inside fragmented text", []frame{
			{op: ws.OpText, fin: false, payload: hello},
			{op: ws.OpBinary, fin: true, payload: hello}}, 1002},
		{"text inside fragmented binary", []frame{
			{op: ws.OpBinary, fin: false, payload: hello},
			{op: ws.OpContinuation, fin: false, payload: hello},
			{op: ws.OpText, fin: true, payload: hello}}, 1002},
		{"invalid UTF-8 text", []frame{{op: ws.OpText, fin: true, payload: []byte("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited")}}, 1007},
		{"overlong UTF-8", []frame{{op: ws.OpText, fin: true, payload: []byte("\xc0\xaf")}}, 1007},
		{"truncated UTF-8 at message end", []frame{{op: ws.OpText, fin: true, payload: []byte("ok\xe2\x82")}}, 1007},
		{"truncated UTF-8 at end of fragmented message", []frame{
			{op: ws.OpText, fin: false, payload: []byte("ok\xf0\x9f")},
			{op: ws.OpContinuation, fin: true, payload: []byte("\x98")}}, 1007},
		{"close with 1-byte payload", []frame{{op: ws.OpClose, fin: true, payload: []byte{3}}}, 1002},
		{"close reason not UTF-8", []frame{{op: ws.OpClose, fin: true, payload: closePayload(1000, "\xff\xfe")}}, 1002},
	}
	for _, code := range []ws.StatusCode{0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535} {
		cases = append(cases, struct {
			name   string
			frames []frame
			want   ws.StatusCode
		}{"close code " + strconv.Itoa(int(code)), []frame{{op: ws.OpClose, fin: true, payload: closePayload(code, "")}}, 1002})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := dialWS(t, s, echoPath)
			var b []byte
			for _, f := range tc.frames {
				b = appendClientFrame(b, f)
			}
			c.writeRaw(b)
			// A complete message before the violation is answered normally.
			if f := tc.frames[0]; len(tc.frames) > 1 && f.fin && f.op == ws.OpText {
				if op, p := c.readMessage(); op != ws.OpText || string(p) != "hello" {
					t.Fatalf("echo before the violation: %v %q", op, p)
				}
			}
			c.expectClose(tc.want)
		})
	}
	if n := metricValue(t, s, "symscore_ws_close_frames_sent_total", "code=1002"); n < 30 {
		t.Errorf("close frames 1002 counted: %v", n)
	}
}

// TestWSCloseHandshake checks that a client's close is answered with the same status code
// (an empty close with an empty one) and that the server then closes TCP.
func TestWSCloseHandshake(t *testing.T) {
	s := startWSServer(t, wsTestConfig(), nil)
	for _, code := range []ws.StatusCode{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999} {
		t.Run(strconv.Itoa(int(code)), func(t *testing.T) {
			c := dialWS(t, s, echoPath)
			c.send(frame{op: ws.OpClose, fin: true, payload: closePayload(code, "bye, καλημέρα")})
			h, p, err := c.readFrame()
			if err != nil || h.OpCode != ws.OpClose || len(p) != 2 || ws.StatusCode(binary.BigEndian.Uint16(p)) != code {
				t.Fatalf("close reply: %+v %q %v; want code %d", h, p, err, code)
			}
			c.expectEOF()
		})
	}
	t.Run("empty", func(t *testing.T) {
		c := dialWS(t, s, echoPath)
		c.send(frame{op: ws.OpClose, fin: true})
		h, p, err := c.readFrame()
		if err != nil || h.OpCode != ws.OpClose || len(p) != 0 {
			t.Fatalf("close reply: %+v %q %v; want an empty close", h, p, err)
		}
		c.expectEOF()
	})
	t.Run("after pipelined messages", func(t *testing.T) {
		c := dialWS(t, s, echoPath)
		var b []byte
		for i := range 50 {
			b = appendClientFrame(b, frame{op: ws.OpBinary, fin: true, payload: []byte{byte(i)}})
		}
		b = appendClientFrame(b, frame{op: ws.OpClose, fin: true, payload: closePayload(1000, "")})
		c.writeRaw(b)
		for i := range 50 {
			if op, p := c.readMessage(); op != ws.OpBinary || len(p) != 1 || p[0] != byte(i) {
				t.Fatalf("reply %d: %v %v", i, op, p)
			}
		}
		c.expectClose(1000)
	})
}

// TestWSPingPong: pings are answered with the same payload, also between the fragments of
// a message; unsolicited pongs are ignored.
func TestWSPingPong(t *testing.T) {
	s := startWSServer(t, wsTestConfig(), nil)
	c := dialWS(t, s, echoPath)

	for _, p := range [][]byte{nil, []byte("x"), []byte(strings.Repeat("p", 125))} {
		c.send(frame{op: ws.OpPing, fin: true, payload: p})
		if op, got := c.readMessage(); op != ws.OpPong || string(got) != string(p) {
			t.Fatalf("pong: %v %q, want %q", op, got, p)
		}
	}

	// Between fragments: the pong comes first, the message after its last fragment.
	b := appendClientFrame(nil, frame{op: ws.OpText, fin: false, payload: []byte("frag-")})
	b = appendClientFrame(b, frame{op: ws.OpPing, fin: true, payload: []byte("mid")})
	b = appendClientFrame(b, frame{op: ws.OpContinuation, fin: false, payload: []byte("men")})
	b = appendClientFrame(b, frame{op: ws.OpPong, fin: true, payload: []byte("unsolicited")})
	b = appendClientFrame(b, frame{op: ws.OpContinuation, fin: true, payload: []byte("ted")})
	c.writeRaw(b)
	if op, got := c.readMessage(); op != ws.OpPong || string(got) != "mid" {
		t.Fatalf("pong between fragments: %v %q", op, got)
	}
	if op, got := c.readMessage(); op != ws.OpText || string(got) != "frag-mented" {
		t.Fatalf("reassembled message: %v %q", op, got)
	}

	// An unsolicited pong gets nothing: the next frame read is the echo of the next message.
	c.send(frame{op: ws.OpPong, fin: true, payload: []byte("ignored")})
	c.echo(ws.OpBinary, []byte{0, 1, 2})
}

// TestWSInvalidUTF8FailsFast: invalid text in a fragmented message is refused (1007) at the
// fragment that makes it invalid, before the message's last fragment is sent.
func TestWSInvalidUTF8FailsFast(t *testing.T) {
	s := startWSServer(t, wsTestConfig(), nil)
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
			c := dialWS(t, s, echoPath)
			for i, p := range tc.parts {
				op := ws.OpContinuation
				if i == 0 {
					op = ws.OpText
				}
				c.send(frame{op: op, fin: false, payload: []byte(p)})
			}
			// The final fragment is never sent: the close must come without it.
			c.expectClose(1007)
		})
	}

	t.Run("valid text split everywhere", func(t *testing.T) {
		c := dialWS(t, s, echoPath)
		text := "κόσμε 😀 ñ €"
		for i := 0; i < len(text); i++ {
			op := ws.OpContinuation
			if i == 0 {
				op = ws.OpText
			}
			c.send(frame{op: op, fin: i == len(text)-1, payload: []byte(text[i : i+1])})
		}
		if op, got := c.readMessage(); op != ws.OpText || string(got) != text {
			t.Fatalf("got %v %q", op, got)
		}
	})
}

// TestWSOversizedFrame: a frame over max_frame_bytes is refused with 1009 as soon as its
// header is read; the test sends the header alone, claiming 1 GiB.
func TestWSOversizedFrame(t *testing.T) {
	cfg := wsTestConfig()
	cfg.Limits.MaxFrameBytes = 1 << 20
	s := startWSServer(t, cfg, nil)
	c := dialWS(t, s, echoPath)
	c.writeRaw([]byte{0x82, 0x80 | 127, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4}) // binary, 1 GiB, mask key
	c.expectClose(1009)
	if n := metricValue(t, s, "symscore_refusals_total", "limit=max_frame_bytes"); n != 1 {
		t.Errorf("refusals max_frame_bytes = %v, want 1", n)
	}

	// A frame of exactly the limit is fine.
	c = dialWS(t, s, echoPath)
	c.echo(ws.OpBinary, make([]byte, 1<<20))
}

// TestWSOversizedMessage: a fragmented message over max_message_bytes is refused with 1009
// at the fragment that takes it over.
func TestWSOversizedMessage(t *testing.T) {
	cfg := wsTestConfig()
	cfg.Limits.MaxFrameBytes = 64 << 10
	cfg.Limits.MaxMessageBytes = 100 << 10
	s := startWSServer(t, cfg, nil)

	c := dialWS(t, s, echoPath)
	chunk := make([]byte, 40<<10)
	c.send(frame{op: ws.OpBinary, fin: false, payload: chunk})
	c.send(frame{op: ws.OpContinuation, fin: false, payload: chunk})
	// Only the header of the third: 40 KiB more would make 120 KiB.
	c.writeRaw(appendClientFrame(nil, frame{op: ws.OpContinuation, fin: true, payload: chunk})[:8])
	c.expectClose(1009)
	if n := metricValue(t, s, "symscore_refusals_total", "limit=max_message_bytes"); n != 1 {
		t.Errorf("refusals max_message_bytes = %v, want 1", n)
	}

	// Exactly the limit, in fragments, is fine.
	c = dialWS(t, s, echoPath)
	msg := make([]byte, 100<<10)
	for i := range msg {
		msg[i] = byte(i * 7)
	}
	c.send(frame{op: ws.OpBinary, fin: false, payload: msg[:50<<10]})
	c.send(frame{op: ws.OpContinuation, fin: true, payload: msg[50<<10:]})
	if op, got := c.readMessage(); op != ws.OpBinary || string(got) != string(msg) {
		t.Fatalf("message of exactly max_message_bytes: %v %s", op, clip(got))
	}
}

// TestWSPipelinedAfterHandshake: frames written in the same write as the upgrade request,
// before the client has read the response, are served.
func TestWSPipelinedAfterHandshake(t *testing.T) {
	s := startWSServer(t, wsTestConfig(), nil)
	c := dial(t, s)
	b := []byte(upgradeRequest(echoPath))
	b = appendClientFrame(b, frame{op: ws.OpText, fin: true, payload: []byte("first")})
	b = appendClientFrame(b, frame{op: ws.OpBinary, fin: true, payload: make([]byte, 5000)})
	c.writeRaw(b)
	if resp := c.readResponse(); resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if op, p := c.readMessage(); op != ws.OpText || string(p) != "first" {
		t.Fatalf("first message: %v %q", op, p)
	}
	if op, p := c.readMessage(); op != ws.OpBinary || len(p) != 5000 {
		t.Fatalf("second message: %v %d bytes", op, len(p))
	}
}

// TestWSUpgradeRefusals: unknown WebSocket paths and the echo endpoint when it is off get
// 404; upgrades past max_connections get 503.
func TestWSUpgradeRefusals(t *testing.T) {
	t.Run("unknown path", func(t *testing.T) {
		s := startWSServer(t, wsTestConfig(), nil)
		c := dial(t, s)
		c.writeRaw([]byte(upgradeRequest("/symetry/ws/nope")))
		if resp := c.readResponse(); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("status %d, want 404", resp.StatusCode)
		}
	})
	t.Run("echo disabled", func(t *testing.T) {
		cfg := wsTestConfig()
		cfg.Testing.EchoEndpoint = false
		s := startWSServer(t, cfg, nil)
		c := dial(t, s)
		c.writeRaw([]byte(upgradeRequest(echoPath)))
		if resp := c.readResponse(); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("status %d, want 404", resp.StatusCode)
		}
	})
	t.Run("max connections", func(t *testing.T) {
		cfg := wsTestConfig()
		cfg.Limits.MaxConnections = 2
		s := startWSServer(t, cfg, nil)
		c1 := dialWS(t, s, echoPath)
		dialWS(t, s, echoPath)
		c3 := dial(t, s)
		c3.writeRaw([]byte(upgradeRequest(echoPath)))
		if resp := c3.readResponse(); resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("third connection: status %d, want 503", resp.StatusCode)
		}
		if n := metricValue(t, s, "symscore_refusals_total", "limit=max_connections"); n != 1 {
			t.Errorf("refusals max_connections = %v, want 1", n)
		}
		// REST requests past the limit get 503 too.
		c4 := dial(t, s)
		c4.writeRaw([]byte("GET /symetry/rest/c1/projects HTTP/1.1\r\nHost: x\r\n\r\n"))
		if resp := c4.readResponse(); resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("REST past the limit: status %d, want 503", resp.StatusCode)
		}
		c3.nc.Close()
		c4.nc.Close()
		// Once one closes, a new one gets in.
		c1.send(frame{op: ws.OpClose, fin: true})
		c1.readFrame()
		c1.expectEOF()
		eventually(t, "a free connection slot", func() bool {
			return listenerOf(t, s).open.Load() < 2
		})
		dialWS(t, s, echoPath).echo(ws.OpText, []byte("in"))
	})
	t.Run("bad handshake", func(t *testing.T) {
		s := startWSServer(t, wsTestConfig(), nil)
		c := dial(t, s)
		c.writeRaw([]byte("GET /symetry/ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n"))
		if resp := c.readResponse(); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("missing key: status %d, want 400", resp.StatusCode)
		}
	})
	t.Run("head too large", func(t *testing.T) {
		s := startWSServer(t, wsTestConfig(), nil)
		c := dial(t, s)
		c.writeRaw([]byte("GET /symetry/ws/echo HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", maxHandshakeBytes) + "\r\n\r\n"))
		if resp := c.readResponse(); resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("status %d, want 431", resp.StatusCode)
		}
	})
}

// TestRESTHandoff: requests that are not WebSocket upgrades reach the REST handler (404 by
// default) with no byte lost, pipelined requests included.
func TestRESTHandoff(t *testing.T) {
	s := startWSServer(t, wsTestConfig(), nil)
	c := dial(t, s)
	c.writeRaw([]byte("GET /symetry/rest/a HTTP/1.1\r\nHost: x\r\n\r\nPOST /symetry/rest/b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /symetry/ws/echo HTTP/1.1\r\nHost: x\r\n\r\n"))
	for i := range 3 {
		if resp := c.readResponse(); resp.StatusCode != http.StatusNotFound {
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
