package model

import (
	"fmt"
	"testing"
)

// checkLogPosteriors compares a classifier's log posteriors on the golden query rows with
// the reference, relative 1e-9 of the scale of each row's log posteriors.
func checkLogPosteriors(t *testing.T, m *Model, rows [][]float64, want [][]float64, pred []int) {
	t.Helper()
	K := len(m.Classes())
	got := make([]float64, K)
	for r, x := range rows {
		m.logPosteriors(x, got)
		scale := maxAbs(want[r]...)
		for k := 0; k < K; k++ {
			closeTo(t, fmt.Sprintf("row %d log P(%s)", r, m.Classes()[k]), got[k], want[r][k], goldenTol, scale)
		}
		out := predictOne(m, x)
		if int(out[0]) != pred[r] {
			t.Errorf("row %d: res = %v, want %d", r, out[0], pred[r])
		}
	}
}

func TestMLDAGoldenSVD(t *testing.T) {
	g := loadIris(t)
	cases := []struct {
		name string
		s    *Snapshot
		ctx  MLContext
	}{
		{"cpu T target by name", irisCPU(g).snapshot(), MLContext{InputNames: irisNames, TargetNames: []string{"species"}}},
		{"cpu class columns by index", irisCPU(g).snapshot(), MLContext{Inputs: []string{"0", "1", "2", "3"}, Targets: []string{"4", "5", "6"}}},
		{"partition target", irisPartition(g).snapshot(), MLContext{InputNames: irisNames, TargetNames: []string{"species"}}},
		{"partition, no target", irisPartition(g).snapshot(), MLContext{Inputs: []string{"0", "1", "2", "3"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := mustBuild(t, c.s, "mlda", c.ctx)
			if got := fmt.Sprint(m.Classes()); got != fmt.Sprint(g.Data.TargetNames) {
				t.Fatalf("classes %s, want %v", got, g.Data.TargetNames)
			}
			checkLogPosteriors(t, m, g.XRows, g.LDASVD.LogPosterior, g.LDASVD.Predict)
			// Raw-coordinate discriminant against scikit-learn's textbook coefficients.
			info := m.Info()
			coef, icpt := infoParam(t, info, "coef"), infoParam(t, info, "intercept")
			want := flat(g.LDASVD.TextbookCoef)
			for i := range want {
				closeTo(t, fmt.Sprintf("coef[%d]", i), coef[i], want[i], goldenTol, maxAbs(want...))
			}
			for i := range icpt {
				closeTo(t, fmt.Sprintf("intercept[%d]", i), icpt[i], g.LDASVD.TextbookIcpt[i], goldenTol, maxAbs(g.LDASVD.TextbookIcpt...))
			}
		})
	}
}

// TestLinearDiscGoldenLSQR checks the pooled discriminant with Σ = S_W/n (scikit-learn's
// "lsqr" solver): the covariance lda's prob uses.
func TestLinearDiscGoldenLSQR(t *testing.T) {
	g := loadIris(t)
	s := irisCPU(g).snapshot()
	cs, err := classesFromIndicators(s, []int{0, 1, 2, 3}, []indicator{{"setosa", 4, false}, {"versicolor", 5, false}, {"virginica", 6, false}})
	if err != nil {
		t.Fatal(err)
	}
	fit, err := fitLinearDisc(cs, 4, cs.n, func(a []float64) (*spd, error) { return factorSPD(a, 4, DefaultRcondTolerance) })
	if err != nil {
		t.Fatal(err)
	}
	m := &Model{algo: "mlda", fit: fit, classes: cs.names, inputs: irisNames}
	m.derive()
	checkLogPosteriors(t, m, g.XRows, g.LDALSQR.LogPosterior, g.LDASVD.Predict)
	coef, icpt := fit.textbook()
	want := flat(g.LDALSQR.Coef)
	for i := range want {
		closeTo(t, fmt.Sprintf("coef[%d]", i), coef[i], want[i], goldenTol, maxAbs(want...))
	}
	for i := range icpt {
		closeTo(t, fmt.Sprintf("intercept[%d]", i), icpt[i], g.LDALSQR.Intercept[i], goldenTol, maxAbs(g.LDALSQR.Intercept...))
	}
}

func TestClassStatsWithinScatter(t *testing.T) {
	g := loadIris(t)
	want := flat(g.Stats.SW)
	s := irisCPU(g).snapshot()
	cs, err := classesFromIndicators(s, []int{0, 1, 2, 3}, []indicator{{"setosa", 4, false}, {"versicolor", 5, false}, {"virginica", 6, false}})
	if err != nil {
		t.Fatal(err)
	}
	ps := classesFromPartitions(irisPartition(g).snapshot(), []int{0, 1, 2, 3})
	for i := range want {
		closeTo(t, fmt.Sprintf("S_W[%d] from indicators", i), cs.sw[i], want[i], goldenTol, maxAbs(want...))
		closeTo(t, fmt.Sprintf("S_W[%d] from partitions", i), ps.sw[i], want[i], goldenTol, maxAbs(want...))
	}
}

func TestMQDAGolden(t *testing.T) {
	g := loadIris(t)
	m := mustBuild(t, irisPartition(g).snapshot(), "mqda", MLContext{InputNames: irisNames, TargetNames: []string{"species"}})
	checkLogPosteriors(t, m, g.XRows, g.QDA.LogPosterior, g.QDA.Predict)
	for k, want := range g.QDA.LogDet {
		closeTo(t, fmt.Sprintf("log det Σ_%d", k), m.fit.(*discFit).logDet[k], want, goldenTol, 1)
	}
	want := flat(flat2(g.QDA.Covariances))
	for i := range want {
		closeTo(t, fmt.Sprintf("cov[%d]", i), m.fit.(*discFit).covs[i], want[i], goldenTol, maxAbs(want...))
	}
	// Posteriors are probabilities summing to 1.
	out := predictOne(m, g.XRows[7])
	var sum float64
	for _, p := range out[1:] {
		sum += p
	}
	closeTo(t, "Σ posteriors", sum, 1, 1e-15, 1)
}

func flat2(m [][][]float64) [][]float64 {
	var out [][]float64
	for _, r := range m {
		out = append(out, flat(r))
	}
	return out
}

func infoParam(t *testing.T, mi ModelInfo, name string) []float64 {
	t.Helper()
	for _, p := range mi.Params {
		if p.Name == name {
			return p.Values
		}
	}
	t.Fatalf("model info has no parameter %q", name)
	return nil
}
