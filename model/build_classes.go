package model

import (
	"math"
	"strings"
)

// classStats are the per-class statistics of the inputs, derived from the snapshot without
// seeing a row again.
type classStats struct {
	names  []string
	counts []float64 // n_k
	n      float64   // Σ n_k
	means  []float64 // K×d class means of the inputs, row-major
	// sw is the within-class scatter S_W = Σ_k Σ_{x in k} (x−μ_k)(x−μ_k)ᵀ, d×d.
	sw []float64
	// m holds each class's co-moment matrix (d×d); partition classes only.
	m [][]float64
}

// indicator is a class given by a 0/1 column: rows with col = 1, or with col = 0 when neg.
type indicator struct {
	name string
	col  int
	neg  bool
}

// classesFromIndicators derives class statistics from the total moments and the indicator
// columns alone: with y_k the indicator of class k, n_k = n·μ_{y_k}, μ_k = μ + M_{x,y_k}/n_k and
// the between-class scatter is S_B = Σ_k M_{x,y_k} M_{x,y_k}ᵀ / n_k, so S_W = M_xx − S_B needs
// only the pairwise co-moments of the inputs with the indicators.
//
// Classes with no rows (all forgotten) are left out. The indicators must partition the rows:
// every row in exactly one class; this is checked exactly from the counts (B sums are exact).
func classesFromIndicators(s *Snapshot, inputs []int, ind []indicator) (*classStats, error) {
	t := &s.Total
	d, w := len(inputs), len(t.Mean)
	kept, counts, err := indicatorCounts(s, ind, "target")
	if err != nil {
		return nil, err
	}
	cs := &classStats{n: float64(t.N), counts: counts}
	for _, c := range kept {
		cs.names = append(cs.names, c.name)
	}
	K := len(kept)
	cs.means = make([]float64, K*d)
	cs.sw = submatrix(t.M, w, inputs, inputs)
	co := make([]float64, d)
	for k, c := range kept {
		for j, in := range inputs {
			co[j] = t.M[in*w+c.col]
			if c.neg {
				co[j] = -co[j]
			}
			cs.means[k*d+j] = t.Mean[in] + co[j]/cs.counts[k]
		}
		for i := 0; i < d; i++ {
			f := co[i] / cs.counts[k]
			for j := 0; j < d; j++ {
				cs.sw[i*d+j] -= f * co[j]
			}
		}
	}
	return cs, nil
}

// indicatorCounts returns the indicators with rows and their row counts, and checks that
// they partition the rows: every row in exactly one class. The check is exact, from the
// counts Σ y_k and the pairwise Σ y_a·y_b (B sums are exact counts). role names the
// columns in messages ("target", "input").
func indicatorCounts(s *Snapshot, ind []indicator, role string) (kept []indicator, counts []float64, err error) {
	t := &s.Total
	w := len(t.Mean)
	n := float64(t.N)
	for _, c := range ind {
		mu := t.Mean[c.col]
		if c.neg {
			mu = 1 - mu
		}
		nk := math.Round(n * mu)
		if nk < 0 || nk > n || math.IsNaN(nk) {
			return nil, nil, errorf("%s %s is not a 0/1 attribute", role, quote(s.Names[c.col]))
		}
		if nk == 0 {
			continue
		}
		kept = append(kept, c)
		counts = append(counts, nk)
	}
	var sum float64
	for _, nk := range counts {
		sum += nk
	}
	if sum != n {
		return nil, nil, errorf("the %s columns do not cover every row once (%.0f of %.0f rows have a class): some rows have no class or several", role, sum, n)
	}
	// Rows in two classes at once: Σ y_a y_b = M_ab + n μ_a μ_b must be 0.
	for a := range kept {
		for b := a + 1; b < len(kept); b++ {
			ca, cb := kept[a], kept[b]
			if ca.col == cb.col {
				continue // y and 1−y
			}
			both := t.M[ca.col*w+cb.col] + n*t.Mean[ca.col]*t.Mean[cb.col]
			if math.Abs(both) >= 0.5 {
				return nil, nil, errorf("%.0f rows are both in class %s and in class %s", both, quote(ca.name), quote(cb.name))
			}
		}
	}
	return kept, counts, nil
}

// classesFromPartitions takes the classes of a partition project: one per partition with
// rows, with its exact moments.
func classesFromPartitions(s *Snapshot, inputs []int) *classStats {
	d := len(inputs)
	cs := &classStats{sw: make([]float64, d*d)}
	for i := range s.Partitions {
		p := &s.Partitions[i]
		if p.N <= 0 {
			continue
		}
		cs.names = append(cs.names, p.Value)
		cs.counts = append(cs.counts, float64(p.N))
		cs.n += float64(p.N)
		w := len(p.Mean)
		mk := make([]float64, d*d)
		for a, ia := range inputs {
			if ia < w {
				cs.means = append(cs.means, p.Mean[ia])
			} else {
				cs.means = append(cs.means, 0) // attribute joined later: 0 in these rows
			}
			for b, ib := range inputs {
				if ia < w && ib < w {
					mk[a*d+b] = p.M[ia*w+ib]
				}
			}
		}
		for j, v := range mk {
			cs.sw[j] += v
		}
		cs.m = append(cs.m, mk)
	}
	return cs
}

// className is the class name of a T-derived column: its value, without "base$".
func className(s *Snapshot, col int) string {
	if b := baseName(s, col); b != "" {
		if v, ok := strings.CutPrefix(s.Names[col], b+"$"); ok {
			return v
		}
	}
	return s.Names[col]
}
