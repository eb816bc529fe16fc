package model

import (
	"math"

	"github.com/symscore/symscore/dataframe"
)

// ttest compares the mean of one input x (C or B) between two groups, named by two B
// targets: group A is the rows where the first is 1, group B where the second is 1. The
// difference is mean(A) − mean(B). Keys, in order:
//
//	t, tdf, tp      Student's pooled test: t, its degrees of freedom n_A + n_B − 2, and the
//	                two-sided p-value
//	tu, tdfu, tpu   Welch's unequal-variance test: t, the Welch–Satterthwaite degrees of
//	                freedom, and the two-sided p-value
//
// The within-group variances need Σx² over each group, a moment a cpu summary does not
// have, so ttest needs a partition project in which each target is constant (all 0 or
// all 1) within every partition: a group is the union of the partitions where its column
// is 1, merged with M = Σ M_k + Σ n_k(μ_k − μ_G)² (the partition's own M when a group is
// one partition; else exact up to the rounding of the partition means). The difference of
// the means comes from the total co-moments, μ_G − μ = M_{x,g}/n_G, so a large common mean
// costs no digits. The groups must not share a row and need at least 2 rows each.
//
// When both groups are constant the standard error is 0: t and tu are ±Inf (p-values 0)
// if the means differ, NaN otherwise, and tdfu is NaN (written as null).
func (e *explorer) ttest() ([]Stat, error) {
	if err := e.checkInputs(1, 1, "exactly one input attribute", dataframe.TypeC, dataframe.TypeB); err != nil {
		return nil, err
	}
	if err := e.columnTargets(); err != nil {
		return nil, err
	}
	s, tg := e.s, e.r.targets
	if len(tg) != 2 {
		return nil, errorf("ttest needs exactly two B targets (groups A and B), got %d", len(tg))
	}
	for _, c := range tg {
		if k := e.kind(c); k != dataframe.TypeB {
			return nil, errorf("ttest target %s must be B, not %s", quote(s.Names[c]), kindName(k))
		}
	}
	if s.Type != TypePartition {
		return nil, errorf("ttest needs a partition project whose partitions hold the groups: the within-group variances need Σx² per group, which a cpu project does not keep")
	}
	x := e.r.inputs[0]
	var g [2]groupMoments
	for pi := range s.Partitions {
		p := &s.Partitions[pi]
		if p.N <= 0 {
			continue
		}
		var in [2]bool
		for k, c := range tg {
			var ones float64
			if c < len(p.Mean) {
				ones = math.Round(float64(p.N) * p.Mean[c])
			}
			switch ones {
			case 0:
			case float64(p.N):
				in[k] = true
			default:
				return nil, errorf("ttest target %s is not constant within partition %s (%.0f of %d rows are 1): each group must be a union of partitions", quote(s.Names[c]), quote(p.Value), ones, p.N)
			}
		}
		if in[0] && in[1] {
			return nil, errorf("ttest: the rows of partition %s are in both groups, %s and %s", quote(p.Value), quote(s.Names[tg[0]]), quote(s.Names[tg[1]]))
		}
		for k := range in {
			if in[k] {
				g[k].add(&p.Moments, x)
			}
		}
	}
	for k := range g {
		if g[k].n < 2 {
			return nil, errorf("ttest group %s has %.0f rows; each group needs at least 2", quote(s.Names[tg[k]]), g[k].n)
		}
	}
	t := &s.Total
	w := len(t.Mean)
	a, b := &g[0], &g[1]
	diff := t.M[x*w+tg[0]]/a.n - t.M[x*w+tg[1]]/b.n
	ma, mb := a.m(), b.m()

	df := a.n + b.n - 2
	sp2 := (ma + mb) / df
	tp := diff / math.Sqrt(sp2*(1/a.n+1/b.n))

	va, vb := ma/(a.n-1)/a.n, mb/(b.n-1)/b.n // squared standard errors of the means
	tu := diff / math.Sqrt(va+vb)
	dfu := (va + vb) * (va + vb) / (va*va/(a.n-1) + vb*vb/(b.n-1))
	return []Stat{
		{"t", tp}, {"tdf", df}, {"tp", tTwoSided(tp, df)},
		{"tu", tu}, {"tdfu", dfu}, {"tpu", tTwoSided(tu, dfu)},
	}, nil
}

// groupMoments merges the moments of one attribute over the partitions of a group.
type groupMoments struct {
	n     float64
	parts []partMoment
}

// partMoment is one partition's count, mean and co-moment of the attribute.
type partMoment struct{ n, mean, m float64 }

// add merges partition p's moments of attribute x (0 if x joined after p's rows).
func (g *groupMoments) add(p *Moments, x int) {
	pm := partMoment{n: float64(p.N)}
	if x < len(p.Mean) {
		pm.mean, pm.m = p.Mean[x], p.At(x, x)
	}
	g.n += pm.n
	g.parts = append(g.parts, pm)
}

// m is the group's centred second moment Σ M_k + Σ n_k(μ_k − μ_G)².
func (g *groupMoments) m() float64 {
	if len(g.parts) == 1 {
		return g.parts[0].m
	}
	var mean float64
	for _, p := range g.parts {
		mean += p.n * p.mean
	}
	mean /= g.n
	var m float64
	for _, p := range g.parts {
		d := p.mean - mean
		m += p.m + p.n*d*d
	}
	return m
}
