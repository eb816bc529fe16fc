package model

import (
	"encoding/json"
	"math"
	"os"
	"sort"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

// refData is a raw data set: the plain reference from which test snapshots are computed.
type refData struct {
	names   []string
	kinds   []dataframe.Type
	base    []string
	rows    [][]float64
	part    []string // partition value of each row; nil for a cpu project
	partCol string
}

// refMoments computes n, means and centred co-moments in two passes over the rows.
func refMoments(rows [][]float64, d int) Moments {
	m := Moments{N: int64(len(rows)), Mean: make([]float64, d), M: make([]float64, d*d)}
	if len(rows) == 0 {
		return m
	}
	for _, r := range rows {
		for i := 0; i < d; i++ {
			m.Mean[i] += r[i]
		}
	}
	for i := range m.Mean {
		m.Mean[i] /= float64(len(rows))
	}
	for _, r := range rows {
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				m.M[i*d+j] += (r[i] - m.Mean[i]) * (r[j] - m.Mean[j])
			}
		}
	}
	return m
}

// snapshot computes the Snapshot of the data set.
func (r *refData) snapshot() *Snapshot {
	d := len(r.names)
	s := &Snapshot{Type: "cpu", Names: r.names, Kinds: r.kinds, Base: r.base, Total: refMoments(r.rows, d)}
	if s.Base == nil {
		s.Base = make([]string, d)
	}
	if r.part != nil {
		s.Type = "partition"
		s.PartitionColumn = r.partCol
		groups := map[string][][]float64{}
		for i, row := range r.rows {
			groups[r.part[i]] = append(groups[r.part[i]], row)
		}
		var vals []string
		for v := range groups {
			vals = append(vals, v)
		}
		sort.Strings(vals)
		for _, v := range vals {
			s.Partitions = append(s.Partitions, Partition{Value: v, Moments: refMoments(groups[v], d)})
		}
	}
	s.Min, s.Max = make([]float64, d), make([]float64, d)
	return s
}

// solveRef solves a x = b by Gauss-Jordan elimination with partial pivoting (reference).
func solveRef(a [][]float64, b []float64) []float64 {
	n := len(b)
	m := make([][]float64, n)
	for i := range a {
		m[i] = append(append([]float64(nil), a[i]...), b[i])
	}
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		for r := 0; r < n; r++ {
			if r != c {
				f := m[r][c] / m[c][c]
				for k := c; k <= n; k++ {
					m[r][k] -= f * m[c][k]
				}
			}
		}
	}
	x := make([]float64, n)
	for i := range x {
		x[i] = m[i][n] / m[i][i]
	}
	return x
}

// closeTo checks |got − want| ≤ tol·max(|want|, scale).
func closeTo(t *testing.T, what string, got, want, tol, scale float64) {
	t.Helper()
	lim := tol * math.Max(math.Abs(want), scale)
	if !(math.Abs(got-want) <= lim) {
		t.Errorf("%s = %.17g, want %.17g (|diff| %.3g > %.3g)", what, got, want, math.Abs(got-want), lim)
	}
}

