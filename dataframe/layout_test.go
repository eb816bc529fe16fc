package dataframe

import (
	"slices"
	"testing"
)

// TestFrameLayout: a Parser keeps a Frame's Layout while it keeps its columns (the same
// header again, in either key order), gives a number never given before when it lays them
// out anew (another header, a header again after another, ParseCells), and gives 0 to a
// Frame with T-derived columns; another Parser's numbers are its own.
func TestFrameLayout(t *testing.T) {
	const (
		a       = `{"attributeNames":["x","y"],"attributeTypes":["C","B"],"data":[["1","0"]]}`
		aData1  = `{"attributeNames":["x","y"],"data":[["2","1"]],"attributeTypes":["C","B"]}`
		aTypes2 = `{"attributeNames":["x","y"],"data":[["2","1"]],"attributeTypes":["C","C"]}`
		b       = `{"attributeNames":["y","x"],"attributeTypes":["B","C"],"data":[["1","0"]]}`
		withT   = `{"attributeNames":["x","k"],"attributeTypes":["C","T"],"data":[["1","u"]]}`
	)
	opts := Options{Mode: ModePredict}
	var p, q Parser
	seen := map[uint64]bool{}
	parse := func(p *Parser, payload string) *Frame {
		t.Helper()
		f, err := p.Parse([]byte(payload), opts)
		if err != nil {
			t.Fatalf("%s: %v", payload, err)
		}
		return f
	}
	fresh := func(what string, f *Frame) uint64 {
		t.Helper()
		if f.Layout == 0 || seen[f.Layout] {
			t.Fatalf("%s: Layout %d, want a number not given before", what, f.Layout)
		}
		seen[f.Layout] = true
		return f.Layout
	}
	la := fresh("first header", parse(&p, a))
	names := slices.Clone(parse(&p, a).Names)
	if f := parse(&p, a); f.Layout != la {
		t.Fatalf("the same header again: Layout %d, want %d", f.Layout, la)
	}
	if f := parse(&p, aData1); f.Layout != la {
		t.Fatalf("the same header, data between the arrays: Layout %d, want %d", f.Layout, la)
	}
	fresh("types changed after the data", parse(&p, aTypes2))
	fresh("another header", parse(&p, b))
	fresh("the first header after another", parse(&p, a))
	fresh("the first header in another parser", parse(&q, a))
	if f := parse(&p, withT); f.Layout != 0 {
		t.Fatalf("T-derived columns: Layout %d, want 0", f.Layout)
	}
	if f := parse(&p, withT); f.Layout != 0 {
		t.Fatalf("T-derived columns again: Layout %d, want 0", f.Layout)
	}
	fresh("after T columns", parse(&p, a))
	f, err := p.ParseCells(&Cells{Names: []string{"x", "y"}, Types: []Type{TypeC, TypeB}, Data: []string{"1", "0"}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	fresh("ParseCells", f)
	if !slices.EqualFunc(f.Names, names, func(x, y []byte) bool { return string(x) == string(y) }) {
		t.Fatalf("names %q, want %q", f.Names, names)
	}
}
