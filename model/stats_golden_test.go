package model

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

// The golden tests of the models (model_ref_test.go and the algo tests) start from
// reference moments computed in two passes over the rows. These tests close the loop: the
// golden data learned through DataFrames into real projects — the engine of docs/statistics.md
// section 1 — gives the golden statistics at 1e-9 relative, and models built from the
// engine's snapshots predict what the reference snapshots' models predict.

// learnRef learns the reference data set into a new project through DataFrames of 37 rows
// (so that several messages and a first-row shift are exercised).
func learnRef(t *testing.T, r *refData) *Project {
	t.Helper()
	typ, params := TypeCPU, map[string]string(nil)
	if r.part != nil {
		typ, params = TypePartition, map[string]string{"partitionSplit": r.partCol}
	}
	p, err := NewProject("golden", typ, params)
	if err != nil {
		t.Fatal(err)
	}
	// Source columns: C columns by name; the T-derived B columns of one base as one T column.
	var names, types []string
	var tBase string
	var tCols []int
	for i, n := range r.names {
		if r.base[i] != "" {
			tBase = r.base[i]
			tCols = append(tCols, i)
			continue
		}
		names = append(names, n)
		types = append(types, r.kinds[i].String())
	}
	if tBase != "" {
		names, types = append(names, tBase), append(types, "T")
	}
	if r.part != nil {
		names, types = append(names, r.partCol), append(types, "S")
	}
	var parser dataframe.Parser
	for lo := 0; lo < len(r.rows); lo += 37 {
		rows := make([][]string, 0, 37)
		for i := lo; i < min(lo+37, len(r.rows)); i++ {
			var cells []string
			for j, v := range r.rows[i] {
				if r.base[j] == "" {
					cells = append(cells, strconv.FormatFloat(v, 'g', -1, 64))
				}
			}
			if tBase != "" {
				for _, j := range tCols {
					if r.rows[i][j] == 1 {
						cells = append(cells, strings.TrimPrefix(r.names[j], tBase+"$"))
					}
				}
			}
			if r.part != nil {
				cells = append(cells, r.part[i])
			}
			rows = append(rows, cells)
		}
		f, err := parser.Parse([]byte(dfJSON(names, strings.Join(types, ""), rows)), dataframe.Options{PartitionColumn: p.PartitionColumn()})
		if err != nil {
			t.Fatal(err)
		}
		if err := learnVia(p, f); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// learnVia is how learnRef learns each DataFrame (TestStatsGoldenThroughDeltas changes it).
var learnVia = (*Project).Learn

// closeAll compares matrices or vectors element by element at the golden tolerance, on the
// scale of the largest element.
func closeAll(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	scale := maxAbs(want...)
	for i := range want {
		closeTo(t, fmt.Sprintf("%s[%d]", what, i), got[i], want[i], goldenTol, scale)
	}
}

// sub is the d×d block of the rows and columns idx of a w×w row-major matrix.
func sub(m []float64, w int, idx []int) []float64 {
	out := make([]float64, 0, len(idx)*len(idx))
	for _, i := range idx {
		for _, j := range idx {
			out = append(out, m[i*w+j])
		}
	}
	return out
}

type irisStats struct {
	Stats struct {
		N              int64         `json:"n"`
		ClassCounts    []int64       `json:"class_counts"`
		ClassMeans     [][]float64   `json:"class_means"`
		ClassM2        [][][]float64 `json:"class_M2"`
		ClassCovDdof1  [][][]float64 `json:"class_cov_ddof1"`
		SW             [][]float64   `json:"within_scatter_SW"`
		SB             [][]float64   `json:"between_scatter_SB"`
		TotalM2        [][]float64   `json:"total_M2"`
		PooledNMinusK  [][]float64   `json:"pooled_cov_n_minus_K"`
		PooledN        [][]float64   `json:"pooled_cov_n"`
		OverallMean    []float64     `json:"overall_mean"`
		OverallVarDdof []float64     `json:"overall_var_ddof0"`
	} `json:"stats"`
}

// TestStatsGoldenIrisThroughEngine: iris learned into a partition project (species typed
// S) and a cpu project (species typed T) gives scikit-learn's class counts, means,
// co-moments, covariances, within and between scatter, pooled covariances, total
// co-moments and overall means and variances at 1e-9.
func TestStatsGoldenIrisThroughEngine(t *testing.T) {
	g := loadIris(t)
	var gs irisStats
	loadJSON(t, "testdata/iris_classifiers.json", &gs)
	st := gs.Stats
	in := []int{0, 1, 2, 3}

	part := learnRef(t, irisPartition(g)).Snapshot()
	cpu := learnRef(t, irisCPU(g)).Snapshot()
	for name, s := range map[string]*Snapshot{"partition": part, "cpu": cpu} {
		tot := s.Total
		if tot.N != st.N {
			t.Fatalf("%s: n %d, want %d", name, tot.N, st.N)
		}
		closeAll(t, name+" overall mean", tot.Mean[:4], st.OverallMean)
		closeAll(t, name+" total M2", sub(tot.M, len(tot.Mean), in), flat(st.TotalM2))
		v := make([]float64, 4)
		for i := range v {
			v[i] = tot.At(i, i) / float64(tot.N)
		}
		closeAll(t, name+" overall variance", v, st.OverallVarDdof)
	}

	// Classes from the partitions (sorted: setosa, versicolor, virginica, the target order).
	if len(part.Partitions) != 3 {
		t.Fatalf("%d partitions", len(part.Partitions))
	}
	k := float64(len(part.Partitions))
	n := float64(part.Total.N)
	sw := make([]float64, 16)
	sb := make([]float64, 16)
	for c, p := range part.Partitions {
		if p.Value != g.Data.TargetNames[c] || p.N != st.ClassCounts[c] {
			t.Fatalf("partition %d: %q with %d rows, want %q with %d", c, p.Value, p.N, g.Data.TargetNames[c], st.ClassCounts[c])
		}
		closeAll(t, "class mean "+p.Value, p.Mean, st.ClassMeans[c])
		m2 := sub(p.M, 4, in)
		closeAll(t, "class M2 "+p.Value, m2, flat(st.ClassM2[c]))
		cov := make([]float64, 16)
		for i := range m2 {
			cov[i] = m2[i] / float64(p.N-1)
			sw[i] += m2[i]
		}
		closeAll(t, "class covariance "+p.Value, cov, flat(st.ClassCovDdof1[c]))
		for i := range 4 {
			for j := range 4 {
				sb[i*4+j] += float64(p.N) * (p.Mean[i] - part.Total.Mean[i]) * (p.Mean[j] - part.Total.Mean[j])
			}
		}
	}
	closeAll(t, "within scatter", sw, flat(st.SW))
	closeAll(t, "between scatter", sb, flat(st.SB))
	pk, pn := make([]float64, 16), make([]float64, 16)
	for i := range sw {
		pk[i], pn[i] = sw[i]/(n-k), sw[i]/n
	}
	closeAll(t, "pooled covariance (n−K)", pk, flat(st.PooledNMinusK))
	closeAll(t, "pooled covariance (n)", pn, flat(st.PooledN))

	// Classes from the T columns of the cpu project: n_k = Σ g_k, Σ x g_k = M_xg + n μ_x μ_g.
	w := len(cpu.Total.Mean)
	for c, label := range g.Data.TargetNames {
		gi, ok := cpu.Index("species$" + label)
		if !ok {
			t.Fatalf("no column species$%s", label)
		}
		nk := cpu.Total.Mean[gi] * n
		if math.Abs(nk-float64(st.ClassCounts[c])) > 1e-9 {
			t.Fatalf("class %s: %v rows, want %d", label, nk, st.ClassCounts[c])
		}
		means := make([]float64, 4)
		for j := range 4 {
			sxg := cpu.Total.M[j*w+gi] + n*cpu.Total.Mean[j]*cpu.Total.Mean[gi]
			means[j] = sxg / nk
		}
		closeAll(t, "class mean from indicators "+label, means, st.ClassMeans[c])
	}
}

type diabetesStats struct {
	StatsXy struct {
		N       int64       `json:"n"`
		Mean    []float64   `json:"mean"`
		M2      [][]float64 `json:"M2"`
		CovDdof [][]float64 `json:"cov_ddof0"`
		Cov1    [][]float64 `json:"cov_ddof1"`
	} `json:"stats_Xy"`
}

// TestStatsGoldenDiabetesThroughEngine: the 442 × 11 diabetes data (10 inputs and y)
// learned into a cpu project gives numpy's n, means, co-moments and covariances at 1e-9.
func TestStatsGoldenDiabetesThroughEngine(t *testing.T) {
	g := loadDiabetes(t)
	var gs diabetesStats
	loadJSON(t, "testdata/diabetes_regression.json", &gs)
	st := gs.StatsXy
	s := learnRef(t, diabetesCPU(g)).Snapshot()
	if s.Total.N != st.N {
		t.Fatalf("n %d, want %d", s.Total.N, st.N)
	}
	closeAll(t, "mean", s.Total.Mean, st.Mean)
	closeAll(t, "M2", s.Total.M, flat(st.M2))
	c0, c1 := make([]float64, len(s.Total.M)), make([]float64, len(s.Total.M))
	for i, v := range s.Total.M {
		c0[i], c1[i] = v/float64(st.N), v/float64(st.N-1)
	}
	closeAll(t, "covariance ddof 0", c0, flat(st.CovDdof))
	closeAll(t, "covariance ddof 1", c1, flat(st.Cov1))
}

// TestModelsThroughEngine: every algorithm built from the engine's snapshot predicts what
// the same algorithm built from the reference snapshot predicts (which the golden tests
// pin to scikit-learn and statsmodels), at 1e-9 of each output's scale.
func TestModelsThroughEngine(t *testing.T) {
	g := loadIris(t)
	d := loadDiabetes(t)
	cases := []struct {
		ref  *refData
		algo string
		ctx  MLContext
		rows [][]float64
	}{
		{irisCPU(g), "lda", MLContext{InputNames: irisNames, TargetNames: []string{"species$virginica"}}, g.XRows},
		{irisCPU(g), "mlda", MLContext{InputNames: irisNames, TargetNames: []string{"species"}}, g.XRows},
		{irisPartition(g), "mlda", MLContext{InputNames: irisNames}, g.XRows},
		{irisPartition(g), "mqda", MLContext{InputNames: irisNames}, g.XRows},
		{irisPartition(g), "bayes", MLContext{InputNames: irisNames}, g.XRows},
		{diabetesCPU(d), "mlr", MLContext{InputNames: d.Data.FeatureNames, TargetNames: []string{"y"}}, d.Data.X[:20]},
		{diabetesCPU(d), "ridge", MLContext{InputNames: d.Data.FeatureNames, TargetNames: []string{"y"}, Extra: map[string]string{"alpha": "1"}}, d.Data.X[:20]},
		{diabetesCPU(d), "lasso", MLContext{InputNames: d.Data.FeatureNames, TargetNames: []string{"y"}, Extra: map[string]string{"lambda": "0.1"}}, d.Data.X[:20]},
	}
	for _, c := range cases {
		t.Run(c.algo+"/"+c.ref.snapshot().Type, func(t *testing.T) {
			engine := mustBuild(t, learnRef(t, c.ref).Snapshot(), c.algo, c.ctx)
			ref := mustBuild(t, c.ref.snapshot(), c.algo, c.ctx)
			for r, x := range c.rows {
				got, want := predictOne(engine, x), predictOne(ref, x)
				for i, o := range engine.Outputs() {
					if o.Kind != OutputNumber {
						if got[i] != want[i] {
							t.Fatalf("row %d %s: %v, want %v", r, o.Key, got[i], want[i])
						}
						continue
					}
					// Posteriors: compare in log space; others on their own scale.
					gv, wv := got[i], want[i]
					if strings.Contains("setosa versicolor virginica prob Prob", o.Key) && wv > 0 {
						gv, wv = math.Log(gv), math.Log(wv)
					}
					closeTo(t, fmt.Sprintf("row %d %s", r, o.Key), gv, wv, goldenTol, math.Max(1, math.Abs(wv)))
				}
			}
		})
	}
}

// TestModelAfterForgetEqualsRemaining: learning every diabetes row and then forgetting the
// first 142 gives the models of learning only the last 300, to 1e-9 (the shift differs:
// the first row learned is not the same, so the sums are not bit-identical).
func TestModelAfterForgetEqualsRemaining(t *testing.T) {
	d := loadDiabetes(t)
	all := diabetesCPU(d)
	first, rest := *all, *all
	first.rows, rest.rows = all.rows[:142], all.rows[142:]
	p := learnRef(t, all)
	var parser dataframe.Parser
	// Forget the first rows through a frame built the way learnRef builds them.
	f, err := parser.Parse(frameOf(t, &first), dataframe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Forget(f); err != nil {
		t.Fatal(err)
	}
	want := learnRef(t, &rest).Snapshot()
	got := p.Snapshot()
	if got.Total.N != 300 {
		t.Fatalf("%d rows after forgetting, want 300", got.Total.N)
	}
	for _, algo := range []string{"mlr", "ridge"} {
		ctx := MLContext{InputNames: d.Data.FeatureNames, TargetNames: []string{"y"}, Extra: map[string]string{}}
		if algo == "ridge" {
			ctx.Extra["alpha"] = "0.5"
		}
		mg, mw := mustBuild(t, got, algo, ctx), mustBuild(t, want, algo, ctx)
		for r, x := range d.Data.X[:30] {
			closeTo(t, fmt.Sprintf("%s row %d", algo, r), predictOne(mg, x)[0], predictOne(mw, x)[0], goldenTol, 100)
		}
		ig, iw := mg.Info(), mw.Info()
		for i := range iw.Coefficients {
			closeTo(t, algo+" coefficient "+iw.Coefficients[i].Name, ig.Coefficients[i].Coef, iw.Coefficients[i].Coef, goldenTol, 1000)
			closeTo(t, algo+" std.error "+iw.Coefficients[i].Name, ig.Coefficients[i].StdErr, iw.Coefficients[i].StdErr, goldenTol, 1000)
		}
	}
}

// frameOf is the learn DataFrame of every row of r (C columns only).
func frameOf(t *testing.T, r *refData) []byte {
	t.Helper()
	rows := make([][]string, len(r.rows))
	for i, row := range r.rows {
		for _, v := range row {
			rows[i] = append(rows[i], strconv.FormatFloat(v, 'g', -1, 64))
		}
	}
	return []byte(dfJSON(r.names, strings.Repeat("C", len(r.names)), rows))
}
