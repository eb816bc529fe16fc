package model

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// exactMoments is the reference: means and centred co-moments of rows computed with
// math/big (exact sums, then one rounding per quantity).
func exactMoments(rows [][]float64, d int) (mean, m []float64) {
	n := new(big.Float).SetPrec(bigPrec).SetInt64(int64(len(rows)))
	mu := make([]*big.Float, d)
	for i := range d {
		s := bigOf()
		for _, r := range rows {
			s.Add(s, bigOf(r[i]))
		}
		mu[i] = s.Quo(s, n)
	}
	mean = make([]float64, d)
	m = make([]float64, d*d)
	for i := range d {
		mean[i], _ = mu[i].Float64()
		for j := range d {
			s := bigOf()
			for _, r := range rows {
				a := new(big.Float).SetPrec(bigPrec).Sub(bigOf(r[i]), mu[i])
				b := new(big.Float).SetPrec(bigPrec).Sub(bigOf(r[j]), mu[j])
				s.Add(s, a.Mul(a, b))
			}
			m[i*d+j], _ = s.Float64()
		}
	}
	return mean, m
}

func allShifted(d int) []bool {
	b := make([]bool, d)
	for i := range b {
		b[i] = true
	}
	return b
}

// learnRows learns (sign 1) or forgets (−1) rows as one message: one addRows call.
func learnRows(s *summary, rows [][]float64, shifted []bool, sign float64) {
	s.addRows(denseSource(rows, s.dim()), shifted, sign)
	if s.n == 0 {
		s.reset()
	}
}

// denseSource is a rowSource of rows given in attribute order.
func denseSource(rows [][]float64, d int) *rowSource {
	src := &rowSource{width: d, col: make([]int, d), n: len(rows)}
	for i := range src.col {
		src.col[i] = i
	}
	for _, r := range rows {
		src.vals = append(src.vals, r[:d]...)
	}
	return src
}

// checkMoments compares m against the exact reference within tol relative to the scale of
// each quantity family (|mean| or the column's spread for means; sqrt(M_ii·M_jj) for M).
func checkMoments(t *testing.T, m Moments, rows [][]float64, tol float64) {
	t.Helper()
	d := m.Dim()
	mean, want := exactMoments(rows, d)
	if m.N != int64(len(rows)) {
		t.Fatalf("n = %d, want %d", m.N, len(rows))
	}
	for i := range d {
		scale := math.Max(math.Abs(mean[i]), math.Sqrt(want[i*d+i]/float64(len(rows))))
		if math.Abs(m.Mean[i]-mean[i]) > tol*scale {
			t.Fatalf("mean[%d] = %v, want %v", i, m.Mean[i], mean[i])
		}
		for j := range d {
			scale := math.Sqrt(want[i*d+i] * want[j*d+j])
			if math.Abs(m.At(i, j)-want[i*d+j]) > tol*scale {
				t.Fatalf("M[%d,%d] = %v, want %v (rel %g)", i, j, m.At(i, j), want[i*d+j], math.Abs(m.At(i, j)-want[i*d+j])/scale)
			}
		}
	}
}

func randRows(r *rand.Rand, n, d int) [][]float64 {
	rows := make([][]float64, n)
	for i := range rows {
		rows[i] = make([]float64, d)
		for j := range d {
			switch j % 3 {
			case 0:
				rows[i][j] = math.Round(r.NormFloat64()*1000) / 100 // "12.34"
			case 1:
				rows[i][j] = 1e6 + r.NormFloat64()
			default:
				rows[i][j] = float64(r.IntN(2))
			}
		}
	}
	return rows
}

func TestSummaryMomentsMatchExact(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, d := range []int{1, 3, 7} {
		rows := randRows(r, 300, d)
		s := newSummary(d)
		learnRows(s, rows, allShifted(d), 1)
		checkMoments(t, s.moments(), rows, 1e-14)
	}
}

