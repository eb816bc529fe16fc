package client_test

import (
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"github.com/symscore/symscore/client"
)

// fakeServer accepts one WebSocket connection and runs script on it: a peer that can
// misbehave in ways symscore does not.
func fakeServer(t *testing.T, script func(conn net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		if _, err := ws.Upgrade(conn); err != nil {
			t.Errorf("fake server upgrade: %v", err)
			return
		}
		script(conn)
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return "http://" + ln.Addr().String()
}

// readText reads one client message, answering nothing.
func readText(t *testing.T, conn net.Conn) string {
	msg, op, err := wsutil.ReadClientData(conn)
	if err != nil {
		return ""
	}
	if op != ws.OpText {
		t.Errorf("client sent opcode %v", op)
	}
	return string(msg)
}

const okReply = `{"statusCode":"OK","statusString":"OK","values":{}}`

func TestSessionAgainstMisbehavingPeers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		script func(t *testing.T, conn net.Conn)
		// check gets the first message's outcome and the second's.
		want1, want2 string // substrings of the errors; "" means OK
		closeCode    int    // the *CloseError of the second message, if any
		// timeout is the client's (WithTimeout): short where the case waits it out, else
		// 10 s, so that a loaded machine's slow handshake or reply is no failure.
		timeout time.Duration
	}{
		{
			name: "fragmented reply with a ping inside",
			script: func(t *testing.T, conn net.Conn) {
				readText(t, conn)
				half := len(okReply) / 2
				ws.WriteFrame(conn, ws.NewFrame(ws.OpText, false, []byte(okReply[:half])))
				ws.WriteFrame(conn, ws.NewPingFrame([]byte("hi")))
				ws.WriteFrame(conn, ws.NewFrame(ws.OpContinuation, true, []byte(okReply[half:])))
				// The client answers the ping with a pong carrying its payload.
				h, err := ws.ReadHeader(conn)
				if err != nil || h.OpCode != ws.OpPong || h.Length != 2 {
					t.Errorf("after a ping the client sent %+v, %v; want a pong", h, err)
				}
				io.CopyN(io.Discard, conn, h.Length)
				readText(t, conn)
				wsutil.WriteServerText(conn, []byte(okReply))
				readText(t, conn) // the close frame
			},
		},
		{
			name: "no reply",
			script: func(t *testing.T, conn net.Conn) {
				readText(t, conn)
				readText(t, conn)
				io.Copy(io.Discard, conn)
			},
			want1: "no reply within", want2: "no reply within", timeout: 300 * time.Millisecond,
		},
		{
			name: "binary reply",
			script: func(t *testing.T, conn net.Conn) {
				readText(t, conn)
				wsutil.WriteServerBinary(conn, []byte(okReply))
				io.Copy(io.Discard, conn)
			},
			want1: "replies are text", want2: "replies are text",
		},
		{
			name: "reply that is not an envelope",
			script: func(t *testing.T, conn net.Conn) {
				readText(t, conn)
				wsutil.WriteServerText(conn, []byte(`{"hello":1}`))
				readText(t, conn)
				wsutil.WriteServerText(conn, []byte(okReply))
				readText(t, conn)
			},
			want1: "not an envelope",
		},
		{
			name: "close while messages are in flight",
			script: func(t *testing.T, conn net.Conn) {
				readText(t, conn)
				wsutil.WriteServerText(conn, []byte(`{"statusCode":"SERVICE_UNAVAILABLE","statusString":"shutting down","values":{}}`))
				ws.WriteFrame(conn, ws.NewCloseFrame(ws.NewCloseFrameBody(ws.StatusGoingAway, "bye")))
				io.Copy(io.Discard, conn)
			},
			want1: "SERVICE_UNAVAILABLE (503): shutting down", want2: "status 1001 (going away): bye", closeCode: 1001,
		},
		{
			name: "reply nobody asked for",
			script: func(t *testing.T, conn net.Conn) {
				readText(t, conn)
				wsutil.WriteServerText(conn, []byte(okReply))
				wsutil.WriteServerText(conn, []byte(okReply))
				wsutil.WriteServerText(conn, []byte(okReply))
				io.Copy(io.Discard, conn)
			},
			want2: "no message in flight",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := fakeServer(t, func(conn net.Conn) { tc.script(t, conn) })
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 10 * time.Second
			}
			c, err := client.New(base, cid1, secret1, client.WithTimeout(timeout))
			if err != nil {
				t.Fatal(err)
			}
			s, err := c.OpenLearn(ctxT(t), "p")
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			_, err1 := s.Send([]byte(`{"a":1}`)).Wait()
			check(t, "first message", err1, tc.want1)
			if tc.name == "reply nobody asked for" {
				// Let the unasked replies arrive before the second message is sent.
				select {
				case <-s.Done():
				case <-time.After(10 * time.Second):
					t.Fatal("the session goes on after a reply nobody asked for")
				}
			}
			_, err2 := s.Send([]byte(`{"a":2}`)).Wait()
			check(t, "second message", err2, tc.want2)
			var ce *client.CloseError
			if tc.closeCode != 0 && (!errors.As(err2, &ce) || ce.Code != tc.closeCode) {
				t.Errorf("second message: %v, want a *CloseError %d", err2, tc.closeCode)
			}
		})
	}
}

func check(t *testing.T, what string, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("%s: %v", what, err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Errorf("%s: error %v, want one with %q", what, err, want)
	}
}

func TestOpenSessionRefusedUpgrade(t *testing.T) {
	ts := startServer(t, nil, nil)
	c := newClient(t, ts, secret1)
	_, err := c.OpenSession(ctxT(t), "/symetry/ws/nope", "p")
	se := statusError(t, err)
	if se.HTTPCode != 404 {
		t.Errorf("upgrade of an unknown path: %v, want HTTP 404", err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	c, _ = client.New("http://"+addr, cid1, secret1)
	if _, err := c.OpenLearn(ctxT(t), "p"); err == nil || !strings.Contains(err.Error(), "cannot open ws://"+addr+"/symetry/ws/learn") {
		t.Errorf("dial of a closed port: %v", err)
	}
}
