package model

import (
	"math"

	"github.com/symscore/symscore/dataframe"
)

// chi2 is Pearson's chi-square test of independence between the categories of the inputs
// (the rows of the contingency table) and those of the targets (its columns), all B
// columns. On each side one column x stands for the two categories x = 1 and x = 0;
// several columns (a T attribute's, or B columns named one by one) are the categories
// themselves and must be one-hot: every row in exactly one, checked exactly from the
// counts. Categories without rows are left out; each side needs two with rows.
//
// The cells come from the moments alone: Σ x·y = M_xy + n·μx·μy, an exact count since B
// sums are exact, and Σ (1−x)·y = Σy − Σx·y and so on. Keys, in order:
//
//	chiStat  Σ (n_ij − E_ij)²/E_ij with E_ij = r_i·c_j/n (no continuity correction)
//	df       (r − 1)(c − 1)
//	pval     P(χ²(df) > chiStat), the regularized upper incomplete gamma function
func (e *explorer) chi2() ([]Stat, error) {
	if err := e.checkInputs(1, -1, "at least one input attribute", dataframe.TypeB); err != nil {
		return nil, err
	}
	if err := e.columnTargets(); err != nil {
		return nil, err
	}
	if len(e.r.targets) == 0 {
		return nil, errorf("chi2 needs at least one target attribute")
	}
	for _, c := range e.r.targets {
		if k := e.kind(c); k != dataframe.TypeB {
			return nil, errorf("chi2 target %s has type %s; it must be B", quote(e.s.Names[c]), kindName(k))
		}
	}
	rows, rc, err := e.categories(e.r.inputs, "input")
	if err != nil {
		return nil, err
	}
	cols, cc, err := e.categories(e.r.targets, "target")
	if err != nil {
		return nil, err
	}
	n := float64(e.s.Total.N)
	var chi float64
	for i, a := range rows {
		for j, b := range cols {
			want := rc[i] * cc[j] / n
			d := e.joint(a, b) - want
			chi += d * d / want
		}
	}
	df := float64((len(rows) - 1) * (len(cols) - 1))
	return []Stat{{"chiStat", chi}, {"df", df}, {"pval", chiSquareSurvival(chi, df)}}, nil
}

// categories turns one side's columns into indicators with rows, and their counts.
func (e *explorer) categories(cols []int, role string) ([]indicator, []float64, error) {
	var ind []indicator
	if len(cols) == 1 {
		ind = []indicator{{name: "1", col: cols[0]}, {name: "0", col: cols[0], neg: true}}
	} else {
		for _, c := range cols {
			ind = append(ind, indicator{name: e.s.Names[c], col: c})
		}
	}
	kept, counts, err := indicatorCounts(e.s, ind, role)
	if err != nil {
		return nil, nil, err
	}
	if len(kept) < 2 {
		return nil, nil, errorf("chi2 needs at least two %s categories with rows, got %d", role, len(kept))
	}
	return kept, counts, nil
}

// joint is the number of rows in both categories a and b.
func (e *explorer) joint(a, b indicator) float64 {
	t := &e.s.Total
	n := float64(t.N)
	ab := math.Round(t.At(a.col, b.col) + n*t.Mean[a.col]*t.Mean[b.col])
	na, nb := e.sum(a.col), e.sum(b.col)
	switch {
	case !a.neg && !b.neg:
		return ab
	case a.neg && !b.neg:
		return nb - ab
	case !a.neg && b.neg:
		return na - ab
	}
	return n - na - nb + ab
}
