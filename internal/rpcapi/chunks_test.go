package rpcapi_test

import (
	"encoding/binary"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/gobwas/ws"
	"github.com/tinylib/msgp/msgp"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit/rawws"
	"github.com/symscore/symscore/internal/testkit/wslinkc"
	"github.com/symscore/symscore/server"
)

// chunk is one 2.x frame: header and bytes.
func chunk(id uint32, off, size int, body []byte) []byte {
	var h [12]byte
	binary.LittleEndian.PutUint32(h[:], id)
	binary.LittleEndian.PutUint32(h[4:], uint32(off))
	binary.LittleEndian.PutUint32(h[8:], uint32(size))
	return append(h[:], body...)
}

// TestChunkedDataFrame: a learn of a 5 MiB DataFrame, which the client splits at 64 KiB,
// is reassembled and learned whole.
func TestChunkedDataFrame(t *testing.T) {
	s := start(t, nil)
	c := signedIn(t, s, 2)
	c.ChunkSize = 64 << 10
	must(t, c, "symscore.project.create", "big", "cpu", nil)
	var data []any
	for i := range 400_000 {
		data = append(data, strs(strconv.FormatFloat(float64(i)*1.25, 'g', -1, 64), strconv.Itoa(i%7), strconv.Itoa(i%2)))
	}
	frame := map[string]any{"attributeNames": strs("x", "z", "b"), "attributeTypes": strs("C", "C", "B"), "data": data}
	if enc, _ := msgp.AppendIntf(nil, frame); len(enc) < 5<<20 {
		t.Fatalf("the DataFrame is %d bytes, not 5 MiB", len(enc))
	}
	must(t, c, "symscore.learn", "big", frame)
	if rows := must(t, c, "symscore.project.info", "big").(map[string]any)["rows"]; wslinkc.Number(rows) != float64(len(data)) {
		t.Fatalf("%v rows learned, want %d", rows, len(data))
	}
}

// TestChunksInterleavedOutOfOrder: two messages' chunks interleaved and each message's in
// reverse order are both reassembled and answered.
func TestChunksInterleavedOutOfOrder(t *testing.T) {
	s := start(t, nil)
	c := signedIn(t, s, 2)
	var frames [][]byte
	for i, id := range []uint32{7, 8} {
		msg, _ := msgp.AppendIntf(nil, map[string]any{"wslink": "1.0", "id": "rpc:x:" + strconv.Itoa(i), "method": "symscore.project.list",
			"args": []any{}, "kwargs": map[string]any{}})
		var parts [][]byte
		for off := 0; off < len(msg); off += 10 {
			parts = append([][]byte{chunk(id, off, len(msg), msg[off:min(off+10, len(msg))])}, parts...)
		}
		c.Expect("rpc:x:" + strconv.Itoa(i))
		frames = append(frames, parts...)
	}
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(frames), func(i, j int) { frames[i], frames[j] = frames[j], frames[i] })
	for _, f := range frames {
		c.Raw.NC.Write(rawws.AppendFrame(nil, rawws.Frame{Op: ws.OpBinary, Fin: true, Payload: f}))
	}
	for i := range 2 {
		if r := c.Wait("rpc:x:" + strconv.Itoa(i)); r.Error != nil {
			t.Fatalf("message %d: %v", i, r.Error)
		}
	}
}

