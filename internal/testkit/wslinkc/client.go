// Package wslinkc is a wslink client for tests, written from the wslink JavaScript
// client's behaviour: 2.x (MessagePack envelopes in binary frames of 12-byte chunk headers,
// split at ChunkSize) and 1.x (JSON text frames, binary values sent first as attachments,
// one header and one binary frame per value, as session.addAttachment does). Calls may be
// in flight together; replies are matched by id, publications go to a channel. It speaks
// the raw wire (package rawws), so that tests can also send what no client would.
package wslinkc

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/tinylib/msgp/msgp"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/internal/testkit/rawws"
)

// Path is the RPC endpoint's path.
const Path = "/symetry/ws/rpc"

// Version is a wslink major version: 2 (MessagePack) or 1 (JSON and attachments).
type Version int

// Reply is a decoded answer.
type Reply struct {
	ID     string
	Result any
	Error  *Error
	// Seq is the reply's place among the messages the client received (1, 2, ...).
	Seq int64
}

// Error is the error of a reply.
type Error struct {
	Code    int
	Message string
	Data    any
}

func (e *Error) Error() string {
	return fmt.Sprintf("wslink error %d: %s (%v)", e.Code, e.Message, e.Data)
}

// Client is one connection. Its methods are safe for concurrent use.
type Client struct {
	T    testing.TB
	Raw  *rawws.Client
	Ver  Version
	URL  string // the URL hellos are signed for
	Host string

	// ChunkSize is the most bytes of a 2.x frame, header included (wslink's maxMsgSize).
	ChunkSize int

	wmu    sync.Mutex // guards writes to the socket, seq, binKey
	seq    int
	binKey int

	mu       sync.Mutex // guards pending, early, received
	received int64
	pending  map[string]chan Reply
	early    map[string]Reply
	ClientID string

	// gate is held while the client does not read (StopReading).
	gate sync.Mutex

	// Published receives the publications: topic and message.
	Published chan Publication
	// Closed is closed when the connection ends; CloseCode is then the server's close code
	// (0 if none came).
	Closed    chan struct{}
	CloseCode ws.StatusCode
}

// Publication is one message published on a topic.
type Publication struct {
	Topic   string
	Message any
	// Seq is the publication's place among the messages the client received, replies
	// included (Reply.Seq).
	Seq int64
}

// Dial opens a connection to addr's RPC endpoint (Host charm:8080); it starts reading.
func Dial(t testing.TB, addr string, v Version) *Client {
	t.Helper()
	c := &Client{
		T: t, Raw: rawws.DialWS(t, addr, Path), Ver: v, URL: "ws://charm:8080" + Path, Host: "charm:8080",
		ChunkSize: 512 << 10, pending: map[string]chan Reply{}, early: map[string]Reply{},
		Published: make(chan Publication, 1<<14), Closed: make(chan struct{}),
	}
	c.Raw.NC.SetDeadline(time.Time{})
	go c.read()
	return c
}

// SignedHello is the secret of a hello: a framed SymetryML message with payload {} and no
// extraKeys, signed now for url by customer cid.
func SignedHello(t testing.TB, cid, secret, url string) string {
	t.Helper()
	s, err := auth.NewSigner(cid, secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	return string(s.AppendWSMessage(nil, url, nil, []byte("{}")))
}

// Hello signs in as customer cid and returns the reply; on success the client takes the
// clientID.
func (c *Client) Hello(cid, secret string) Reply {
	c.T.Helper()
	return c.HelloSecret(SignedHello(c.T, cid, secret, c.URL))
}

// HelloSecret sends wslink.hello with secret as wslink's client does (id system:c0:0).
func (c *Client) HelloSecret(secret string) Reply {
	c.T.Helper()
	r := c.wait(c.send("system:c0:0", "wslink.hello", []any{map[string]any{"secret": secret}}))
	if r.Error == nil {
		if m, ok := r.Result.(map[string]any); ok {
			c.mu.Lock()
			c.ClientID, _ = m["clientID"].(string)
			c.mu.Unlock()
		}
	}
	return r
}

// Call calls method with args and waits for its reply.
func (c *Client) Call(method string, args ...any) Reply {
	c.T.Helper()
	return c.wait(c.Go(method, args...))
}

// Go sends a call and returns its id; Wait gets its reply.
func (c *Client) Go(method string, args ...any) string {
	c.wmu.Lock()
	c.seq++
	n := c.seq
	c.wmu.Unlock()
	c.mu.Lock()
	client := c.ClientID
	c.mu.Unlock()
	if client == "" {
		client = "c0"
	}
	if args == nil {
		args = []any{}
	}
	return c.send("rpc:"+client+":"+strconv.Itoa(n), method, args)
}

// Wait waits (up to a minute) for the reply to id.
func (c *Client) Wait(id string) Reply {
	c.T.Helper()
	return c.wait(id)
}

// Must waits for the reply to id and fails the test on an error; it returns the result.
func (c *Client) Must(id string) any {
	c.T.Helper()
	r := c.wait(id)
	if r.Error != nil {
		c.T.Fatalf("call %s: %v", id, r.Error)
	}
	return r.Result
}

func (c *Client) wait(id string) Reply {
	c.T.Helper()
	c.mu.Lock()
	if r, ok := c.early[id]; ok {
		delete(c.early, id)
		c.mu.Unlock()
		return r
	}
	ch := c.pending[id]
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
	}()
	select {
	case r := <-ch:
		return r
	case <-c.Closed:
		c.mu.Lock()
		defer c.mu.Unlock()
		if r, ok := c.early[id]; ok {
			return r
		}
		select {
		case r := <-ch:
			return r
		default:
		}
		c.T.Fatalf("call %s: connection closed (code %d) before its reply", id, c.CloseCode)
	case <-time.After(time.Minute):
		c.T.Fatalf("call %s: no reply within a minute", id)
	}
	return Reply{}
}

