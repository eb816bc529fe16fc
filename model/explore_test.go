package model

import (
	"errors"
	"strings"
	"testing"
)

// explore runs Explore or fails the test; it returns the keys in order and the values.
func explore(t testing.TB, s *Snapshot, metric string, ctx MLContext) ([]string, map[string]float64) {
	t.Helper()
	st, err := Explore(s, metric, ctx)
	if err != nil {
		t.Fatalf("Explore(%s): %v", metric, err)
	}
	keys := make([]string, len(st))
	vals := make(map[string]float64, len(st))
	for i, x := range st {
		if _, dup := vals[x.Key]; dup {
			t.Fatalf("Explore(%s): key %q twice", metric, x.Key)
		}
		keys[i] = x.Key
		vals[x.Key] = x.Value
	}
	return keys, vals
}

// value returns vals[key] or fails the test.
func value(t testing.TB, vals map[string]float64, key string) float64 {
	t.Helper()
	v, ok := vals[key]
	if !ok {
		t.Fatalf("no key %q", key)
	}
	return v
}

// irisProject learns the 150 iris rows through Project.Learn, so the snapshot has the
// extremes a real project keeps. Columns: the 4 measurements (C), then species (T), whose
// columns species$setosa, species$versicolor, species$virginica follow. A partition
// project is partitioned on species.
func irisProject(t testing.TB, g *irisGolden, typ string) *Project {
	t.Helper()
	var params map[string]string
	if typ == TypePartition {
		params = map[string]string{"partitionSplit": "species"}
	}
	p := newTestProject(t, typ, params)
	cells := numRows(g.Data.X)
	for i := range cells {
		cells[i] = append(cells[i], g.Data.TargetNames[g.Data.Y[i]])
	}
	learn(t, p, dfJSON(append(append([]string(nil), irisNames...), "species"), "CCCCT", cells))
	return p
}

// irisColumn is column j of the iris rows.
func irisColumn(g *irisGolden, j int) []float64 {
	out := make([]float64, len(g.Data.X))
	for i, x := range g.Data.X {
		out[i] = x[j]
	}
	return out
}

// wantError checks that err is an *Error whose message contains want.
func wantError(t *testing.T, err error, want string) {
	t.Helper()
	var me *Error
	if !errors.As(err, &me) {
		t.Fatalf("error %v (%T) is not *Error; want one saying %q", err, err, want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

// refusal is one Explore call that must fail with an *Error whose message contains want.
type refusal struct {
	name string
	s    *Snapshot
	ctx  MLContext
	want string
}

// checkRefusals runs each refusal of metric as a subtest.
func checkRefusals(t *testing.T, metric string, cases []refusal) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Explore(c.s, metric, c.ctx)
			wantError(t, err, c.want)
		})
	}
}

func TestExploreRefusals(t *testing.T) {
	g := loadIris(t)
	cpu := irisCPU(g).snapshot()
	gone := newTestProject(t, TypeCPU, nil)
	learn(t, gone, dfJSON([]string{"a"}, "C", [][]string{{"1"}, {"2"}}))
	forget(t, gone, dfJSON([]string{"a"}, "C", [][]string{{"2"}, {"1"}}))
	empty := gone.Snapshot()
	cases := []struct {
		name, metric string
		s            *Snapshot
		ctx          MLContext
		want         string
	}{
		{"unknown metric", "kurtosis", cpu, MLContext{Inputs: []string{"0"}}, `unknown exploration metric "kurtosis" (known: uni, bi, anova, ttest, chi2, pca)`},
		{"metric quoted at 40 bytes", strings.Repeat("m", 60), cpu, MLContext{}, `"` + strings.Repeat("m", 40) + `"...`},
		{"extra parameter", "uni", cpu, MLContext{Inputs: []string{"0"}, Extra: map[string]string{"z": "1", "alpha": "1"}}, `uni takes no extraParameters, got "alpha"`},
		{"bad context", "uni", cpu, MLContext{Inputs: []string{"0"}, TargetNames: []string{"species"}}, "not both"},
		{"unknown name", "uni", cpu, MLContext{InputNames: []string{"petal"}}, `unknown input attribute "petal"`},
		{"no rows", "uni", empty, MLContext{Inputs: []string{"0"}}, "cannot explore uni: the project has no rows"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Explore(c.s, c.metric, c.ctx)
			wantError(t, err, c.want)
		})
	}
}

// irisExploreGolden holds the exploration blocks of testdata/iris_classifiers.json.
type irisExploreGolden struct {
	Correlation [][]float64 `json:"correlation"`
	Cov         [][]float64 `json:"covariance_ddof1"`
	Stats       struct {
		ClassMeans [][]float64 `json:"class_means"`
	} `json:"stats"`
	Anova struct {
		F   []float64 `json:"F"`
		P   []float64 `json:"p"`
		Dfb float64   `json:"df_between"`
		Dfw float64   `json:"df_within"`
	} `json:"anova_f_classif"`
	TTest struct {
		PooledT  []float64 `json:"pooled_t"`
		PooledP  []float64 `json:"pooled_p"`
		PooledDf float64   `json:"pooled_df"`
		WelchT   []float64 `json:"welch_t"`
		WelchP   []float64 `json:"welch_p"`
		WelchDf  []float64 `json:"welch_df"`
	} `json:"ttest_setosa_vs_versicolor"`
	PCA struct {
		Mean       []float64   `json:"mean"`
		Variance   []float64   `json:"explained_variance"`
		Ratio      []float64   `json:"explained_variance_ratio"`
		Components [][]float64 `json:"components_sign_normalized"`
	} `json:"pca"`
}

func loadIrisExplore(t testing.TB) *irisExploreGolden {
	var g irisExploreGolden
	loadJSON(t, "testdata/iris_classifiers.json", &g)
	if len(g.Correlation) != 4 || len(g.Anova.F) != 4 || len(g.TTest.WelchDf) != 4 || len(g.PCA.Components) != 4 {
		t.Fatal("testdata/iris_classifiers.json lacks an exploration block")
	}
	return &g
}