// TestFramingViolations: what breaks the framing closes the connection: a text frame on a
// 2.x connection (1003), a malformed chunk (1007), a message over limits.max_message_bytes
// (1009), one over 64 KiB before the hello (1009), a 1.x binary frame nobody announced
// (1003).
func TestFramingViolations(t *testing.T) {
	s := start(t, func(c *config.Config) { c.Limits.MaxMessageBytes = 1 << 20; c.Limits.MaxFrameBytes = 1 << 20 })
	send := func(c *wslinkc.Client, op ws.OpCode, p []byte) {
		c.Raw.NC.Write(rawws.AppendFrame(nil, rawws.Frame{Op: op, Fin: true, Payload: p}))
	}
	cases := []struct {
		name   string
		ver    wslinkc.Version
		hello  bool
		frames func(c *wslinkc.Client)
		code   ws.StatusCode
	}{
		{"text on 2.x", 2, true, func(c *wslinkc.Client) { send(c, ws.OpText, []byte(`{}`)) }, ws.StatusUnsupportedData},
		{"short chunk", 2, true, func(c *wslinkc.Client) { send(c, ws.OpBinary, []byte{1, 2, 3}) }, ws.StatusInvalidFramePayloadData},
		{"chunk past its size", 2, true, func(c *wslinkc.Client) { send(c, ws.OpBinary, chunk(1, 5, 6, []byte("ab"))) }, ws.StatusInvalidFramePayloadData},
		{"size changes", 2, true, func(c *wslinkc.Client) {
			send(c, ws.OpBinary, chunk(1, 0, 10, []byte("ab")))
			send(c, ws.OpBinary, chunk(1, 2, 11, []byte("cd")))
		}, ws.StatusInvalidFramePayloadData},
		{"over max_message_bytes", 2, true, func(c *wslinkc.Client) { send(c, ws.OpBinary, chunk(1, 0, 2<<20, []byte("ab"))) }, ws.StatusMessageTooBig},
		{"over 64 KiB before hello", 2, false, func(c *wslinkc.Client) { send(c, ws.OpBinary, chunk(1, 0, 65<<10, []byte("ab"))) }, ws.StatusMessageTooBig},
		{"binary frame unannounced", 1, true, func(c *wslinkc.Client) { send(c, ws.OpBinary, []byte("x")) }, ws.StatusUnsupportedData},
		{"message before its attachment", 1, true, func(c *wslinkc.Client) {
			send(c, ws.OpText, []byte(`{"wslink":"1.0","method":"wslink.binary.attachment","args":["wslink_bin1"]}`))
			send(c, ws.OpText, []byte(`{"wslink":"1.0","id":"rpc:x:1","method":"symscore.project.list","args":[]}`))
		}, ws.StatusUnsupportedData},
		{"bad attachment key", 1, true, func(c *wslinkc.Client) {
			send(c, ws.OpText, []byte(`{"wslink":"1.0","method":"wslink.binary.attachment","args":["bin1"]}`))
		}, ws.StatusUnsupportedData},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := wslinkc.Dial(t, s.Addr(), tc.ver)
			if tc.hello {
				if r := c.Hello(testenv.CID1, testenv.Secret1); r.Error != nil {
					t.Fatal(r.Error)
				}
			}
			tc.frames(c)
			expectClosed(t, c, tc.code)
		})
	}
}

// TestUnverifiedChunksCharged: before the hello, a message being reassembled holds its
// size of limits.max_unverified_bytes; when the budget has no room the connection is
// closed with 1013; the charge is given back when the connection ends.
func TestUnverifiedChunksCharged(t *testing.T) {
	budget := admit.NewBudget(100 << 10)
	s := start(t, nil, server.WithHooks(server.Hooks{Unverified: budget}))
	c := wslinkc.Dial(t, s.Addr(), 2)
	c.Raw.NC.Write(rawws.AppendFrame(nil, rawws.Frame{Op: ws.OpBinary, Fin: true, Payload: chunk(1, 0, 60<<10, []byte("ab"))}))
	testenv.Eventually(t, "the partial message charged", func() bool { return budget.Used() >= 60<<10 })
	c2 := wslinkc.Dial(t, s.Addr(), 2)
	c2.Raw.NC.Write(rawws.AppendFrame(nil, rawws.Frame{Op: ws.OpBinary, Fin: true, Payload: chunk(1, 0, 60<<10, []byte("ab"))}))
	expectClosed(t, c2, 1013)
	c.Close()
	testenv.Eventually(t, "the charge given back", func() bool { return budget.Used() == 0 })
}
