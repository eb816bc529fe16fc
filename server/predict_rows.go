package server

import (
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

// predictPlan is a model.Plan with the model's prediction keys JSON-encoded. A WebSocket
// session keeps its plan from message to message; REST uses one per worker.
type predictPlan struct {
	model.Plan
	km   *model.Model // the model keys were encoded for
	keys [][]byte     // `"key":` of each output, in output order
}

func (pl *predictPlan) prepare(m *model.Model, f *dataframe.Frame) {
	pl.Plan.Prepare(m, f)
	if pl.km == m {
		return
	}
	pl.km = m
	pl.keys = pl.keys[:0]
	for _, o := range m.Outputs() {
		pl.keys = append(pl.keys, append(protocol.AppendJSONString(nil, o.Key), ':'))
	}
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
	w.out = resizeFloats(w.out, len(m.Outputs()))
	out := w.out
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
		if err := pl.Score(f, r, impute, out); err != nil {
			return dst, err
		}
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

func resizeFloats(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}