// TestSummaryForgetRestoresBits: learn base, learn extra, forget extra (the same rows in
// the same order, as one message or row by row as they were learned) gives back the state
// after base, bit for bit; forgetting them in another order gives it back within the
// blocked accumulation's bound (TestBlockErrorBound), here 1e-13 of each moment's scale.
func TestSummaryForgetRestoresBits(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for trial := range 50 {
		d := 1 + trial%6
		base, extra := randRows(r, 50, d), randRows(r, 2*blockRows+30, d)
		s := newSummary(d)
		learnRows(s, base, allShifted(d), 1)
		want := s.clone()
		learnRows(s, extra, allShifted(d), 1)
		learnRows(s, extra, allShifted(d), -1)
		if !summaryEqual(s, want) {
			t.Fatalf("trial %d: forget did not restore the state", trial)
		}
		for _, row := range extra {
			learnRows(s, [][]float64{row}, allShifted(d), 1)
		}
		for _, row := range extra {
			learnRows(s, [][]float64{row}, allShifted(d), -1)
		}
		if !summaryEqual(s, want) {
			t.Fatalf("trial %d: forget row by row did not restore the state", trial)
		}
		learnRows(s, extra, allShifted(d), 1)
		r.Shuffle(len(extra), func(i, j int) { extra[i], extra[j] = extra[j], extra[i] })
		learnRows(s, extra, allShifted(d), -1)
		checkMoments(t, s.moments(), base, 1e-13)
	}
}

func summaryEqual(a, b *summary) bool {
	if a.n != b.n || len(a.k) != len(b.k) || len(a.s2) != len(b.s2) {
		return false
	}
	for i := range a.k {
		if math.Float64bits(a.k[i]) != math.Float64bits(b.k[i]) || a.s1[i] != b.s1[i] {
			return false
		}
	}
	for i := range a.s2 {
		if a.s2[i] != b.s2[i] {
			return false
		}
	}
	return true
}

// TestSummaryMergeEqualsLearningBoth: merging summaries of two row sets (with different
// shifts) gives the moments of learning both.
func TestSummaryMergeEqualsLearningBoth(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for trial := range 30 {
		d := 1 + trial%5
		a, b := randRows(r, 40, d), randRows(r, 70, d)
		for _, row := range b {
			row[0] += 1e4 // a different shift
		}
		sa, sb := newSummary(d), newSummary(d)
		learnRows(sa, a, allShifted(d), 1)
		learnRows(sb, b, allShifted(d), 1)
		sa.merge(sb)
		checkMoments(t, sa.moments(), append(append([][]float64{}, a...), b...), 1e-14)
	}
	// Into an empty summary: a copy.
	b := randRows(r, 10, 3)
	sa, sb := newSummary(3), newSummary(3)
	learnRows(sb, b, allShifted(3), 1)
	sa.merge(sb)
	if !summaryEqual(sa, sb) {
		t.Fatal("merge into an empty summary is not a copy")
	}
}

func TestSummaryPermuted(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	rows := randRows(r, 20, 3)
	s := newSummary(3)
	learnRows(s, rows, allShifted(3), 1)
	to := []int{4, 0, 2} // into 5 attributes; 1 and 3 absent (0 in these rows)
	p := s.permuted(5, to)
	wide := make([][]float64, len(rows))
	for i, row := range rows {
		wide[i] = make([]float64, 5)
		for j, tj := range to {
			wide[i][tj] = row[j]
		}
	}
	checkMoments(t, p.moments(), wide, 1e-14)
}

// TestSummaryHardNumerics: mean 1e9, standard deviation 1 — the variance stays within
// 1e-9 of the exact value after learning 2000 rows and after forgetting all but the last 5.
func TestSummaryHardNumerics(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	rows := make([][]float64, 2000)
	for i := range rows {
		rows[i] = []float64{1e9 + r.NormFloat64()}
	}
	s := newSummary(1)
	learnRows(s, rows, []bool{true}, 1)
	checkVariance := func(rows [][]float64) {
		t.Helper()
		_, m := exactMoments(rows, 1)
		got := s.moments()
		if rel := math.Abs(got.M[0]-m[0]) / m[0]; rel > 1e-9 {
			t.Fatalf("variance relative error %g with %d rows", rel, len(rows))
		} else {
			t.Logf("%d rows: variance relative error %.2g", len(rows), rel)
		}
	}
	checkVariance(rows)
	learnRows(s, rows[:1995], []bool{true}, -1)
	checkVariance(rows[1995:])
}
