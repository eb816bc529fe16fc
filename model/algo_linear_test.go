package model

import (
	"fmt"
	"testing"
)

func diabetesInputs(g *diabetesGolden) []string { return g.Data.FeatureNames }

func TestMLRGoldenOLS(t *testing.T) {
	g := loadDiabetes(t)
	s := diabetesCPU(g).snapshot()
	m := mustBuild(t, s, "mlr", MLContext{InputNames: diabetesInputs(g), TargetNames: []string{"y"}})
	o := g.OLS
	info := m.Info()
	coefs := append([]float64{o.Intercept}, o.Coef...)
	scale := maxAbs(coefs...)
	if len(info.Coefficients) != len(coefs) {
		t.Fatalf("%d coefficients, want %d", len(info.Coefficients), len(coefs))
	}
	for i, c := range info.Coefficients {
		want := "intercept"
		if i > 0 {
			want = g.Data.FeatureNames[i-1]
		}
		if c.Name != want {
			t.Errorf("coefficient %d is %q, want %q", i, c.Name, want)
		}
		closeTo(t, c.Name+" coef", c.Coef, coefs[i], goldenTol, scale)
		closeTo(t, c.Name+" SE", c.StdErr, o.SE[i], goldenTol, 0)
		closeTo(t, c.Name+" t", c.T, o.T[i], goldenTol, 0)
		closeTo(t, c.Name+" p", c.P, o.P[i], goldenTol, 0)
		closeTo(t, c.Name+" CI low", c.CILow, o.CILow[i], goldenTol, scale)
		closeTo(t, c.Name+" CI high", c.CIHigh, o.CIHigh[i], goldenTol, scale)
	}
	f := info.Fit
	if f == nil {
		t.Fatal("no fit statistics")
	}
	closeTo(t, "R²", f.R2, o.R2, goldenTol, 0)
	closeTo(t, "adj R²", f.AdjR2, o.AdjR2, goldenTol, 0)
	closeTo(t, "SSR", f.SSR, o.SSR, goldenTol, 0)
	closeTo(t, "σ²", f.Sigma2, o.Sigma2, goldenTol, 0)
	closeTo(t, "df resid", f.DFResid, o.DFResid, 0, 0)
	closeTo(t, "F", f.F, o.F, goldenTol, 0)
	closeTo(t, "F p", f.FP, o.FP, goldenTol, 0)
	closeTo(t, "log-likelihood", f.LogLik, o.LogLik, goldenTol, 0)
	closeTo(t, "AIC", f.AIC, o.AIC, goldenTol, 0)
	closeTo(t, "BIC", f.BIC, o.BIC, goldenTol, 0)
	if f.N != 442 {
		t.Errorf("n = %d", f.N)
	}
	for i, want := range o.Pred {
		closeTo(t, fmt.Sprintf("prediction %d", i), predictOne(m, g.Data.X[i])[0], want, goldenTol, 0)
	}
}

func TestRidgeGolden(t *testing.T) {
	g := loadDiabetes(t)
	s := diabetesCPU(g).snapshot()
	m := mustBuild(t, s, "ridge", MLContext{InputNames: diabetesInputs(g), TargetNames: []string{"y"}, Extra: map[string]string{"alpha": "1.0"}})
	checkCoef(t, m, g.Ridge.Coef, g.Ridge.Intercept)
	closeTo(t, "R²", m.Info().Fit.R2, g.Ridge.R2, goldenTol, 0)
	// alpha defaults to 1.
	d := mustBuild(t, s, "ridge", MLContext{InputNames: diabetesInputs(g), TargetNames: []string{"y"}})
	checkCoef(t, d, g.Ridge.Coef, g.Ridge.Intercept)
}

// TestRidgeZeroIsOLS: with α = 0 ridge's coefficients and table are mlr's.
func TestRidgeZeroIsOLS(t *testing.T) {
	g := loadDiabetes(t)
	s := diabetesCPU(g).snapshot()
	ctx := MLContext{InputNames: diabetesInputs(g), TargetNames: []string{"y"}}
	ols := mustBuild(t, s, "mlr", ctx).Info()
	ctx.Extra = map[string]string{"alpha": "0"}
	r := mustBuild(t, s, "ridge", ctx).Info()
	for i, c := range r.Coefficients {
		w := ols.Coefficients[i]
		closeTo(t, c.Name+" SE", c.StdErr, w.StdErr, 1e-12, 0)
		closeTo(t, c.Name+" p", c.P, w.P, 1e-12, 0)
	}
	closeTo(t, "F", r.Fit.F, ols.Fit.F, 1e-12, 0)
}

func checkCoef(t *testing.T, m *Model, coef []float64, intercept float64) {
	t.Helper()
	scale := maxAbs(coef...)
	for j, want := range coef {
		closeTo(t, fmt.Sprintf("coef[%d]", j), m.fit.(*linFit).coef[j], want, goldenTol, scale)
	}
	closeTo(t, "intercept", m.fit.(*linFit).intercept, intercept, goldenTol, scale)
}

func TestLassoGolden(t *testing.T) {
	g := loadDiabetes(t)
	s := diabetesCPU(g).snapshot()
	m := mustBuild(t, s, "lasso", MLContext{InputNames: diabetesInputs(g), TargetNames: []string{"y"}, Extra: map[string]string{"lambda": "0.1"}})
	checkCoef(t, m, g.Lasso.Coef, g.Lasso.Intercept)
	for j, c := range g.Lasso.Coef {
		if c == 0 && m.fit.(*linFit).coef[j] != 0 {
			t.Errorf("coef[%d] = %g, want exactly 0", j, m.fit.(*linFit).coef[j])
		}
	}
}

func TestElasticNetGolden(t *testing.T) {
	g := loadDiabetes(t)
	s := diabetesCPU(g).snapshot()
	m := mustBuild(t, s, "elasticnet", MLContext{InputNames: diabetesInputs(g), TargetNames: []string{"y"}, Extra: map[string]string{"lambda": "0.1", "eta": "0.5"}})
	checkCoef(t, m, g.Enet.Coef, g.Enet.Intercept)
}

// TestElasticNetEtaOneIsLasso and eta 0 against the closed form of ridge with α = nλ.
func TestElasticNetLimits(t *testing.T) {
	g := loadDiabetes(t)
	s := diabetesCPU(g).snapshot()
	ctx := func(extra map[string]string) MLContext {
		return MLContext{InputNames: diabetesInputs(g), TargetNames: []string{"y"}, Extra: extra}
	}
	en := mustBuild(t, s, "elasticnet", ctx(map[string]string{"lambda": "0.1", "eta": "1"}))
	checkCoef(t, en, g.Lasso.Coef, g.Lasso.Intercept)
	l2 := mustBuild(t, s, "elasticnet", ctx(map[string]string{"lambda": "0.01", "eta": "0"}))
	ridge := mustBuild(t, s, "ridge", ctx(map[string]string{"alpha": "4.42"})) // n·λ = 442 · 0.01
	checkCoef(t, l2, ridge.fit.(*linFit).coef, ridge.fit.(*linFit).intercept)
}
