package rpcapi

import (
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/live"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/wslink"
)

// holdPeer is a Peer that keeps what it is sent, in order, and holds the sender of the
// first binary frame (an attachment) until release is called: a result stopped in the
// middle of its attachment sequence.
type holdPeer struct {
	peer
	held     chan struct{} // closed once the first binary frame's sender is held
	released chan struct{}
	hold     sync.Once
	free     sync.Once

	mu     sync.Mutex // guards frames
	frames []sentFrame
}

// sentFrame is one message the peer was sent.
type sentFrame struct {
	op   ws.OpCode
	data string
}

func newHoldPeer(t *testing.T) *holdPeer {
	p := &holdPeer{held: make(chan struct{}), released: make(chan struct{})}
	t.Cleanup(p.release) // a failed test leaves no sender held
	return p
}

func (p *holdPeer) release() { p.free.Do(func() { close(p.released) }) }

func (p *holdPeer) keep(op ws.OpCode, b []byte) {
	p.mu.Lock()
	p.frames = append(p.frames, sentFrame{op, string(b)})
	p.mu.Unlock()
}

// sent returns a copy of the frames kept so far.
func (p *holdPeer) sent() []sentFrame {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]sentFrame(nil), p.frames...)
}

func (p *holdPeer) Send(op ws.OpCode, b []byte) error { p.keep(op, b); return nil }

func (p *holdPeer) SendWait(op ws.OpCode, b []byte) error {
	if op == ws.OpBinary {
		first := false
		p.hold.Do(func() { first = true })
		if first {
			close(p.held)
			<-p.released
		}
	}
	p.keep(op, b)
	return nil
}

func (p *holdPeer) SendAll(op ws.OpCode, bs [][]byte) error {
	for _, b := range bs {
		p.keep(op, b)
	}
	return nil
}

// parkedOnMutex reports whether a goroutine whose stack includes fn is parked waiting
// for a sync.Mutex.
func parkedOnMutex(fn string) bool {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		if strings.Contains(g, "[sync.Mutex.Lock") && strings.Contains(g, fn) {
			return true
		}
	}
	return false
}

// TestPublicationBesideAttachments: in 1.x a result's attachments (an announcement, then
// its binary frames) and the result go out together, so that the client gives the
// attachments to the result: a publication delivered while a result is stopped inside
// that sequence waits, and goes out after the result. The result's sender is held on its
// first binary frame; the publication is delivered meanwhile and the sequence released
// once the publication has either been sent or is waiting for the send lock — so without
// the lock the publication comes between the attachment and the result, every time.
func TestPublicationBesideAttachments(t *testing.T) {
	p := newHoldPeer(t)
	s := &session{peer: p, format: wslink.FormatJSON}

	e := new(wslink.Encoder) // a result with one attachment, as predict_matrix's
	base := s.start(e, nil)
	e.BeginResult([]byte("rpc:c1:1"))
	e.Bin([]byte{1, 2, 3, 4, 5, 6, 7, 8})
	e.End()
	out := s.finish(e, base)
	key := string(e.Attachments()[0].Key)
	sent := make(chan error, 1)
	go func() { sent <- s.send(e, out) }()
	<-p.held

	w := &watch{s: s, key: "c1/p", pid: "p"}
	published := make(chan error, 1)
	go func() { published <- w.Deliver([]live.Message{{Kind: live.KindNames, Names: []string{"x"}}}) }()
	testenv.Eventually(t, "the publication sent, or waiting for the send lock", func() bool {
		return len(p.sent()) > 1 || parkedOnMutex("(*watch).Deliver")
	})
	p.release()
	if err := <-sent; err != nil {
		t.Fatalf("the result: %v", err)
	}
	if err := <-published; err != nil {
		t.Fatalf("the publication: %v", err)
	}

	want := []struct {
		op   ws.OpCode
		has  string
		what string
	}{
		{ws.OpText, `"method":"wslink.binary.attachment","args":["` + key + `"]`, "the attachment's announcement"},
		{ws.OpBinary, "\x01\x02\x03\x04\x05\x06\x07\x08", "the attachment"},
		{ws.OpText, `"id":"rpc:c1:1","result":"` + key + `"`, "the result"},
		{ws.OpText, `"id":"publish:symscore.names:0"`, "the publication"},
	}
	got := p.sent()
	if len(got) != len(want) {
		t.Fatalf("%d frames sent, want %d: %q", len(got), len(want), got)
	}
	for i, f := range want {
		if got[i].op != f.op || !strings.Contains(got[i].data, f.has) {
			t.Errorf("frame %d is %v %q, want %s (%v, with %q)", i, got[i].op, got[i].data, f.what, f.op, f.has)
		}
	}
}
