package server_test

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/rawws"
	"github.com/symscore/symscore/internal/testkit/testserver"
)

const pathSubscribe = "/symetry/ws/subscribe"

// subMsg is any server message of /symetry/ws/subscribe, decoded.
type subMsg struct {
	Type    string             `json:"type"`
	Names   []string           `json:"names"`
	Initial bool               `json:"initial"`
	Pairs   [][]string         `json:"pairs"`
	Pending []string           `json:"pending"`
	Name    string             `json:"name"`
	Pair    []string           `json:"pair"`
	Version uint64             `json:"version"`
	Time    string             `json:"time"`
	Values  map[string]jsonAny `json:"values"`
	Event   string             `json:"event"`
	ModelID string             `json:"modelId"`
	MType   string             `json:"modelType"`
	Entries []struct {
		Op      string `json:"op"`
		Rows    int64  `json:"rows"`
		Version uint64 `json:"version"`
		Time    string `json:"time"`
	} `json:"entries"`
	Dropped      uint64 `json:"dropped"`
	Reason       string `json:"reason"`
	StatusCode   string `json:"statusCode"`
	StatusString string `json:"statusString"`

	raw string
}

// jsonAny is a value of "values": a number, null, a boolean or a string.
type jsonAny struct{ json.RawMessage }

// num is the value as a number (NaN for null).
func (v jsonAny) num(t testing.TB) float64 {
	t.Helper()
	if string(v.RawMessage) == "null" {
		return math.NaN()
	}
	f, err := strconv.ParseFloat(string(v.RawMessage), 64)
	if err != nil {
		t.Fatalf("value %s is not a number", v.RawMessage)
	}
	return f
}

// key is the message's subscription: its name, or "a,b" for a pair.
func (m *subMsg) key() string {
	if m.Pair != nil {
		return strings.Join(m.Pair, ",")
	}
	return m.Name
}

// subClient is a raw client of /symetry/ws/subscribe.
type subClient struct {
	*testkit.SymClient
}

// dialSub opens a subscription connection for customer c1 and sends the first message,
// signed with extraKeys [pid]; it reads the initial names message and returns it.
func dialSub(s *testserver.Server, pid, first string) (*subClient, *subMsg) {
	s.T.Helper()
	c := &subClient{s.Sym(pathSubscribe, "c1", testenv.Secret1)}
	c.Signed(first, pid)
	m := c.next()
	if m.Type != "names" || !m.Initial {
		s.T.Fatalf("first message %s, want the initial names", m.raw)
	}
	return c, m
}

// next reads the next message (within testenv.EventuallyTimeout).
func (c *subClient) next() *subMsg {
	c.T.Helper()
	c.NC.SetReadDeadline(time.Now().Add(testenv.EventuallyTimeout))
	op, p := c.ReadMessage()
	if op != ws.OpText {
		c.T.Fatalf("message opcode %v: %s", op, rawws.Clip(p))
	}
	m := &subMsg{raw: string(p)}
	if err := json.Unmarshal(p, m); err != nil {
		c.T.Fatalf("message is not JSON: %v: %s", err, rawws.Clip(p))
	}
	return m
}

// expect reads the next message and checks its type.
func (c *subClient) expect(typ string) *subMsg {
	c.T.Helper()
	m := c.next()
	if m.Type != typ {
		c.T.Fatalf("message %s, want type %s", m.raw, typ)
	}
	return m
}

// until reads messages until one satisfies ok, and returns it; the others are passed to
// seen when it is not nil.
func (c *subClient) until(what string, ok func(*subMsg) bool, seen func(*subMsg)) *subMsg {
	c.T.Helper()
	deadline := time.Now().Add(testenv.EventuallyTimeout)
	for time.Now().Before(deadline) {
		m := c.next()
		if ok(m) {
			return m
		}
		if seen != nil {
			seen(m)
		}
	}
	c.T.Fatalf("timed out waiting for %s", what)
	return nil
}

// dataAt reads until the data of key (a name or "a,b") at version v or later.
func (c *subClient) dataAt(key string, v uint64) *subMsg {
	c.T.Helper()
	return c.until("data of "+key, func(m *subMsg) bool { return m.Type == "data" && m.key() == key && m.Version >= v }, nil)
}

// afterData reads the next message of type typ, skipping data messages (values sent as
// the hub gets to them) but failing on any other.
func (c *subClient) afterData(typ string) *subMsg {
	c.T.Helper()
	return c.until(typ, func(m *subMsg) bool { return m.Type == typ }, func(m *subMsg) {
		if m.Type != "data" {
			c.T.Fatalf("message %s, want data or %s", m.raw, typ)
		}
	})
}
