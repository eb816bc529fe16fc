package model

import (
	"fmt"
	"math"
	"testing"
)

// TestBiGolden checks linCorr on every ordered pair of iris measurements against numpy's
// correlation (relative 1e-9, scale 1) and covar·n/(n−1) against the ddof-1 covariance
// (scale: the largest |covariance|); the diagonal through uni's variance.
func TestBiGolden(t *testing.T) {
	g := loadIris(t)
	want := loadIrisExplore(t)
	s := irisProject(t, g, TypeCPU).Snapshot()
	n := float64(len(g.Data.X))
	covScale := maxAbs(flat(want.Cov)...)
	for i, a := range irisNames {
		for j, b := range irisNames {
			if i == j {
				_, vals := explore(t, s, "uni", MLContext{InputNames: []string{a}})
				closeTo(t, "variance "+a, value(t, vals, "variance")*n/(n-1), want.Cov[i][i], goldenTol, covScale)
				continue
			}
			keys, vals := explore(t, s, "bi", MLContext{InputNames: []string{a, b}})
			if fmt.Sprint(keys) != "[covar linCorr condCount condMean]" {
				t.Fatalf("keys %v", keys)
			}
			closeTo(t, fmt.Sprintf("linCorr(%s, %s)", a, b), value(t, vals, "linCorr"), want.Correlation[i][j], goldenTol, 1)
			closeTo(t, fmt.Sprintf("covar(%s, %s)·n/(n−1)", a, b), value(t, vals, "covar")*n/(n-1), want.Cov[i][j], goldenTol, covScale)
		}
	}
}

// TestBiConditional: with y a species column, condCount is the class size and condMean the
// class mean (golden class_means); with y a C column, both against sums over the rows.
func TestBiConditional(t *testing.T) {
	g := loadIris(t)
	want := loadIrisExplore(t)
	s := irisProject(t, g, TypeCPU).Snapshot()
	for k, c := range g.Data.TargetNames {
		for j, x := range irisNames {
			_, vals := explore(t, s, "bi", MLContext{InputNames: []string{x, "species$" + c}})
			if got := value(t, vals, "condCount"); got != 50 {
				t.Errorf("condCount(%s) = %v, want 50", c, got)
			}
			closeTo(t, fmt.Sprintf("condMean(%s | %s)", x, c), value(t, vals, "condMean"), want.Stats.ClassMeans[k][j], goldenTol, 0)
		}
	}
	for i, x := range irisNames {
		for j, y := range irisNames {
			if i == j {
				continue
			}
			var sy, sxy float64
			for _, r := range g.Data.X {
				sy += r[j]
				sxy += r[i] * r[j]
			}
			_, vals := explore(t, s, "bi", MLContext{InputNames: []string{x, y}})
			closeTo(t, "condCount "+y, value(t, vals, "condCount"), sy, 1e-13, 0)
			closeTo(t, fmt.Sprintf("condMean(%s | %s)", x, y), value(t, vals, "condMean"), sxy/sy, 1e-13, 0)
		}
	}
}

// TestBiUndefined: a constant column has no correlation (NaN) and a y that is never 1 no
// conditional mean (NaN); covar, condCount and a constant y's condMean stay defined.
func TestBiUndefined(t *testing.T) {
	p := newTestProject(t, TypeCPU, nil)
	learn(t, p, dfJSON([]string{"x", "k", "y"}, "CCB", [][]string{{"1", "7", "0"}, {"2", "7", "0"}, {"4", "7", "0"}}))
	s := p.Snapshot()
	_, vals := explore(t, s, "bi", MLContext{InputNames: []string{"x", "k"}})
	if c, v := value(t, vals, "linCorr"), value(t, vals, "covar"); !math.IsNaN(c) || v != 0 {
		t.Errorf("x, constant k: linCorr %v covar %v, want NaN and 0", c, v)
	}
	if cc := value(t, vals, "condCount"); cc != 21 {
		t.Errorf("x, constant k: condCount %v, want 21", cc)
	}
	closeTo(t, "condMean(x | constant k), the mean of x", value(t, vals, "condMean"), 7.0/3, 1e-15, 0)
	_, vals = explore(t, s, "bi", MLContext{InputNames: []string{"x", "y"}})
	if cc, cm := value(t, vals, "condCount"), value(t, vals, "condMean"); cc != 0 || !math.IsNaN(cm) {
		t.Errorf("y never 1: condCount %v condMean %v, want 0 and NaN", cc, cm)
	}
}

func TestBiRefusals(t *testing.T) {
	g := loadIris(t)
	s := irisCPU(g).snapshot()
	checkRefusals(t, "bi", []refusal{
		{"one input", s, MLContext{InputNames: irisNames[:1]}, "bi needs exactly two input attributes (x, y), got 1"},
		{"three inputs", s, MLContext{InputNames: irisNames[:3]}, "bi needs exactly two input attributes (x, y), got 3"},
		{"a T attribute is several", s, MLContext{InputNames: []string{"sepal_length", "species"}}, "got 4"},
		{"target", s, MLContext{InputNames: irisNames[:2], TargetNames: []string{"petal_width"}}, "bi takes input attributes only, no targets"},
	})
}
