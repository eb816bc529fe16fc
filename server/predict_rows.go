package server

import (
	"math"

	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// Predicting a DataFrame: its columns may come in any order and include columns the model
// does not use. An input absent from the frame, or empty in a row, is missing: it is
// imputed with the project mean at build time (WebSocket; REST without impute=true) or by
// the model's regression on the inputs present (REST impute=true). An input "k$v" that the
// frame lacks while it carries the T attribute k is not missing but 0 (the row has another
// value of k), unless the row's value of k is missing.

// predictPlan maps one frame's columns to one model's inputs, and holds the model's
// prediction keys JSON-encoded. A WebSocket session keeps its plan from message to message
// and rebuilds it only when the model or the frame's columns change (session frames
// usually repeat them); REST builds one per request in its worker.
type predictPlan struct {
	m     *model.Model
	names [][]byte // the frame columns the plan was made for (owned copies)
	bases [][]byte // their T attribute (nil for C and B columns): tcol depends on it
	col   []int    // frame column → model input position, or -1
	tcol  []int    // model input → a frame column of the same T attribute, when the input itself is absent; -1
	keys  [][]byte // `"key":` of each output, in output order
}

// prepare makes pl fit m and f's columns, rebuilding it only if they changed.
func (pl *predictPlan) prepare(m *model.Model, f *dataframe.Frame) {
	if pl.m == m && sameNames(pl.names, f.Names) && sameBases(pl.bases, f) {
		return
	}
	pl.m = m
	pl.names, pl.bases = pl.names[:0], pl.bases[:0]
	for c, n := range f.Names {
		pl.names = append(pl.names, append([]byte(nil), n...))
		pl.bases = append(pl.bases, append([]byte(nil), baseOf(f, c)...))
	}
	pl.col = resizeInts(pl.col, len(f.Names))
	for c, name := range f.Names {
		pl.col[c] = -1
		if j, ok := m.InputPos(name); ok {
			pl.col[c] = j
		}
	}
	inputs := m.Inputs()
	pl.tcol = resizeInts(pl.tcol, len(inputs))
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
	pl.keys = pl.keys[:0]
	for _, o := range m.Outputs() {
		pl.keys = append(pl.keys, append(protocol.AppendJSONString(nil, o.Key), ':'))
	}
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

// rowInputs fills x with row r's inputs and missing with which of them the row lacks.
func (pl *predictPlan) rowInputs(f *dataframe.Frame, r int, x []float64, missing []bool) (anyMissing bool) {
	for j := range x {
		x[j] = math.NaN()
	}
	row := f.Row(r)
	for c, v := range row {
		if j := pl.col[c]; j >= 0 {
			x[j] = v
		}
	}
	for j, c := range pl.tcol {
		if c >= 0 && x[j] != x[j] && row[c] == row[c] {
			x[j] = 0 // the row has another value of this T attribute
		}
	}
	for j, v := range x {
		missing[j] = v != v
		anyMissing = anyMissing || missing[j]
	}
	return anyMissing
}

// appendPredictions scores every row of f with m and appends the KSVSMap values object:
// one map per row of the DataFrame, keys in the model's output order, string values; a
// row skipped under errorHandling 1 is an empty map in its place. With impute false,
// missing inputs take the model's input means. It allocates nothing once w's buffers have
// grown, unless impute is set.
//
// pl is the plan to use (prepared here): the session's, or nil for the worker's own.
func (w *worker) appendPredictions(dst []byte, m *model.Model, f *dataframe.Frame, impute bool, pl *predictPlan) ([]byte, error) {
	if pl == nil {
		pl = &w.pl
	}
	pl.prepare(m, f)
	d, k := len(m.Inputs()), len(m.Outputs())
	w.x, w.out = resizeFloats(w.x, d), resizeFloats(w.out, k)
	w.missing = resizeBools(w.missing, d)
	x, out, missing := w.x, w.out, w.missing
	means := m.InputMeans()
	dst = protocol.AppendKSVSMapOpen(dst)
	skipped := f.SkippedRows
	for src, r := 0, 0; r < f.Rows || len(skipped) > 0; src++ {
		if src > 0 {
			dst = append(dst, ',')
		}
		if len(skipped) > 0 && skipped[0] == src {
			// A row refused under errorHandling 1 keeps its place, with no prediction.
			dst = append(dst, '{', '}')
			skipped = skipped[1:]
			continue
		}
		if pl.rowInputs(f, r, x, missing) {
			if impute {
				if err := m.Impute(x, missing); err != nil {
					return dst, err
				}
			} else {
				for j, miss := range missing {
					if miss {
						x[j] = means[j]
					}
				}
			}
		}
		m.Predict(x, out)
		dst = appendPrediction(dst, m, pl.keys, out)
		r++
	}
	return protocol.AppendKSVSMapClose(dst), nil
}

// appendPrediction appends one row's map {"key":"value",...}; keys are the outputs'
// encoded `"key":`.
func appendPrediction(dst []byte, m *model.Model, keys [][]byte, out []float64) []byte {
	dst = append(dst, '{')
	classes := m.Classes()
	for i, o := range m.Outputs() {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, keys[i]...)
		v := out[i]
		switch o.Kind {
		case model.OutputClass:
			if c := int(v); v == v && c >= 0 && c < len(classes) {
				dst = protocol.AppendJSONString(dst, classes[c])
			} else {
				dst = append(dst, "null"...)
			}
		case model.OutputBool:
			switch v {
			case 1:
				dst = append(dst, `"true"`...)
			case 0:
				dst = append(dst, `"false"`...)
			default:
				dst = append(dst, "null"...)
			}
		default:
			dst = protocol.AppendFloatString(dst, v)
		}
	}
	return append(dst, '}')
}

func resizeInts(b []int, n int) []int {
	if cap(b) < n {
		return make([]int, n)
	}
	return b[:n]
}

func resizeFloats(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}

func resizeBools(b []bool, n int) []bool {
	if cap(b) < n {
		return make([]bool, n)
	}
	return b[:n]
}
