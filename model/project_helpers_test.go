package model

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/dataframe"
)

// dfJSON builds a DataFrame payload; types has one letter per attribute.
func dfJSON(names []string, types string, rows [][]string) string {
	var b strings.Builder
	nb, _ := json.Marshal(names)
	tl := make([]string, len(types))
	for i := range types {
		tl[i] = types[i : i+1]
	}
	tb, _ := json.Marshal(tl)
	rb, _ := json.Marshal(rows)
	b.WriteString(`{"attributeNames":` + string(nb) + `,"attributeTypes":` + string(tb) + `,"data":` + string(rb) + `}`)
	return b.String()
}

// numRows formats float rows as DataFrame cells (shortest round-trip decimals).
func numRows(rows [][]float64) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = make([]string, len(r))
		for j, x := range r {
			out[i][j] = strconv.FormatFloat(x, 'g', -1, 64)
		}
	}
	return out
}

// frame parses payload with a fresh Parser (the Frame stays valid for the test).
func frame(t testing.TB, payload string, opts dataframe.Options) *dataframe.Frame {
	t.Helper()
	var p dataframe.Parser
	f, err := p.Parse([]byte(payload), opts)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

func learn(t testing.TB, p *Project, payload string) {
	t.Helper()
	if err := p.Learn(frame(t, payload, dataframe.Options{PartitionColumn: p.PartitionColumn()})); err != nil {
		t.Fatalf("Learn: %v", err)
	}
}

func forget(t testing.TB, p *Project, payload string) {
	t.Helper()
	if err := p.Forget(frame(t, payload, dataframe.Options{PartitionColumn: p.PartitionColumn()})); err != nil {
		t.Fatalf("Forget: %v", err)
	}
}

// newTestProject makes a project with a fixed clock, so encodings compare bit for bit.
func newTestProject(t testing.TB, typ string, params map[string]string) *Project {
	t.Helper()
	p, err := NewProject("p1", typ, params)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2025, 11, 16, 20, 11, 50, 0, time.UTC)
	p.now = func() time.Time { return clock }
	p.created, p.modified = clock, clock
	return p
}

func stateBytes(t testing.TB, p *Project) []byte {
	t.Helper()
	b, err := p.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// statsBytes encodes only the summaries (total and partitions): what learn and forget
// change, without the extremes (which forget cannot undo) and dates.
func statsBytes(p *Project) []byte {
	p.mu.RLock()
	defer p.mu.RUnlock()
	b := p.total.appendBinary(nil)
	for _, k := range p.partKeys {
		b = appendString(b, k)
		b = p.parts[k].appendBinary(b)
	}
	return b
}

// unchanged runs f, which must fail, and checks that the project's encoding is the same
// before and after.
func unchanged(t *testing.T, p *Project, f func() error) error {
	t.Helper()
	before := stateBytes(t, p)
	err := f()
	if err == nil {
		t.Fatal("the operation succeeded; want a refusal")
	}
	if !bytes.Equal(before, stateBytes(t, p)) {
		t.Fatalf("refused operation (%v) changed the project", err)
	}
	return err
}
