package model

import (
	"math"

	"github.com/symscore/symscore/dataframe"
)

// Scoring a DataFrame: its columns may come in any order and include columns the model
// does not use. An input absent from the frame, or empty in a row, is missing: it is
// imputed with the project mean at build time (InputMeans), or, when asked, by the model's
// regression on the inputs present (Impute). An input "k$v" that the frame lacks while it
// carries the T attribute k is not missing but 0 (the row has another value of k), unless
// the row's value of k is missing.

// Plan maps one frame's columns to one model's inputs and holds the scratch of scoring a
// row. A caller that scores frame after frame with the same model and columns (a
// WebSocket session: session frames usually repeat them) keeps its Plan, which Prepare
// rebuilds only when the model or the columns (names and T origins) change.
//
// The zero value is ready. Not safe for concurrent use; it holds no reference to a frame
// between calls (the column names it compares with are its own copies).
type Plan struct {
	m      *Model
	layout uint64   // the dataframe.Frame.Layout of those columns, if any
	names  [][]byte // the frame columns the plan was made for (owned copies)
	bases  [][]byte // their T attribute (nil for C and B columns): tcol depends on it
	col    []int    // frame column → model input position, or -1
	tcol   []int    // model input → a frame column of the same T attribute, when the input itself is absent; -1

	x       []float64 // one row's inputs, model order
	missing []bool    // which of them the row lacks (filled only when some are)
	covered bool      // every input has a column: x needs no NaN first
	anyT    bool      // some tcol is set
}

// Model is the model the plan was last prepared for (nil before the first Prepare).
func (pl *Plan) Model() *Model { return pl.m }

// Prepare makes pl fit m and f's columns, rebuilding it only if they changed. It allocates
// only when it rebuilds (and then only if its buffers must grow). Columns of the Layout
// the plan was made for are the same without a look (a session's frames, one parser's
// remembered header after another); others are compared.
func (pl *Plan) Prepare(m *Model, f *dataframe.Frame) {
	if pl.m == m && (f.Layout != 0 && f.Layout == pl.layout || sameNames(pl.names, f.Names) && sameBases(pl.bases, f)) {
		pl.layout = f.Layout
		return
	}
	pl.m, pl.layout = m, f.Layout
	pl.names, pl.bases = pl.names[:0], pl.bases[:0]
	for c, n := range f.Names {
		pl.names = append(pl.names, append([]byte(nil), n...))
		pl.bases = append(pl.bases, append([]byte(nil), baseOf(f, c)...))
	}
	pl.col = resize(pl.col, len(f.Names))
	for c, name := range f.Names {
		pl.col[c] = -1
		if j, ok := m.InputPos(name); ok {
			pl.col[c] = j
		}
	}
	inputs := m.Inputs()
	pl.tcol = resize(pl.tcol, len(inputs))
	for j := range pl.tcol {
		pl.tcol[j] = -1
	}
	for c, b := range f.Base {
		if b < 0 {
			continue
		}
		base := f.SourceNames[b]
		for j, in := range inputs {
			if pl.tcol[j] < 0 && len(in) > len(base) && in[len(base)] == '$' && in[:len(base)] == string(base) && !frameHas(f, in) {
				pl.tcol[j] = c
			}
		}
	}
	pl.x = resize(pl.x, len(inputs))
	pl.missing = resize(pl.missing, len(inputs))
	pl.shortcuts()
}

// PrepareColumns makes pl fit m and a matrix whose columns are names, in order: C and B
// values by attribute name, with no T attribute (an input "k$v" is then missing unless a
// column bears that name). Like Prepare, it rebuilds only when the model or the names
// changed, and allocates only then. names are only read.
func (pl *Plan) PrepareColumns(m *Model, names [][]byte) {
	if pl.FitsColumns(m, names) {
		return
	}
	pl.m, pl.layout = m, 0 // no longer the plan of a Frame's layout
	pl.names, pl.bases = pl.names[:0], pl.bases[:0]
	for _, n := range names {
		pl.names = append(pl.names, append([]byte(nil), n...))
		pl.bases = append(pl.bases, nil)
	}
	pl.col = resize(pl.col, len(names))
	for c, name := range names {
		pl.col[c] = -1
		if j, ok := m.InputPos(name); ok {
			pl.col[c] = j
		}
	}
	inputs := m.Inputs()
	pl.tcol = resize(pl.tcol, len(inputs))
	for j := range pl.tcol {
		pl.tcol[j] = -1
	}
	pl.x = resize(pl.x, len(inputs))
	pl.missing = resize(pl.missing, len(inputs))
	pl.shortcuts()
}