// send writes one request.
func (c *Client) send(id, method string, args []any) string {
	c.mu.Lock()
	c.pending[id] = make(chan Reply, 1)
	c.mu.Unlock()
	req := map[string]any{"wslink": "1.0", "id": id, "method": method, "args": args, "kwargs": map[string]any{}}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.Ver == 1 {
		c.sendJSON(req)
		return id
	}
	msg, err := msgp.AppendIntf(nil, req)
	if err != nil {
		c.T.Errorf("encode: %v", err)
		return id
	}
	c.writeChunks(msg)
	return id
}

// SendRaw writes message bytes as wslink 2.x frames (chunked at ChunkSize) or, in 1.x, as
// one text frame.
func (c *Client) SendRaw(msg []byte) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.Ver == 1 {
		c.frame(ws.OpText, msg)
		return
	}
	c.writeChunks(msg)
}

// Expect registers id as an expected reply of a message sent with SendRaw.
func (c *Client) Expect(id string) {
	c.mu.Lock()
	c.pending[id] = make(chan Reply, 1)
	c.mu.Unlock()
}

// writeChunks writes msg as 2.x chunks of at most ChunkSize bytes, header included, under
// a random message id.
func (c *Client) writeChunks(msg []byte) {
	id := rand.Uint32()
	step := max(c.ChunkSize-12, 1)
	for off := 0; off < len(msg); off += step {
		end := min(off+step, len(msg))
		var h [12]byte
		binary.LittleEndian.PutUint32(h[:], id)
		binary.LittleEndian.PutUint32(h[4:], uint32(off))
		binary.LittleEndian.PutUint32(h[8:], uint32(len(msg)))
		c.frame(ws.OpBinary, append(h[:], msg[off:end]...))
	}
}

// sendJSON writes a 1.x request: each binary value first, as an attachment, then the
// message with the attachments' keys in their place.
func (c *Client) sendJSON(req map[string]any) {
	req["args"] = c.attach(req["args"])
	b, err := json.Marshal(req)
	if err != nil {
		c.T.Errorf("encode: %v", err)
		return
	}
	c.frame(ws.OpText, b)
}

// attach replaces []byte values by attachment keys, sending each.
func (c *Client) attach(v any) any {
	switch x := v.(type) {
	case []byte:
		c.binKey++
		key := "wslink_bin" + strconv.Itoa(c.binKey)
		c.frame(ws.OpText, []byte(`{"wslink":"1.0","method":"wslink.binary.attachment","args":["`+key+`"]}`))
		c.frame(ws.OpBinary, x)
		return key
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = c.attach(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = c.attach(e)
		}
		return out
	}
	return v
}

// frame writes one masked frame.
func (c *Client) frame(op ws.OpCode, p []byte) {
	if _, err := c.Raw.NC.Write(rawws.AppendFrame(nil, rawws.Frame{Op: op, Fin: true, Payload: p})); err != nil {
		c.T.Logf("write: %v", err)
	}
}

// StopReading makes the client stop reading (after the frame it may be reading): a
// client that does not read its messages. ResumeReading undoes it.
func (c *Client) StopReading() { c.gate.Lock() }

// ResumeReading undoes StopReading.
func (c *Client) ResumeReading() { c.gate.Unlock() }

// Close sends a close frame.
func (c *Client) Close() {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.Raw.NC.Write(rawws.AppendFrame(nil, rawws.Frame{Op: ws.OpClose, Fin: true, Payload: []byte{0x03, 0xe8}}))
}

