package model

import (
	"math"

	"github.com/symscore/symscore/dataframe"
)

// uniKeys are the keys of uni, per input, in order.
var uniKeys = [...]string{"count", "mean", "variance", "stddev", "min", "max", "stderr"}

// uni describes each input (C or B; at least one, no target):
//
//	count     n, the rows learned minus the rows forgotten
//	mean      μ
//	variance  M_ii/n (population, as SymetryML)
//	stddev    √variance
//	min, max  the extremes of every value ever learned for the attribute: forget cannot
//	          undo them, and rows learned before the attribute joined the project (which
//	          count as 0 in the moments) never entered them
//	stderr    the standard error of the mean with the sample standard deviation,
//	          √(M_ii/(n(n−1))) (scipy.stats.sem, pandas sem); NaN when n = 1
//
// With one input the keys are plain; with several, every key is "<name>.<key>", inputs in
// context order.
func (e *explorer) uni() ([]Stat, error) {
	if err := e.noTargets(); err != nil {
		return nil, err
	}
	if err := e.checkInputs(1, -1, "at least one input attribute", dataframe.TypeC, dataframe.TypeB); err != nil {
		return nil, err
	}
	s, t := e.s, &e.s.Total
	several := len(e.r.inputs) > 1
	out := make([]Stat, 0, len(uniKeys)*len(e.r.inputs))
	for _, i := range e.r.inputs {
		u := uniOf(t.N, t.Mean[i], t.At(i, i), extreme(s.Min, i), extreme(s.Max, i))
		vals := [len(uniKeys)]float64{u.Count, u.Mean, u.Variance, u.Stddev, u.Min, u.Max, u.Stderr}
		p := keyPrefix(s, i, several)
		for k, key := range uniKeys {
			out = append(out, Stat{Key: p + key, Value: vals[k]})
		}
	}
	return out, nil
}

// Uni is the uni metric of one attribute (the keys of uniKeys).
type Uni struct {
	Count, Mean, Variance, Stddev, Min, Max, Stderr float64
}

// uniOf is the uni metric of an attribute from the row count n, its mean, its centred
// co-moment with itself m (M_ii) and its extremes: what explore's uni reports and what a
// live subscription sends (Project.Read), from the one formula.
func uniOf(n int64, mean, m, lo, hi float64) Uni {
	nf := float64(n)
	v := m / nf
	se := math.NaN()
	if n > 1 {
		se = math.Sqrt(m / (nf * (nf - 1)))
	}
	return Uni{Count: nf, Mean: mean, Variance: v, Stddev: math.Sqrt(v), Min: lo, Max: hi, Stderr: se}
}

// extreme is v[i], or NaN when the snapshot carries no extreme for attribute i.
func extreme(v []float64, i int) float64 {
	if i < len(v) {
		return v[i]
	}
	return math.NaN()
}

// keyPrefix is "<name>." when a metric reports several attributes, "" for one.
func keyPrefix(s *Snapshot, i int, several bool) string {
	if !several {
		return ""
	}
	return s.Names[i] + "."
}
