package model

import (
	"math"
	"testing"

	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/internal/testenv"
)

// planModel is an mlr of y on x, z and the categories k$a, k$b of a T attribute k.
func planModel(t *testing.T) *Model {
	t.Helper()
	p := newTestProject(t, "", nil)
	learn(t, p, dfJSON([]string{"x", "z", "k", "y"}, "CCTC", [][]string{
		{"1", "2", "a", "3"}, {"2", "1", "b", "4.5"}, {"3", "5", "a", "9"}, {"4", "3", "c", "8"},
		{"5", "8", "b", "14"}, {"6", "2", "c", "9.5"}, {"7", "7", "a", "16"}, {"2", "9", "b", "12"},
	}))
	m, err := Build(p.Snapshot(), "mlr", "m", MLContext{InputNames: []string{"x", "z", "k$a", "k$b"}, TargetNames: []string{"y"}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func predictFrame(t *testing.T, payload string) *dataframe.Frame {
	t.Helper()
	return frame(t, payload, dataframe.Options{Mode: dataframe.ModePredict})
}

// TestPlanScoresLikePredict: columns in any order, extra columns, absent and empty inputs
// (means), absent k$v columns of a T attribute the frame carries (0), and impute.
func TestPlanScoresLikePredict(t *testing.T) {
	m := planModel(t)
	means := m.InputMeans()
	want := func(x ...float64) float64 { return predictOne(m, x)[0] }
	cases := []struct {
		name    string
		payload string
		want    []float64
	}{
		{"reordered with an unused column",
			`{"attributeNames":["k$b","unused","z","k$a","x"],"attributeTypes":["B","C","C","B","C"],"data":[["1","42","3","0","2"]]}`,
			[]float64{want(2, 3, 0, 1)}},
		{"absent inputs take the means",
			`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["2"]]}`,
			[]float64{want(2, means[1], means[2], means[3])}},
		{"empty cells take the means",
			`{"attributeNames":["x","z","k$a","k$b"],"attributeTypes":["C","C","B","B"],"data":[["","4","",""]]}`,
			[]float64{want(means[0], 4, means[2], means[3])}},
		{"a T attribute sets its absent categories to 0",
			`{"attributeNames":["x","z","k"],"attributeTypes":["C","C","T"],"data":[["1","1","a"],["1","1","b"],["1","1","c"]]}`,
			[]float64{want(1, 1, 1, 0), want(1, 1, 0, 1), want(1, 1, 0, 0)}},
	}
	var pl Plan
	out := make([]float64, 1)
	for _, c := range cases {
		f := predictFrame(t, c.payload)
		pl.Prepare(m, f)
		for r, w := range c.want {
			if err := pl.Score(f, r, false, out); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if out[0] != w {
				t.Errorf("%s row %d: %v, want %v", c.name, r, out[0], w)
			}
		}
	}
	// impute: the missing input is the regression on the present ones, not the mean.
	f := predictFrame(t, `{"attributeNames":["x","z","k$a"],"attributeTypes":["C","C","B"],"data":[["7","7","1"]]}`)
	pl.Prepare(m, f)
	x := []float64{7, 7, 1, math.NaN()}
	if err := m.Impute(x, []bool{false, false, false, true}); err != nil {
		t.Fatal(err)
	}
	if err := pl.Score(f, 0, true, out); err != nil || out[0] != want(x...) {
		t.Fatalf("impute: %v (%v), want %v", out[0], err, want(x...))
	}
	if x[3] == means[3] {
		t.Fatal("the regression imputed the mean: the test cannot tell them apart")
	}
}

// TestPlanFollowsColumnOrigins: the same column name from a B column and from a T
// attribute are two plans: an absent k$v is the mean in the first, 0 in the second.
func TestPlanFollowsColumnOrigins(t *testing.T) {
	m := planModel(t)
	asB := predictFrame(t, `{"attributeNames":["k$a"],"attributeTypes":["B"],"data":[["1"]]}`)
	asT := predictFrame(t, `{"attributeNames":["k"],"attributeTypes":["T"],"data":[["a"]]}`)
	var pl Plan
	out := make([]float64, 1)
	score := func(f *dataframe.Frame) float64 {
		pl.Prepare(m, f)
		if err := pl.Score(f, 0, false, out); err != nil {
			t.Fatal(err)
		}
		return out[0]
	}
	means := m.InputMeans()
	wantB := predictOne(m, []float64{means[0], means[1], 1, means[3]})[0]
	wantT := predictOne(m, []float64{means[0], means[1], 1, 0})[0]
	for i, f := range []*dataframe.Frame{asB, asT, asT, asB, asT} {
		want := wantT
		if f == asB {
			want = wantB
		}
		if got := score(f); got != want {
			t.Fatalf("frame %d: %v, want %v", i, got, want)
		}
	}
	if pl.Model() != m {
		t.Fatal("Model() is not the prepared model")
	}
}

// TestPlanAllocs: once prepared, scoring a row allocates nothing, and preparing again for
// the same model and columns does not rebuild.
func TestPlanAllocs(t *testing.T) {
	testenv.SkipAllocs(t)
	m := planModel(t)
	f := predictFrame(t, `{"attributeNames":["z","x","k"],"attributeTypes":["C","C","T"],"data":[["1","2","b"]]}`)
	var pl Plan
	out := make([]float64, 1)
	pl.Prepare(m, f)
	if n := testing.AllocsPerRun(100, func() {
		pl.Prepare(m, f)
		if err := pl.Score(f, 0, false, out); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Fatalf("%v allocations per prepared row", n)
	}
}

// TestPlanLayouts: one Plan kept across frames of two parsers (a session whose messages
// take whichever pooled parser is free), their headers alternating, some with a T
// attribute, scores every frame as a fresh Plan does.
func TestPlanLayouts(t *testing.T) {
	m := planModel(t)
	payloads := []string{
		`{"attributeNames":["x","z","k$a","k$b"],"attributeTypes":["C","C","B","B"],"data":[["1","2","1","0"]]}`,
		`{"attributeNames":["z","x","k$a","k$b"],"attributeTypes":["C","C","B","B"],"data":[["1","2","1","0"]]}`,
		`{"attributeNames":["x","z","k"],"attributeTypes":["C","C","T"],"data":[["1","2","b"]]}`,
		`{"attributeNames":["x","z","k$b","k$a"],"attributeTypes":["C","C","B","B"],"data":[["1","2","1","0"]]}`,
	}
	var parsers [2]dataframe.Parser
	var kept Plan
	out, want := make([]float64, 1), make([]float64, 1)
	for i := range 40 {
		payload := payloads[(i*7/3)%len(payloads)]
		f, err := parsers[i%3%2].Parse([]byte(payload), dataframe.Options{Mode: dataframe.ModePredict})
		if err != nil {
			t.Fatal(err)
		}
		kept.Prepare(m, f)
		if err := kept.Score(f, 0, false, out); err != nil {
			t.Fatal(err)
		}
		var fresh Plan
		fresh.Prepare(m, f)
		if err := fresh.Score(f, 0, false, want); err != nil {
			t.Fatal(err)
		}
		if out[0] != want[0] {
			t.Fatalf("message %d (%s): %v, a fresh plan %v", i, payload, out[0], want[0])
		}
	}
}

// TestPlanColumnsScoreLikeFrames: a matrix of named columns (PrepareColumns, ScoreRow)
// scores like the DataFrame of the same names and values, to the bit, NaN as an empty
// cell; and a plan switches between a T frame and columns of the same names correctly.
func TestPlanColumnsScoreLikeFrames(t *testing.T) {
	m := planModel(t)
	cases := []struct {
		payload string
		names   []string
		rows    [][]float64
	}{
		{`{"attributeNames":["k$b","unused","z","k$a","x"],"attributeTypes":["B","C","C","B","C"],"data":[["1","42","3","0","2"],["0","1","0.25","1","-7.5"]]}`,
			[]string{"k$b", "unused", "z", "k$a", "x"}, [][]float64{{1, 42, 3, 0, 2}, {0, 1, 0.25, 1, -7.5}}},
		{`{"attributeNames":["x","z"],"attributeTypes":["C","C"],"data":[["","4"],["3",""]]}`,
			[]string{"x", "z"}, [][]float64{{math.NaN(), 4}, {3, math.NaN()}}},
		{`{"attributeNames":["x","z","k"],"attributeTypes":["C","C","T"],"data":[["1","1","a"]]}`,
			nil, nil}, // a T frame in between: the columns plan after it must rebuild
		{`{"attributeNames":["x","z","k$a"],"attributeTypes":["C","C","B"],"data":[["1","1","1"]]}`,
			[]string{"x", "z", "k$a"}, [][]float64{{1, 1, 1}}},
	}
	var frames, cols Plan
	want, got := make([]float64, 1), make([]float64, 1)
	for i, c := range cases {
		f := predictFrame(t, c.payload)
		frames.Prepare(m, f)
		cols.Prepare(m, f) // the columns plan meets the frame's columns first
		if c.names == nil {
			continue
		}
		names := make([][]byte, len(c.names))
		for j, n := range c.names {
			names[j] = []byte(n)
		}
		cols.PrepareColumns(m, names)
		for r, row := range c.rows {
			if err := frames.Score(f, r, false, want); err != nil {
				t.Fatal(err)
			}
			if err := cols.ScoreRow(row, false, got); err != nil {
				t.Fatal(err)
			}
			if math.Float64bits(got[0]) != math.Float64bits(want[0]) {
				t.Errorf("case %d row %d: columns %v, frame %v", i, r, got[0], want[0])
			}
		}
	}
	// After the T frame, k$a given as a column is read, not set to 0 by the T origin.
	means := m.InputMeans()
	if w := predictOne(m, []float64{1, 1, 1, means[3]})[0]; got[0] != w {
		t.Fatalf("columns after a T frame: %v, want %v", got[0], w)
	}
}

// TestPlanColumnsAllocs: scoring rows of a prepared columns plan allocates nothing.
func TestPlanColumnsAllocs(t *testing.T) {
	testenv.SkipAllocs(t)
	m := planModel(t)
	names := [][]byte{[]byte("z"), []byte("x")}
	row := []float64{1, 2}
	var pl Plan
	out := make([]float64, 1)
	pl.PrepareColumns(m, names)
	if n := testing.AllocsPerRun(100, func() {
		pl.PrepareColumns(m, names)
		if err := pl.ScoreRow(row, false, out); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Fatalf("%v allocations per prepared row", n)
	}
}

// TestPlanLayoutAfterColumns: a plan made for a frame's layout, then for matrix columns
// (PrepareColumns), then for the next frame of that layout (the same parser, the same
// header) is rebuilt for the frame: it scores as a fresh plan does, not by the columns.
func TestPlanLayoutAfterColumns(t *testing.T) {
	m := planModel(t)
	payload := []byte(`{"attributeNames":["x","z","k$a","k$b"],"attributeTypes":["C","C","B","B"],"data":[["1","2","1","0"]]}`)
	var p dataframe.Parser
	var kept Plan
	out, want := make([]float64, 1), make([]float64, 1)
	columns := [][][]byte{
		{[]byte("z"), []byte("x")},                               // other names: rebuilt for the columns
		{[]byte("x"), []byte("z"), []byte("k$a"), []byte("k$b")}, // the frame's names
	}
	for i := range 6 {
		f, err := p.Parse(payload, dataframe.Options{Mode: dataframe.ModePredict})
		if err != nil {
			t.Fatal(err)
		}
		if f.Layout == 0 {
			t.Fatal("a frame of C and B columns has no layout")
		}
		kept.Prepare(m, f)
		if err := kept.Score(f, 0, false, out); err != nil {
			t.Fatal(err)
		}
		var fresh Plan
		fresh.Prepare(m, f)
		if err := fresh.Score(f, 0, false, want); err != nil {
			t.Fatal(err)
		}
		if out[0] != want[0] {
			t.Fatalf("frame %d: %v, a fresh plan %v", i, out[0], want[0])
		}
		kept.PrepareColumns(m, columns[i%2])
		row := []float64{5, -3, 0, 1}[:len(columns[i%2])]
		if err := kept.ScoreRow(row, false, out); err != nil {
			t.Fatal(err)
		}
		var freshCols Plan
		freshCols.PrepareColumns(m, columns[i%2])
		if err := freshCols.ScoreRow(row, false, want); err != nil {
			t.Fatal(err)
		}
		if out[0] != want[0] && !(math.IsNaN(out[0]) && math.IsNaN(want[0])) {
			t.Fatalf("columns %d: %v, a fresh plan %v", i, out[0], want[0])
		}
	}
}