// FitsColumns reports whether pl was prepared for m and columns names (PrepareColumns, or
// Prepare for a frame of those C and B columns): PrepareColumns would not rebuild it.
func (pl *Plan) FitsColumns(m *Model, names [][]byte) bool {
	return pl.m == m && sameNames(pl.names, names) && noBases(pl.bases)
}

// shortcuts notes what rowInputs may skip: the NaN fill when every input has a column
// (names are distinct, so each has at most one), the T loop when no input needs it.
func (pl *Plan) shortcuts() {
	n := 0
	for _, j := range pl.col {
		if j >= 0 {
			n++
		}
	}
	pl.covered = n == len(pl.x)
	pl.anyT = false
	for _, c := range pl.tcol {
		pl.anyT = pl.anyT || c >= 0
	}
}

// Score scores row r of f, the frame of the last Prepare, into out (one value per output
// of the model, len(out) = len(Outputs())): missing inputs take the input means, or with
// impute the model's regression on the inputs present (Impute, which allocates and may
// refuse with an *Error). Without impute it allocates nothing.
func (pl *Plan) Score(f *dataframe.Frame, r int, impute bool, out []float64) error {
	return pl.ScoreRow(f.Row(r), impute, out)
}

// ScoreRow scores one row of values, one per column of the last Prepare or PrepareColumns
// (NaN: missing), into out, as Score does: the same inputs give the same bits, whichever
// way the row came.
func (pl *Plan) ScoreRow(row []float64, impute bool, out []float64) error {
	m, x, missing := pl.m, pl.x, pl.missing
	if pl.rowInputs(row) {
		if impute {
			if err := m.Impute(x, missing); err != nil {
				return err
			}
		} else {
			for j, miss := range missing {
				if miss {
					x[j] = m.means[j]
				}
			}
		}
	}
	m.Predict(x, out)
	return nil
}

// rowInputs fills pl.x with the row's inputs and reports whether any is missing; then,
// and only then, pl.missing says which.
func (pl *Plan) rowInputs(row []float64) (anyMissing bool) {
	x := pl.x
	if !pl.covered {
		for j := range x {
			x[j] = math.NaN()
		}
	}
	row = row[:len(pl.col)]
	for c, v := range row {
		if j := pl.col[c]; j >= 0 {
			x[j] = v
		}
	}
	if pl.anyT {
		for j, c := range pl.tcol {
			if c >= 0 && x[j] != x[j] && row[c] == row[c] {
				x[j] = 0 // the row has another value of this T attribute
			}
		}
	}
	for _, v := range x {
		anyMissing = anyMissing || v != v
	}
	if anyMissing {
		for j, v := range x {
			pl.missing[j] = v != v
		}
	}
	return anyMissing
}

// baseOf is the T attribute frame column c comes from, or nil.
func baseOf(f *dataframe.Frame, c int) []byte {
	if b := f.Base[c]; b >= 0 {
		return f.SourceNames[b]
	}
	return nil
}

func sameBases(bases [][]byte, f *dataframe.Frame) bool {
	if len(bases) != len(f.Base) {
		return false
	}
	for c := range bases {
		if string(bases[c]) != string(baseOf(f, c)) || (bases[c] == nil) != (f.Base[c] < 0) {
			return false
		}
	}
	return true
}

// noBases reports whether no column of a plan comes from a T attribute.
func noBases(bases [][]byte) bool {
	for _, b := range bases {
		if b != nil {
			return false
		}
	}
	return true
}

func sameNames(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if string(a[i]) != string(b[i]) {
			return false
		}
	}
	return true
}

func frameHas(f *dataframe.Frame, name string) bool {
	for _, n := range f.Names {
		if string(n) == name {
			return true
		}
	}
	return false
}

// resize returns b with length n, reallocated only when its capacity is short.
func resize[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}
