package server

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/model"
)

// Test customers c1 (the secret of the PROTOCOL.md vectors) and c2: secretC1 and
// secretC2 (rest_client_test.go).

// symConfig is wsTestConfig with customers c1 and c2.
func symConfig() config.Config {
	cfg := wsTestConfig()
	cfg.Customers = []config.Customer{{ID: "c1", Secrets: []string{secretC1}}, {ID: "c2", Secrets: []string{secretC2}}}
	cfg.Auth.LegacyFraming = true
	return cfg
}

// symClient is a raw client of one symscore WebSocket endpoint that signs as a SymetryML
// client: framed messages signed for ws://charm:8080<path> (the Host dialWS sends).
type symClient struct {
	*wsClient
	t      testing.TB
	signer *auth.Signer
	url    string
}

func dialSym(t testing.TB, s *Server, path, cid, secret string) *symClient {
	t.Helper()
	signer, err := auth.NewSigner(cid, secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &symClient{wsClient: dialWS(t, s, path), t: t, signer: signer, url: "ws://charm:8080" + path}
}

// signed sends payload as a framed, signed message with extraKeys.
func (c *symClient) signed(payload string, keys ...string) {
	c.t.Helper()
	c.sendMessage(ws.OpText, c.signer.AppendWSMessage(nil, c.url, keys, []byte(payload)))
}

// bare sends payload as a session frame.
func (c *symClient) bare(payload string) {
	c.t.Helper()
	c.sendMessage(ws.OpText, []byte(payload))
}

// envelope is a decoded reply.
type envelope struct {
	StatusCode   string          `json:"statusCode"`
	StatusString string          `json:"statusString"`
	Values       json.RawMessage `json:"values"`
}

// reply reads and decodes the next reply.
func (c *symClient) reply() envelope {
	c.t.Helper()
	op, p := c.readMessage()
	if op != ws.OpText {
		c.t.Fatalf("reply opcode %v: %s", op, clip(p))
	}
	var e envelope
	if err := json.Unmarshal(p, &e); err != nil {
		c.t.Fatalf("reply is not JSON: %v: %s", err, clip(p))
	}
	return e
}

// expect reads the next reply and checks its status; it returns the reply.
func (c *symClient) expect(status string) envelope {
	c.t.Helper()
	e := c.reply()
	if e.StatusCode != status {
		c.t.Fatalf("reply %s %q, want %s", e.StatusCode, e.StatusString, status)
	}
	return e
}

// predictions decodes the KSVSMap of a predict reply.
func predictions(t testing.TB, e envelope) []map[string]*string {
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

// dataset is generated rows with continuous columns x0..x{d-1} and a binary target t
// that depends on them, and a category k.
type dataset struct {
	d    int
	rows [][]float64 // d inputs, then t
	cats []string
}

func newDataset(seed uint64, n, d int) *dataset {
	r := rand.New(rand.NewPCG(seed, seed+1))
	ds := &dataset{d: d}
	for range n {
		row := make([]float64, d+1)
		s := 0.0
		for j := range d {
			row[j] = math.Round(r.NormFloat64()*1000+float64(j)*100) / 100
			s += row[j] * float64(j%3-1)
		}
		if s+r.NormFloat64()*3 > 0 {
			row[d] = 1
		}
		ds.rows = append(ds.rows, row)
		ds.cats = append(ds.cats, []string{"red", "green", "blue"}[r.IntN(3)])
	}
	return ds
}

// frameJSON is the learn DataFrame of rows [lo, hi).
func (ds *dataset) frameJSON(lo, hi int) string {
	var b strings.Builder
	b.WriteString(`{"attributeNames":[`)
	for j := range ds.d {
		fmt.Fprintf(&b, `"x%d",`, j)
	}
	b.WriteString(`"t","k"],"attributeTypes":[`)
	for range ds.d {
		b.WriteString(`"C",`)
	}
	b.WriteString(`"B","T"],"data":[`)
	for i := lo; i < hi; i++ {
		if i > lo {
			b.WriteByte(',')
		}
		b.WriteByte('[')
		for _, v := range ds.rows[i] {
			fmt.Fprintf(&b, `"%s",`, strconv.FormatFloat(v, 'g', -1, 64))
		}
		fmt.Fprintf(&b, `"%s"]`, ds.cats[i])
	}
	b.WriteString(`]}`)
	return b.String()
}

// predictJSON is a predict DataFrame of rows [lo, hi) with the inputs in reverse order and
// an extra column the model does not use.
func (ds *dataset) predictJSON(lo, hi int) string {
	var b strings.Builder
	b.WriteString(`{"attributeNames":["unused"`)
	for j := ds.d - 1; j >= 0; j-- {
		fmt.Fprintf(&b, `,"x%d"`, j)
	}
	b.WriteString(`],"attributeTypes":["C"`)
	for range ds.d {
		b.WriteString(`,"C"`)
	}
	b.WriteString(`],"data":[`)
	for i := lo; i < hi; i++ {
		if i > lo {
			b.WriteByte(',')
		}
		b.WriteString(`["42"`)
		for j := ds.d - 1; j >= 0; j-- {
			fmt.Fprintf(&b, `,"%s"`, strconv.FormatFloat(ds.rows[i][j], 'g', -1, 64))
		}
		b.WriteByte(']')
	}
	b.WriteString(`]}`)
	return b.String()
}

// inputNames are x0..x{d-1}.
func (ds *dataset) inputNames() []string {
	var names []string
	for j := range ds.d {
		names = append(names, fmt.Sprintf("x%d", j))
	}
	return names
}

// mustParse parses a learn DataFrame.
func mustParse(t testing.TB, payload string) *dataframe.Frame {
	t.Helper()
	var p dataframe.Parser
	f, err := p.Parse([]byte(payload), dataframe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// buildModel builds a model in-process on the project and publishes it through the store.
func buildModel(t testing.TB, s *Server, cid, pid, algo, id string, ctx model.MLContext) *model.Model {
	t.Helper()
	p, err := s.svc.store.Project(cid, pid)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Build(p.Snapshot(), algo, id, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.svc.store.PutModel(cid, pid, m); err != nil {
		t.Fatal(err)
	}
	return m
}

// checkPrediction compares one reply map with the model's prediction for x.
func checkPrediction(t testing.TB, m *model.Model, x []float64, got map[string]*string) {
	t.Helper()
	out := make([]float64, len(m.Outputs()))
	m.Predict(x, out)
	if len(got) != len(out) {
		t.Fatalf("reply has %d keys, model %d: %v", len(got), len(out), got)
	}
	for i, o := range m.Outputs() {
		v, ok := got[o.Key]
		if !ok || v == nil {
			t.Fatalf("key %q missing or null in %v", o.Key, got)
		}
		switch o.Kind {
		case model.OutputClass:
			if *v != m.Classes()[int(out[i])] {
				t.Fatalf("%s = %q, want %q", o.Key, *v, m.Classes()[int(out[i])])
			}
		case model.OutputBool:
			if want := strconv.FormatBool(out[i] == 1); *v != want {
				t.Fatalf("%s = %q, want %q", o.Key, *v, want)
			}
		default:
			f, err := strconv.ParseFloat(*v, 64)
			if err != nil || f != out[i] {
				t.Fatalf("%s = %q, want %v exactly", o.Key, *v, out[i])
			}
		}
	}
}

// fixedClock returns a clock stuck at t.
func fixedClock(at time.Time) func() time.Time { return func() time.Time { return at } }