// maxAbs is max |v|.
func maxAbs(v ...float64) float64 {
	var m float64
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

func flat(m [][]float64) []float64 {
	var out []float64
	for _, r := range m {
		out = append(out, r...)
	}
	return out
}

// goldenTol is the relative tolerance of golden comparisons (docs/statistics.md section 2).
const goldenTol = 1e-9

type irisGolden struct {
	Data struct {
		X           [][]float64 `json:"X"`
		Y           []int       `json:"y"`
		TargetNames []string    `json:"target_names"`
	} `json:"data"`
	Rows  []int       `json:"rows"`
	XRows [][]float64 `json:"X_rows"`
	Stats struct {
		SW [][]float64 `json:"within_scatter_SW"`
	} `json:"stats"`
	LDASVD struct {
		LogPosterior [][]float64 `json:"log_posterior"`
		Predict      []int       `json:"predict"`
		TextbookCoef [][]float64 `json:"textbook_coef"`
		TextbookIcpt []float64   `json:"textbook_intercept"`
	} `json:"lda_svd"`
	LDALSQR struct {
		LogPosterior [][]float64 `json:"log_posterior"`
		Coef         [][]float64 `json:"coef"`
		Intercept    []float64   `json:"intercept"`
	} `json:"lda_lsqr"`
	QDA struct {
		Covariances  [][][]float64 `json:"covariances"`
		LogDet       []float64     `json:"log_det_cov"`
		LogPosterior [][]float64   `json:"log_posterior"`
		Predict      []int         `json:"predict"`
	} `json:"qda"`
	GNB struct {
		Var          [][]float64 `json:"var"`
		Epsilon      float64     `json:"epsilon"`
		JLL          [][]float64 `json:"joint_log_likelihood"`
		LogPosterior [][]float64 `json:"log_posterior"`
		Predict      []int       `json:"predict"`
	} `json:"gnb"`
	Binary struct {
		SVDLogOdds  []float64   `json:"svd_decision_log_odds"`
		SVDCoef     [][]float64 `json:"svd_coef"`
		SVDIcpt     []float64   `json:"svd_intercept"`
		LSQRLogOdds []float64   `json:"lsqr_decision_log_odds"`
		LSQRCoef    [][]float64 `json:"lsqr_coef"`
		LSQRIcpt    []float64   `json:"lsqr_intercept"`
	} `json:"lda_binary_virginica"`
}

type diabetesGolden struct {
	Data struct {
		FeatureNames []string    `json:"feature_names"`
		X            [][]float64 `json:"X"`
		Y            []float64   `json:"y"`
	} `json:"data"`
	OLS struct {
		Coef      []float64 `json:"coef"`
		Intercept float64   `json:"intercept"`
		R2        float64   `json:"r2"`
		AdjR2     float64   `json:"adj_r2"`
		SSR       float64   `json:"ssr"`
		DFResid   float64   `json:"df_resid"`
		Sigma2    float64   `json:"sigma2"`
		SE        []float64 `json:"se"`
		T         []float64 `json:"t"`
		P         []float64 `json:"p_values"`
		CILow     []float64 `json:"ci95_low"`
		CIHigh    []float64 `json:"ci95_high"`
		F         float64   `json:"F"`
		FP        float64   `json:"F_p"`
		LogLik    float64   `json:"loglik"`
		AIC       float64   `json:"aic_statsmodels"`
		BIC       float64   `json:"bic_statsmodels"`
		Pred      []float64 `json:"pred_first10"`
	} `json:"ols"`
	Ridge struct {
		Coef      []float64 `json:"coef"`
		Intercept float64   `json:"intercept"`
		R2        float64   `json:"r2"`
	} `json:"ridge_alpha1"`
	Lasso struct {
		Coef      []float64 `json:"coef"`
		Intercept float64   `json:"intercept"`
		R2        float64   `json:"r2"`
	} `json:"lasso_alpha0.1"`
	Enet struct {
		Coef      []float64 `json:"coef"`
		Intercept float64   `json:"intercept"`
		R2        float64   `json:"r2"`
	} `json:"elasticnet_alpha0.1_l1ratio0.5"`
}

func loadJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

func loadIris(t testing.TB) *irisGolden {
	var g irisGolden
	loadJSON(t, "testdata/iris_classifiers.json", &g)
	return &g
}

func loadDiabetes(t testing.TB) *diabetesGolden {
	var g diabetesGolden
	loadJSON(t, "testdata/diabetes_regression.json", &g)
	return &g
}

// irisNames are the attribute names of the iris projects: 4 measurements, then (cpu
// project) the species columns.
var irisNames = []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}

// irisCPU is iris in a cpu project: 4 C attributes and the T attribute species expanded into
// species$setosa, species$versicolor, species$virginica.
func irisCPU(g *irisGolden) *refData {
	r := &refData{}
	for _, n := range irisNames {
		r.names = append(r.names, n)
		r.kinds = append(r.kinds, dataframe.TypeC)
		r.base = append(r.base, "")
	}
	for _, c := range g.Data.TargetNames {
		r.names = append(r.names, "species$"+c)
		r.kinds = append(r.kinds, dataframe.TypeB)
		r.base = append(r.base, "species")
	}
	for i, x := range g.Data.X {
		row := append([]float64(nil), x...)
		for k := range g.Data.TargetNames {
			row = append(row, boolFloat(g.Data.Y[i] == k))
		}
		r.rows = append(r.rows, row)
	}
	return r
}

// irisPartition is iris in a partition project whose partition column species is typed S.
func irisPartition(g *irisGolden) *refData {
	r := &refData{partCol: "species"}
	for _, n := range irisNames {
		r.names = append(r.names, n)
		r.kinds = append(r.kinds, dataframe.TypeC)
		r.base = append(r.base, "")
	}
	for i, x := range g.Data.X {
		r.rows = append(r.rows, append([]float64(nil), x...))
		r.part = append(r.part, g.Data.TargetNames[g.Data.Y[i]])
	}
	return r
}

// diabetesCPU is diabetes in a cpu project: 10 C inputs, then the target y.
func diabetesCPU(g *diabetesGolden) *refData {
	r := &refData{}
	for _, n := range append(append([]string(nil), g.Data.FeatureNames...), "y") {
		r.names = append(r.names, n)
		r.kinds = append(r.kinds, dataframe.TypeC)
		r.base = append(r.base, "")
	}
	for i, x := range g.Data.X {
		r.rows = append(r.rows, append(append([]float64(nil), x...), g.Data.Y[i]))
	}
	return r
}

// mustBuild builds or fails the test.
func mustBuild(t testing.TB, s *Snapshot, algo string, ctx MLContext) *Model {
	t.Helper()
	m, err := Build(s, algo, algo+"1", ctx)
	if err != nil {
		t.Fatalf("Build(%s): %v", algo, err)
	}
	return m
}

func predictOne(m *Model, x []float64) []float64 {
	out := make([]float64, len(m.Outputs()))
	m.Predict(x, out)
	return out
}
