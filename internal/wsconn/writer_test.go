package wsconn

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/wsframe"
)

// tcpPair returns the two ends of a loopback TCP connection.
func tcpPair(t *testing.T) (server, client net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan net.Conn)
	go func() {
		c, _ := ln.Accept()
		done <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-done
	t.Cleanup(func() { server.Close(); client.Close() })
	return server, client
}

// newTestWriter is a Writer on nc with limit and timeout whose flushers the test waits for.
func newTestWriter(t *testing.T, nc net.Conn, limit int, timeout time.Duration) *Writer {
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	w := &Writer{}
	w.init(nc, limit, timeout, func(f func()) { wg.Add(1); go func() { defer wg.Done(); f() }() })
	return w
}

func serverFrame(op ws.OpCode, payload []byte) []byte {
	return append(wsframe.AppendHeader(nil, true, op, len(payload), nil), payload...)
}

// readFrames reads server frames from r until n have come; it fails on a malformed one.
func readFrames(t *testing.T, r io.Reader, n int) [][]byte {
	t.Helper()
	br := bufio.NewReader(r)
	var out [][]byte
	for len(out) < n {
		h, err := ws.ReadHeader(br)
		if err != nil {
			t.Fatalf("frame %d: %v", len(out), err)
		}
		if h.Masked || !h.Fin {
			t.Fatalf("frame %d: header %+v", len(out), h)
		}
		p := make([]byte, h.Length)
		if _, err := io.ReadFull(br, p); err != nil {
			t.Fatalf("frame %d: %v", len(out), err)
		}
		out = append(out, p)
	}
	return out
}

// TestWriterOrderAndConcurrency: frames written by the reader goroutine (Write) and pushed
// by others (Push), with a client that reads slowly at first, all arrive whole; each
// writer's frames in the order it gave them; a frame larger than the queue, written
// directly, is not split by pushes.
func TestWriterOrderAndConcurrency(t *testing.T) {
	srv, cl := tcpPair(t)
	const limit = 256 << 10
	w := newTestWriter(t, srv, limit, 5*time.Second)
	const pushers, perPusher, writes = 4, 500, 300
	big := bytes.Repeat([]byte("B"), 2*limit)

	var wg sync.WaitGroup
	for p := range pushers {
		wg.Go(func() {
			for i := range perPusher {
				for w.Push(serverFrame(ws.OpBinary, fmt.Appendf(nil, "p%d-%d", p, i))) == errQueueFull {
					time.Sleep(time.Millisecond) // a test pusher that retries instead of giving up
				}
			}
		})
	}
	wg.Go(func() {
		for i := range writes {
			payload := fmt.Appendf(nil, "w-%d", i)
			if i == writes/2 {
				payload = big
			}
			if err := w.Write(serverFrame(ws.OpText, payload)); err != nil {
				t.Errorf("Write %d: %v", i, err)
				return
			}
		}
	})
	frames := readFrames(t, cl, pushers*perPusher+writes)
	wg.Wait()
	next := make(map[string]int)
	for _, f := range frames {
		if len(f) == len(big) {
			if !bytes.Equal(f, big) {
				t.Fatal("the large frame was corrupted")
			}
			next["w"]++
			continue
		}
		var who string
		var i int
		if f[0] == 'w' {
			who = "w"
			fmt.Sscanf(string(f), "w-%d", &i)
		} else {
			var p int
			fmt.Sscanf(string(f), "p%d-%d", &p, &i)
			who = fmt.Sprint("p", p)
		}
		if i != next[who] {
			t.Fatalf("%s: frame %d after %d", who, i, next[who]-1)
		}
		next[who]++
	}
}

// TestWriterQueueFull: with a client that does not read, Push refuses at once once the
// queue is full; Write waits up to the write timeout and then refuses too — as a full
// queue, or as a dead connection when the flusher's own write timed out first (the same
// timeout: either ends the connection).
func TestWriterQueueFull(t *testing.T) {
	srv, cl := tcpPair(t)
	srv.(*net.TCPConn).SetWriteBuffer(4 << 10)
	cl.(*net.TCPConn).SetReadBuffer(4 << 10)
	w := newTestWriter(t, srv, 64<<10, 200*time.Millisecond)
	frame := serverFrame(ws.OpBinary, make([]byte, 1000))
	var err error
	for range 100000 {
		if err = w.Push(frame); err != nil {
			break
		}
	}
	if err != errQueueFull {
		t.Fatalf("Push: %v, want errQueueFull", err)
	}
	start := time.Now()
	if err := w.Write(frame); err != errQueueFull && err != errWriterClosed {
		t.Fatalf("Write: %v, want errQueueFull or errWriterClosed", err)
	}
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Fatalf("Write refused after %v, before the write timeout", d)
	}
	srv.Close()
	w.Close()
}

// TestWriterFinal: after WriteFinal everything is refused, and what was queued before it
// went out first.
func TestWriterFinal(t *testing.T) {
	srv, cl := tcpPair(t)
	w := newTestWriter(t, srv, 64<<10, time.Second)
	if err := w.Write(serverFrame(ws.OpText, []byte("last reply"))); err != nil {
		t.Fatal(err)
	}
	if !w.WriteFinal(wsframe.AppendServerClose(nil, ws.StatusNormalClosure, "bye")) {
		t.Fatal("WriteFinal failed")
	}
	if err := w.Push(serverFrame(ws.OpText, []byte("late"))); err != errWriterClosed {
		t.Fatalf("Push after WriteFinal: %v", err)
	}
	if err := w.Write(serverFrame(ws.OpText, []byte("late"))); err != errWriterClosed {
		t.Fatalf("Write after WriteFinal: %v", err)
	}
	frames := readFrames(t, cl, 2)
	if string(frames[0]) != "last reply" || string(frames[1][2:]) != "bye" {
		t.Fatalf("frames %q", frames)
	}
}

// TestWriterWithoutRawConn: a connection with no RawConn (wrapped) goes through the
// flusher for every frame, in order.
func TestWriterWithoutRawConn(t *testing.T) {
	srv, cl := net.Pipe()
	defer srv.Close()
	w := newTestWriter(t, srv, 64<<10, time.Second)
	go func() {
		for i := range 100 {
			w.Write(serverFrame(ws.OpText, fmt.Appendf(nil, "%d", i)))
		}
	}()
	for i, f := range readFrames(t, cl, 100) {
		if string(f) != fmt.Sprint(i) {
			t.Fatalf("frame %d is %q", i, f)
		}
	}
	testenv.Eventually(t, "the flusher to finish", func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return !w.active
	})
}
