package model

import (
	"math"

	"github.com/symscore/symscore/dataframe"
)

// bi relates two inputs x and y (C or B, in context order; no target). Keys, in order:
//
//	covar      M_xy/n (population, as SymetryML)
//	linCorr    Pearson's r = M_xy/√(M_xx·M_yy), clamped to [−1, 1] against rounding;
//	           NaN when x or y is constant
//	condCount  Σy: for a B y the rows with y = 1 (an exact count), for a C y its sum
//	condMean   Σxy/Σy, the mean of x weighted by y (for a B y: the mean of x over the rows
//	           with y = 1); NaN when Σy = 0
//
// Σxy = M_xy + n·μx·μy is evaluated in double-double and rounded once.
func (e *explorer) bi() ([]Stat, error) {
	if err := e.noTargets(); err != nil {
		return nil, err
	}
	if err := e.checkInputs(2, 2, "exactly two input attributes (x, y)", dataframe.TypeC, dataframe.TypeB); err != nil {
		return nil, err
	}
	t := &e.s.Total
	x, y := e.r.inputs[0], e.r.inputs[1]
	n := float64(t.N)
	mxy := t.At(x, y)
	b := biOf(t.N, t.At(x, x), t.At(y, y), mxy)
	sy := e.sum(y)
	p, pe := twoProd(t.Mean[x], t.Mean[y])
	sxy := ddAdd(ddMulFloat(dd{p, pe}, n), dd{mxy, 0}).float()
	cm := math.NaN()
	if sy != 0 {
		cm = sxy / sy
	}
	return []Stat{
		{"covar", b.Covar},
		{"linCorr", b.LinCorr},
		{"condCount", sy},
		{"condMean", cm},
	}, nil
}

// sum is Σ x_i over the rows, n·μ_i, rounded to the exact count for a B attribute.
func (e *explorer) sum(i int) float64 {
	v := float64(e.s.Total.N) * e.s.Total.Mean[i]
	if e.kind(i) == dataframe.TypeB {
		v = math.Round(v)
	}
	return v
}

// Bi is the part of the bi metric of a pair x, y that needs its moments alone: covar and
// linCorr.
type Bi struct {
	Covar, LinCorr float64
}

// biOf is covar and linCorr from the row count n and the centred co-moments M_xx, M_yy
// and M_xy: what explore's bi reports and what a live subscription sends (Project.Read),
// from the one formula.
func biOf(n int64, mxx, myy, mxy float64) Bi {
	corr := math.NaN()
	if mxx > 0 && myy > 0 {
		corr = math.Max(-1, math.Min(1, mxy/(math.Sqrt(mxx)*math.Sqrt(myy))))
	}
	return Bi{Covar: mxy / float64(n), LinCorr: corr}
}
