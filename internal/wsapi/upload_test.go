package wsapi

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/metrics"
	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/wsconn"
	"github.com/symscore/symscore/protocol"
)

// uploadSession is an upload of size bytes announced for project p of c1, and a session
// of /symetry/ws/upload.
func uploadSession(t *testing.T, size int64) (*inProcess, string, func(op ws.OpCode, msg []byte) (string, ws.StatusCode), wsconn.Session, *peer) {
	t.Helper()
	ip := newInProcess(t, "", "")
	c := customer(t, ip.svc)
	if err := ip.svc.Create(c, "p", "", nil); err != nil {
		t.Fatal(err)
	}
	st, err := ip.svc.Announce(c, ops.AnnounceArgs{PID: "p", Name: "f.csv", Format: "csv", Size: size})
	if err != nil {
		t.Fatal(err)
	}
	p := newPeer(PathUpload)
	sess := Endpoints(Options{Service: ip.svc, Metrics: metrics.New()})[PathUpload].NewSession(p)
	t.Cleanup(sess.Close) // before the service closes
	return ip, st.ID, func(op ws.OpCode, msg []byte) (string, ws.StatusCode) {
		out, rop, closeCode := sess.HandleMessage(op, msg, ip.reply[:0], ip.arrive())
		switch rop {
		case ws.OpText:
			return string(out), closeCode
		case 0: // answered once durable, by the session's sender
			return string(p.next(nil)), closeCode
		}
		t.Fatalf("reply opcode %v", rop)
		return "", 0
	}, sess, p
}

// TestUploadSession: a binary message before the first signed one closes with 1008; the
// first message binds the upload (payload {}), then chunks are answered with their
// position, length and the bytes received; a text message after the first, a short chunk,
// a chunk past the size are refused and the connection kept.
func TestUploadSession(t *testing.T) {
	_, _, send, _, _ := uploadSession(t, 10)
	url := "ws://" + testkit.SymHost + PathUpload
	if r, code := send(ws.OpBinary, protocol.AppendChunk(nil, 0, []byte("abc"))); code != ws.StatusPolicyViolation || !strings.Contains(r, "BAD_REQUEST") {
		t.Fatalf("a chunk before the first message: %s, close %d", r, code)
	}
	ip, id, send, _, _ := uploadSession(t, 10)
	if r, code := send(ws.OpText, ip.signer.AppendWSMessage(nil, url, []string{id}, []byte(`{"x":1}`))); code != 0 || !strings.Contains(r, "payload {}") {
		t.Fatalf("a first message with a payload: %s", r)
	}
	if r, _ := send(ws.OpText, ip.signer.AppendWSMessage(nil, url, []string{"nope"}, []byte(`{}`))); !strings.Contains(r, "cannot find upload") {
		t.Fatalf("an unknown upload: %s", r)
	}
	want := `{"statusCode":"OK","statusString":"OK","values":{"uploadId":"` + id + `","size":10,"received":0}}`
	if r, _ := send(ws.OpText, ip.signer.AppendWSMessage(nil, url, []string{id}, []byte(`{}`))); r != want {
		t.Fatalf("bind: %s", r)
	}
	if r, _ := send(ws.OpBinary, protocol.AppendChunk(nil, 7, []byte("hij"))); r != `{"statusCode":"OK","statusString":"OK","values":{"position":7,"length":3,"received":3}}` {
		t.Fatalf("chunk: %s", r)
	}
	for _, c := range []struct {
		op   ws.OpCode
		msg  []byte
		want string
	}{
		{ws.OpText, []byte(`{}`), "binary chunks only"},
		{ws.OpText, ip.signer.AppendWSMessage(nil, url, []string{id}, []byte(`{}`)), "binary chunks only"},
		{ws.OpBinary, []byte{0, 0, 0}, "shorter than 8 bytes"},
		{ws.OpBinary, protocol.AppendChunk(nil, 8, []byte("xyz")), "past the upload's size"},
		{ws.OpBinary, protocol.AppendChunk(nil, 6, []byte("gX")), `"CONFLICT"`},
	} {
		if r, code := send(c.op, c.msg); code != 0 || !strings.Contains(r, c.want) {
			t.Fatalf("%q: %s (close %d), want %q", c.msg, r, code, c.want)
		}
	}
	if r, _ := send(ws.OpBinary, protocol.AppendChunk(nil, 0, []byte("abcdefg"))); !strings.Contains(r, `"received":10`) {
		t.Fatalf("the rest: %s", r)
	}
}

// TestUploadChunkAllocs: a chunk, read, written durably (durability always) and answered,
// allocates nothing once the session is warm.
func TestUploadChunkAllocs(t *testing.T) {
	testenv.SkipAllocs(t)
	const n = 64 << 10
	ip, id, send, sess, p := uploadSession(t, 400*n)
	send(ws.OpText, ip.signer.AppendWSMessage(nil, "ws://"+testkit.SymHost+PathUpload, []string{id}, []byte(`{}`)))
	chunk := protocol.AppendChunk(nil, 0, make([]byte, n))
	pos := int64(0)
	ok := []byte(`{"statusCode":"OK"`)
	got := make([]byte, 0, 4096)
	next := func() {
		chunk = protocol.AppendChunk(chunk[:0], pos, chunk[8:])
		out, op, _ := sess.HandleMessage(ws.OpBinary, chunk, ip.reply[:0], ip.arrive())
		if op == 0 {
			out = p.next(got[:0])
		}
		if !bytes.HasPrefix(out, ok) {
			t.Fatalf("chunk at %d: %s", pos, out)
		}
		pos += n
	}
	for range 10 {
		next()
	}
	if a := testing.AllocsPerRun(100, next); a != 0 {
		t.Fatalf("%v allocations per chunk", a)
	}
}

// TestUploadRepliesInOrder: chunks sent without waiting are answered in their order, a
// refused one (a conflict) in its place among those awaiting durability. A reply given at
// once (nothing awaiting durability) must come after every reply queued before it: each is
// sent already.
func TestUploadRepliesInOrder(t *testing.T) {
	ip, id, send, sess, p := uploadSession(t, 100)
	send(ws.OpText, ip.signer.AppendWSMessage(nil, "ws://"+testkit.SymHost+PathUpload, []string{id}, []byte(`{}`)))
	sentBefore := p.written()
	var want []string
	queued := 0
	for i, c := range []struct {
		pos  int64
		data string
	}{{0, "0123456789"}, {10, "abcdefghij"}, {5, "XXXXX"}, {20, "klmno"}, {0, "0123"}} {
		out, op, _ := sess.HandleMessage(ws.OpBinary, protocol.AppendChunk(nil, c.pos, []byte(c.data)), ip.reply[:0], ip.arrive())
		if op == ws.OpText {
			if n := p.written() - sentBefore; n != queued {
				t.Fatalf("chunk %d answered at once with %d of the %d replies queued before it unsent: %s", i, queued-n, queued, out)
			}
			want = append(want, string(out))
			continue
		}
		queued++
		want = append(want, "")
	}
	for i := range want {
		if want[i] == "" {
			want[i] = string(p.next(nil))
		}
	}
	for i, part := range []string{`"position":0,"length":10`, `"position":10,"length":10`, `"CONFLICT"`, `"position":20,"length":5,"received":25`, `"position":0,"length":4,"received":25`} {
		if !strings.Contains(want[i], part) {
			t.Fatalf("reply %d is %s, want %s (replies %q)", i, want[i], part, want)
		}
	}
}
