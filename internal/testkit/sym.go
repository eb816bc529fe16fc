package testkit

import (
	"encoding/json"
	"testing"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/internal/testkit/rawws"
)

// SymHost is the Host the raw clients send: messages are signed for ws://SymHost<path>.
const SymHost = "charm:8080"

// SymClient is a raw client of one symscore WebSocket endpoint that signs as a SymetryML
// client: framed messages signed for ws://charm:8080<path>.
type SymClient struct {
	*rawws.Client
	Signer *auth.Signer
	URL    string
}

// DialSym opens a connection to addr upgraded on path that signs for customer cid.
func DialSym(t testing.TB, addr, path, cid, secret string) *SymClient {
	t.Helper()
	return DialSymFrom(t, addr, "", path, cid, secret)
}

// DialSymFrom is DialSym from the local IP address local (see rawws.DialFrom).
func DialSymFrom(t testing.TB, addr, local, path, cid, secret string) *SymClient {
	t.Helper()
	signer, err := auth.NewSigner(cid, secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &SymClient{Client: rawws.DialWSFrom(t, addr, local, path), Signer: signer, URL: "ws://" + SymHost + path}
}

// Signed sends payload as a framed, signed message with extraKeys.
func (c *SymClient) Signed(payload string, keys ...string) {
	c.T.Helper()
	c.SendMessage(ws.OpText, c.Signer.AppendWSMessage(nil, c.URL, keys, []byte(payload)))
}

// Bare sends payload as a session frame.
func (c *SymClient) Bare(payload string) {
	c.T.Helper()
	c.SendMessage(ws.OpText, []byte(payload))
}

// Envelope is a decoded reply.
type Envelope struct {
	StatusCode   string          `json:"statusCode"`
	StatusString string          `json:"statusString"`
	Values       json.RawMessage `json:"values"`
}

// Reply reads and decodes the next reply.
func (c *SymClient) Reply() Envelope {
	c.T.Helper()
	op, p := c.ReadMessage()
	if op != ws.OpText {
		c.T.Fatalf("reply opcode %v: %s", op, rawws.Clip(p))
	}
	var e Envelope
	if err := json.Unmarshal(p, &e); err != nil {
		c.T.Fatalf("reply is not JSON: %v: %s", err, rawws.Clip(p))
	}
	return e
}

// Expect reads the next reply and checks its status; it returns the reply.
func (c *SymClient) Expect(status string) Envelope {
	c.T.Helper()
	e := c.Reply()
	if e.StatusCode != status {
		c.T.Fatalf("reply %s %q, want %s", e.StatusCode, e.StatusString, status)
	}
	return e
}

// Predictions decodes the KSVSMap of a predict reply.
func Predictions(t testing.TB, e Envelope) []map[string]*string {
	t.Helper()
	var v struct {
		KSVSMap struct {
			Values []map[string]*string `json:"values"`
		} `json:"KSVSMap"`
	}
	if err := json.Unmarshal(e.Values, &v); err != nil {
		t.Fatalf("predict values: %v: %s", err, e.Values)
	}
	return v.KSVSMap.Values
}