// read reads every frame until the connection ends.
func (c *Client) read() {
	defer close(c.Closed)
	pending := map[uint32][]byte{}
	var keys []string
	var bins [][]byte
	for {
		c.gate.Lock()
		//lint:ignore SA2001 a gate: the loop waits above while StopReading holds it
		c.gate.Unlock()
		h, p, err := c.Raw.ReadFrame()
		if err != nil {
			return
		}
		switch h.OpCode {
		case ws.OpClose:
			if len(p) >= 2 {
				c.CloseCode = ws.StatusCode(binary.BigEndian.Uint16(p))
			}
			c.wmu.Lock()
			c.Raw.NC.Write(rawws.AppendFrame(nil, rawws.Frame{Op: ws.OpClose, Fin: true, Payload: p[:min(len(p), 2)]}))
			c.wmu.Unlock()
			return
		case ws.OpPing:
			c.wmu.Lock()
			c.frame(ws.OpPong, p)
			c.wmu.Unlock()
		case ws.OpBinary:
			if c.Ver == 1 {
				bins = append(bins, p)
				continue
			}
			if len(p) < 12 {
				c.T.Errorf("a binary frame of %d bytes", len(p))
				return
			}
			id, off, size := binary.LittleEndian.Uint32(p), binary.LittleEndian.Uint32(p[4:]), binary.LittleEndian.Uint32(p[8:])
			msg := pending[id]
			if msg == nil {
				msg = make([]byte, size)
			}
			copy(msg[off:], p[12:])
			if int(off)+len(p)-12 < int(size) {
				pending[id] = msg
				continue
			}
			delete(pending, id)
			v, rest, err := msgp.ReadIntfBytes(msg)
			if err != nil || len(rest) > 0 {
				c.T.Errorf("reply is not MessagePack: %v", err)
				return
			}
			c.deliver(v)
		case ws.OpText:
			if c.Ver == 2 {
				c.T.Errorf("a text frame on a 2.x connection: %s", rawws.Clip(p))
				return
			}
			var v map[string]any
			d := json.NewDecoder(bytes.NewReader(p))
			if err := d.Decode(&v); err != nil {
				c.T.Errorf("reply is not JSON: %v: %s", err, rawws.Clip(p))
				return
			}
			if v["method"] == "wslink.binary.attachment" && v["id"] == nil {
				for _, k := range v["args"].([]any) {
					keys = append(keys, k.(string))
				}
				continue
			}
			if len(keys) != len(bins) {
				c.T.Errorf("a message with %d attachment keys and %d binary frames: %s", len(keys), len(bins), rawws.Clip(p))
				return
			}
			byKey := map[string][]byte{}
			for i, k := range keys {
				byKey[k] = bins[i]
			}
			keys, bins = nil, nil
			c.deliver(substitute(v, byKey))
		}
	}
}

// substitute replaces attachment keys by their bytes.
func substitute(v any, byKey map[string][]byte) any {
	switch x := v.(type) {
	case string:
		if b, ok := byKey[x]; ok && strings.HasPrefix(x, "wslink_bin") {
			return b
		}
	case []any:
		for i := range x {
			x[i] = substitute(x[i], byKey)
		}
	case map[string]any:
		for k := range x {
			x[k] = substitute(x[k], byKey)
		}
	}
	return v
}

// deliver hands a decoded message to its waiter or the publications.
func (c *Client) deliver(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		c.T.Errorf("a message that is not a map: %v", v)
		return
	}
	id, _ := m["id"].(string)
	if topic, ok := strings.CutPrefix(id, "publish:"); ok {
		c.mu.Lock()
		c.received++
		seq := c.received
		c.mu.Unlock()
		c.Published <- Publication{Topic: strings.TrimSuffix(topic, ":0"), Message: m["result"], Seq: seq}
		return
	}
	r := Reply{ID: id, Result: m["result"]}
	if e, ok := m["error"].(map[string]any); ok {
		r.Error = &Error{Code: int(Number(e["code"])), Data: e["data"]}
		r.Error.Message, _ = e["message"].(string)
	}
	c.mu.Lock()
	c.received++
	r.Seq = c.received
	ch := c.pending[id] // wait deletes it
	if ch == nil {
		c.early[id] = r
	}
	c.mu.Unlock()
	if ch != nil {
		select {
		case ch <- r:
		default:
			c.T.Errorf("two replies to %s", id)
		}
	}
}

// Number reads a number of a decoded message (int64, uint64 or float64).
func Number(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	case float64:
		return x
	case float32:
		return float64(x)
	}
	return 0
}
