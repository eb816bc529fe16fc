package ops

import (
	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/model"
)

// PredictArgs name a prediction.
type PredictArgs struct {
	PID, ModelID string
	// Frame is the DataFrame JSON of the rows to score.
	Frame []byte
	// Binary, when not nil, is the binary DataFrame of the rows to score, instead of Frame.
	Binary *dataframe.Binary
	// Impute imputes a missing input by the model's regression on the inputs present
	// (model.Model.Impute) instead of its mean at build time.
	Impute bool
	// Plan, when not nil, is the caller's plan, kept from call to call (a WebSocket
	// session keeps one, so that it is rebuilt only when the model or the columns change);
	// nil uses the scratch's.
	Plan *model.Plan
	// Ref, when not nil, is the caller's memory of the model of its last call, kept from
	// call to call (a WebSocket session keeps one, so that the model is looked up only
	// when it or the project changes).
	Ref *ModelRef
}

// Predictions are the scores of one DataFrame: one row of outputs (in the model's output
// order) per DataFrame row, in order; a row skipped under errorHandling 1 has none. Valid
// until the scratch that made them is released or predicts again.
type Predictions struct {
	model *model.Model
	outs  []float64 // len(model.Outputs()) per scored row
	at    []int     // DataFrame row → scored row, or -1
}

// Model is the model that scored the rows: its Outputs name and type the values, its
// Classes name the class indexes.
func (p *Predictions) Model() *model.Model { return p.model }

// Rows is the number of DataFrame rows, skipped ones included.
func (p *Predictions) Rows() int { return len(p.at) }

// Row returns the outputs of DataFrame row i, or false when the row was skipped. The slice
// is the scratch's: read it, do not keep it.
func (p *Predictions) Row(i int) ([]float64, bool) {
	r := p.at[i]
	if r < 0 {
		return nil, false
	}
	k := len(p.model.Outputs())
	return p.outs[r*k : (r+1)*k], true
}

// Predict scores every row of a.Frame with model a.ModelID of project a.PID (a is only
// read, and not kept). Missing inputs take the project means at build time, or with
// a.Impute the model's regression.
// It allocates nothing after warm-up (unless a.Impute, or the plan must grow).
func (s *Service) Predict(sc *Scratch, c Customer, a *PredictArgs) (*Predictions, error) {
	m, partition, err := s.findModel(c, a)
	if err != nil {
		return nil, err
	}
	f, err := sc.parseFrame(a.Frame, a.Binary, s.frameOptions(true, partition))
	if err != nil {
		return nil, s.Refuse(err)
	}
	pl := a.Plan
	if pl == nil {
		pl = &sc.plan
	}
	pl.Prepare(m, f)
	k := len(m.Outputs())
	total := f.Rows + len(f.SkippedRows)
	sc.outs = grow(sc.outs, f.Rows*k)
	sc.at = grow(sc.at, total)
	skipped := f.SkippedRows
	for src, r := 0, 0; src < total; src++ {
		if len(skipped) > 0 && skipped[0] == src {
			// A row refused under errorHandling 1 keeps its place, with no prediction.
			sc.at[src] = -1
			skipped = skipped[1:]
			continue
		}
		if err := pl.Score(f, r, a.Impute, sc.outs[r*k:(r+1)*k]); err != nil {
			return nil, s.Refuse(err)
		}
		sc.at[src] = r
		r++
	}
	s.metrics.predicted.Add(float64(f.Rows))
	sc.preds.model, sc.preds.outs, sc.preds.at = m, sc.outs, sc.at
	return &sc.preds, nil
}

// grow returns b with length n, reallocated only when its capacity is short.
func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// parseFrame parses the DataFrame JSON frame, or the binary DataFrame bin when it is not
// nil.
func (sc *Scratch) parseFrame(frame []byte, bin *dataframe.Binary, o dataframe.Options) (*dataframe.Frame, error) {
	if bin != nil {
		return sc.df.ParseBinary(bin, o)
	}
	return sc.df.Parse(frame, o)
}
