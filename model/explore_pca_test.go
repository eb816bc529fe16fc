package model

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestPCAGolden checks the PCA of the four iris measurements against scikit-learn's PCA:
// eigenvalues (explained_variance, scale: the largest), ratios and sign-normalized
// components (scale 1), relative 1e-9; and the key order.
func TestPCAGolden(t *testing.T) {
	g := loadIris(t)
	want := loadIrisExplore(t).PCA
	for _, typ := range []string{TypeCPU, TypePartition} {
		s := irisProject(t, g, typ).Snapshot()
		keys, vals := explore(t, s, "pca", MLContext{InputNames: irisNames})
		var wantKeys []string
		for k := 0; k < 4; k++ {
			wantKeys = append(wantKeys, fmt.Sprintf("eigenvalue.%d", k))
		}
		for k := 0; k < 4; k++ {
			wantKeys = append(wantKeys, fmt.Sprintf("explainedVarianceRatio.%d", k))
		}
		for k := 0; k < 4; k++ {
			for j := 0; j < 4; j++ {
				wantKeys = append(wantKeys, fmt.Sprintf("eigenvector.%d.%d", k, j))
			}
		}
		if fmt.Sprint(keys) != fmt.Sprint(wantKeys) {
			t.Fatalf("keys\n %v\nwant\n %v", keys, wantKeys)
		}
		for k := 0; k < 4; k++ {
			closeTo(t, fmt.Sprintf("%s eigenvalue.%d", typ, k), value(t, vals, fmt.Sprintf("eigenvalue.%d", k)), want.Variance[k], goldenTol, want.Variance[0])
			closeTo(t, fmt.Sprintf("%s ratio.%d", typ, k), value(t, vals, fmt.Sprintf("explainedVarianceRatio.%d", k)), want.Ratio[k], goldenTol, 1)
			for j := 0; j < 4; j++ {
				key := fmt.Sprintf("eigenvector.%d.%d", k, j)
				closeTo(t, typ+" "+key, value(t, vals, key), want.Components[k][j], goldenTol, 1)
			}
		}
	}
}

// TestPCATwoInputs checks two inputs, given in reverse project order, against the closed
// form of a symmetric 2×2 eigenproblem on the golden covariance: λ = m ± √(h² + b²) with
// m = (a + c)/2, h = (a − c)/2, and eigenvector (b, λ − a) for λ (relative 1e-12).
func TestPCATwoInputs(t *testing.T) {
	g := loadIris(t)
	cov := loadIrisExplore(t).Cov
	s := irisProject(t, g, TypeCPU).Snapshot()
	_, vals := explore(t, s, "pca", MLContext{InputNames: []string{"petal_length", "sepal_width"}})
	a, c, b := cov[2][2], cov[1][1], cov[2][1] // context order: petal_length, sepal_width
	m, h := (a+c)/2, (a-c)/2
	r := math.Hypot(h, b)
	for k, lambda := range []float64{m + r, m - r} {
		closeTo(t, fmt.Sprintf("eigenvalue.%d", k), value(t, vals, fmt.Sprintf("eigenvalue.%d", k)), lambda, 1e-12, m+r)
		closeTo(t, fmt.Sprintf("ratio.%d", k), value(t, vals, fmt.Sprintf("explainedVarianceRatio.%d", k)), lambda/(a+c), 1e-12, 1)
		v := []float64{b, lambda - a}
		norm := math.Hypot(v[0], v[1])
		big := v[0]
		if math.Abs(v[1]) > math.Abs(v[0]) {
			big = v[1]
		}
		if big < 0 {
			norm = -norm
		}
		for j := range v {
			key := fmt.Sprintf("eigenvector.%d.%d", k, j)
			closeTo(t, key, value(t, vals, key), v[j]/norm, 1e-12, 1)
		}
	}
}

// TestPCAConstant: constant inputs have zero eigenvalues and no variance ratio (NaN).
func TestPCAConstant(t *testing.T) {
	p := newTestProject(t, TypeCPU, nil)
	learn(t, p, dfJSON([]string{"a", "b"}, "CB", [][]string{{"3", "1"}, {"3", "1"}, {"3", "1"}}))
	_, vals := explore(t, p.Snapshot(), "pca", MLContext{InputNames: []string{"a", "b"}})
	for k := 0; k < 2; k++ {
		if v := value(t, vals, fmt.Sprintf("eigenvalue.%d", k)); v != 0 {
			t.Errorf("eigenvalue.%d = %v, want 0", k, v)
		}
		if v := value(t, vals, fmt.Sprintf("explainedVarianceRatio.%d", k)); !math.IsNaN(v) {
			t.Errorf("explainedVarianceRatio.%d = %v, want NaN", k, v)
		}
	}
}

func TestPCARefusals(t *testing.T) {
	g := loadIris(t)
	cpu := irisCPU(g).snapshot()
	one := newTestProject(t, TypeCPU, nil)
	learn(t, one, dfJSON([]string{"a", "b"}, "CC", [][]string{{"1", "2"}}))
	huge := &refData{names: []string{"a", "b"}, kinds: kindsOf("CC"), rows: [][]float64{{-1e300, 1}, {1e300, 2}}}
	checkRefusals(t, "pca", []refusal{
		{"no input", cpu, MLContext{}, "pca needs at least one input attribute, got 0"},
		{"target", cpu, MLContext{InputNames: irisNames, TargetNames: []string{"species"}}, "pca takes input attributes only, no targets"},
		{"one row", one.Snapshot(), MLContext{InputNames: []string{"a", "b"}}, "pca needs at least 2 rows for the covariance (it divides by n − 1), got 1"},
		{"overflow", huge.snapshot(), MLContext{InputNames: []string{"a", "b"}}, "pca: the covariance of the inputs overflows float64"},
	})
}

// TestPCAInputLimit: a pca over more than MaxPCAInputs inputs is refused before any work.
func TestPCAInputLimit(t *testing.T) {
	p := newTestProject(t, "", nil)
	if err := p.Learn(randomFrame(t, 3, MaxPCAInputs+1, 10)); err != nil {
		t.Fatal(err)
	}
	s := p.Snapshot()
	_, err := Explore(s, "pca", MLContext{InputNames: s.Names})
	if err == nil || !strings.Contains(err.Error(), "at most 512 inputs") {
		t.Fatalf("pca over %d inputs: %v", MaxPCAInputs+1, err)
	}
}
