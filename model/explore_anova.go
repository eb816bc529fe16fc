package model

import (
	"math"

	"github.com/symscore/symscore/dataframe"
)

// anova is the one-way analysis of variance of one input x (C or B) across groups. The
// groups are the classes of the target, as for mlda: a T attribute (its "name$value"
// columns), several B columns, one B column (groups y = 0 and y = 1), or in a partition
// project the partition column (also when no target is given). Groups without rows are
// left out. Keys, in order:
//
//	SSb, SSw  between- and within-group sums of squares
//	Dfb, Dfw  K − 1 and n − K for K groups with rows
//	MSb, MSw  SSb/Dfb, SSw/Dfw
//	F, P      MSb/MSw and P(F(Dfb, Dfw) > F)
//
// From indicator columns the group means come from the cross-moments M_{x,g_k} alone:
// SSb = Σ_k M_{x,g_k}²/n_k and SSw = M_xx − SSb, so it works on a cpu project. The columns
// must partition the rows (each row in exactly one group), which the counts Σ g_k and
// Σ g_a·g_b check exactly; otherwise it is refused. From partitions SSw = Σ_k M_k,xx and
// SSb = M_xx − SSw.
//
// When every group is constant, MSw = 0: F is +Inf and P 0 if the group means differ, and
// both are NaN if x is constant (NaN and ±Inf are written as null).
func (e *explorer) anova() ([]Stat, error) {
	if err := e.checkInputs(1, 1, "exactly one input attribute", dataframe.TypeC, dataframe.TypeB); err != nil {
		return nil, err
	}
	ind, partitions, err := e.classes()
	if err != nil {
		return nil, err
	}
	t := &e.s.Total
	x := e.r.inputs[0]
	w := len(t.Mean)
	sst := t.At(x, x)
	var ssb, ssw, n float64
	var k int
	if partitions {
		cs := classesFromPartitions(e.s, e.r.inputs)
		k, n = len(cs.counts), cs.n
		ssw = cs.sw[0]
		ssb = math.Max(0, sst-ssw)
	} else {
		kept, counts, err := indicatorCounts(e.s, ind, "target")
		if err != nil {
			return nil, err
		}
		k, n = len(counts), float64(t.N)
		for g, c := range kept {
			co := t.M[x*w+c.col] // the sign of 1−y does not matter once squared
			ssb += co * co / counts[g]
		}
		ssw = math.Max(0, sst-ssb)
	}
	if k < 2 {
		return nil, errorf("anova needs rows in at least two groups, got %d", k)
	}
	dfb, dfw := float64(k-1), n-float64(k)
	if !(dfw > 0) {
		return nil, errorf("anova needs more rows than groups (%.0f rows, %d groups)", n, k)
	}
	msb, msw := ssb/dfb, ssw/dfw
	f := msb / msw
	return []Stat{
		{"SSb", ssb}, {"SSw", ssw},
		{"Dfb", dfb}, {"Dfw", dfw},
		{"MSb", msb}, {"MSw", msw},
		{"F", f}, {"P", fSurvival(f, dfb, dfw)},
	}, nil
}
