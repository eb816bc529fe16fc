package model

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// olsPredictRef regresses column s on columns obs (with intercept) over the raw rows by the
// normal equations, and predicts at x.
func olsPredictRef(rows [][]float64, s int, obs []int, x []float64) float64 {
	p := len(obs) + 1
	a := make([][]float64, p)
	for i := range a {
		a[i] = make([]float64, p)
	}
	b := make([]float64, p)
	z := make([]float64, p)
	for _, r := range rows {
		z[0] = 1
		for i, o := range obs {
			z[i+1] = r[o]
		}
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				a[i][j] += z[i] * z[j]
			}
			b[i] += z[i] * r[s]
		}
	}
	beta := solveRef(a, b)
	v := beta[0]
	for i, o := range obs {
		v += beta[i+1] * x[o]
	}
	return v
}

func TestImpute(t *testing.T) {
	g := loadDiabetes(t)
	data := diabetesCPU(g)
	m := mustBuild(t, data.snapshot(), "mlr", MLContext{InputNames: g.Data.FeatureNames, TargetNames: []string{"y"}})
	for _, mis := range [][]int{{2}, {2, 5}, {0, 1, 9}, {3, 4, 5, 6, 7, 8}} {
		t.Run(fmt.Sprint(mis), func(t *testing.T) {
			missing := make([]bool, 10)
			for _, j := range mis {
				missing[j] = true
			}
			var obs []int
			for j := 0; j < 10; j++ {
				if !missing[j] {
					obs = append(obs, j)
				}
			}
			for r := 0; r < 5; r++ {
				x := append([]float64(nil), g.Data.X[r*31]...)
				orig := append([]float64(nil), x...)
				for _, j := range mis {
					x[j] = math.NaN()
				}
				if err := m.Impute(x, missing); err != nil {
					t.Fatal(err)
				}
				for j := range x {
					if !missing[j] {
						if x[j] != orig[j] {
							t.Errorf("present input %d changed", j)
						}
						continue
					}
					want := olsPredictRef(data.rows, j, obs, orig)
					closeTo(t, fmt.Sprintf("row %d input %d", r*31, j), x[j], want, 1e-10, 0.05)
				}
			}
		})
	}
}

func TestImputeEdges(t *testing.T) {
	g := loadDiabetes(t)
	m := mustBuild(t, diabetesCPU(g).snapshot(), "lasso", MLContext{InputNames: g.Data.FeatureNames[:3], TargetNames: []string{"y"}})
	x := []float64{1, 2, 3}
	if err := m.Impute(x, make([]bool, 3)); err != nil || x[0] != 1 || x[1] != 2 || x[2] != 3 {
		t.Errorf("nothing missing: %v %v", x, err)
	}
	if err := m.Impute(x, []bool{true, true, true}); err != nil {
		t.Fatal(err)
	}
	for j, mu := range m.InputMeans() {
		if x[j] != mu {
			t.Errorf("all missing: x[%d] = %v, want the mean %v", j, x[j], mu)
		}
	}
	if err := m.Impute(x, []bool{true}); err == nil {
		t.Error("wrong length accepted")
	}
	if err := m.Impute([]float64{math.Inf(1), 0, 0}, []bool{false, true, false}); err == nil || !strings.Contains(err.Error(), "not finite") {
		t.Errorf("infinite present input: %v", err)
	}
	// Present inputs exactly collinear (c0 and c2 = 2·c0): refused, not NaN.
	c := collinear(1e-7)
	cm := mustBuild(t, c, "lasso", MLContext{InputNames: []string{"c0", "c2", "c3"}, TargetNames: []string{"y"}})
	xc := []float64{0.5, 1, math.NaN()}
	if err := cm.Impute(xc, []bool{false, false, true}); err == nil || !strings.Contains(err.Error(), "collinear") {
		t.Errorf("collinear present inputs: %v (x %v)", err, xc)
	}
}
