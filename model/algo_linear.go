package model

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// linFit is a linear regression: res = b₀ + βᵀx, evaluated as μ_y + βᵀ(x − μ_x) (the same
// number, without the cancellation of a large intercept).
//
// mlr: β = M_xx⁻¹ M_xy, b₀ = μ_y − μ_xᵀβ, with statsmodels OLS's table: SE from σ²M_xx⁻¹,
// σ² = SSR/(n−p−1); two-sided t p-values and the F p-value from the regularized incomplete
// beta function (never 1 − CDF, which loses every p-value below 1e-16); 95% intervals with
// the t quantile; log-likelihood −n/2(log 2π + log(SSR/n) + 1), AIC = −2ℓ + 2(p+1),
// BIC = −2ℓ + log(n)(p+1) (statsmodels counts the intercept, not σ²).
//
// ridge: β = (M_xx + αI)⁻¹ M_xy, intercept not penalized, α not scaled by n (scikit-learn
// Ridge). Its table uses the same formulas with SSR = ‖y − ŷ‖² = M_yy − β·M_xy − α‖β‖² and
// Cov(β) = σ²(M_xx + αI)⁻¹ M_xx (M_xx + αI)⁻¹ with σ² = SSR/(n−p−1): α is taken as fixed
// (no effective degrees of freedom). With α = 0 it is mlr's table.
type linFit struct {
	coef      []float64
	muY       float64
	intercept float64
	table     *coefTable // mlr, ridge
	iter      int        // lasso, elasticnet: coordinate-descent sweeps
}

// coefTable holds the coefficient statistics, intercept first.
type coefTable struct {
	se, t, p, lo, hi []float64
	stats            FitStats
}

func (b *builder) linear(m *Model) error {
	t, err := b.oneTarget()
	if err != nil {
		return err
	}
	s := &b.s.Total
	w := len(s.Mean)
	in := b.r.inputs
	d := len(in)
	n := float64(s.N)
	alpha := 0.0
	if b.algo == "ridge" {
		alpha = b.p.alpha
	} else if n < float64(d)+2 {
		return errorf("cannot build mlr: %.0f rows for %d inputs; it needs at least %d", n, d, d+2)
	}
	mxx := submatrix(s.M, w, in, in)
	a := append([]float64(nil), mxx...)
	for j := 0; j < d; j++ {
		a[j*d+j] += alpha
	}
	mxy := make([]float64, d)
	for j, i := range in {
		mxy[j] = s.M[i*w+t]
	}
	myy := s.M[t*w+t]
	what := "input co-moment matrix"
	if alpha > 0 {
		what = "regularized input co-moment matrix"
	}
	f, err := b.factor(a, what)
	if err != nil {
		return err
	}
	fit := &linFit{coef: make([]float64, d), muY: s.Mean[t]}
	f.solve(mxy, fit.coef)
	fit.intercept = fit.muY
	for j, i := range in {
		fit.intercept -= s.Mean[i] * fit.coef[j]
	}
	diag, muCmu := covFactors(f, alpha, m.means)
	fit.table = olsTable(diag, muCmu, fit, mxy, myy, alpha, s.N)
	m.fit = fit
	return nil
}

// fitLinear tags the fit of mlr, ridge, lasso and elasticnet in the binary model format (model_codec.go); never reused.
const fitLinear byte = 4

func init() {
	registerAlgorithm(&algorithm{name: "mlr", order: 4, kind: fitLinear, build: (*builder).linear})
	registerAlgorithm(&algorithm{name: "ridge", order: 5, kind: fitLinear, extra: []paramRule{ruleAlpha}, build: (*builder).linear})
	registerFit(fitLinear, decodeLinear)
}

func (f *linFit) codecKind() byte { return fitLinear }

func (f *linFit) outputs([]string) []Output { return []Output{{"res", OutputNumber}} }

func (f *linFit) finite() bool { return allFinite(f.coef, []float64{f.muY, f.intercept}) }

func (f *linFit) fits(m *Model) bool {
	d := len(m.inputs)
	if len(m.classes) != 0 || len(f.coef) != d {
		return false
	}
	t := f.table
	return t == nil || (len(t.se) == d+1 && len(t.t) == d+1 && len(t.p) == d+1 && len(t.lo) == d+1 && len(t.hi) == d+1)
}

func (f *linFit) encode(e *encoder) {
	e.floats(f.coef)
	e.float(f.muY)
	e.float(f.intercept)
	e.varint(int64(f.iter))
	e.bool(f.table != nil)
	if t := f.table; t != nil {
		for _, v := range [][]float64{t.se, t.t, t.p, t.lo, t.hi} {
			e.floats(v)
		}
		st := t.stats
		e.varint(st.N)
		for _, v := range []float64{st.DFModel, st.DFResid, st.SSR, st.Sigma2, st.R2, st.AdjR2, st.F, st.FP, st.LogLik, st.AIC, st.BIC} {
			e.float(v)
		}
	}
}

func decodeLinear(d *decoder) fitted {
	f := &linFit{}
	f.coef = d.floats()
	f.muY, f.intercept = d.float(), d.float()
	f.iter = int(d.varint())
	if d.bool() {
		t := &coefTable{}
		for _, p := range []*[]float64{&t.se, &t.t, &t.p, &t.lo, &t.hi} {
			*p = d.floats()
		}
		st := &t.stats
		st.N = d.varint()
		for _, p := range []*float64{&st.DFModel, &st.DFResid, &st.SSR, &st.Sigma2, &st.R2, &st.AdjR2, &st.F, &st.FP, &st.LogLik, &st.AIC, &st.BIC} {
			*p = d.float()
		}
		f.table = t
	}
	return f
}

func (f *linFit) describe(m *Model, mi *ModelInfo) {
	mi.addParam("coef", f.coef...)
	mi.addParam("intercept", f.intercept)
	if f.iter > 0 {
		mi.addParam("sweeps", float64(f.iter))
	}
	t := f.table
	if t == nil {
		return
	}
	coefs := append([]float64{f.intercept}, f.coef...)
	for i, c := range coefs {
		name := "intercept"
		if i > 0 {
			name = m.inputs[i-1]
		}
		mi.Coefficients = append(mi.Coefficients, Coefficient{name, c, t.se[i], t.t[i], t.p[i], t.lo[i], t.hi[i]})
	}
	st := t.stats
	mi.Fit = &st
}

// covFactors returns what the coefficient table needs of C, with Cov(β) = σ²C:
// diag(C) and μᵀCμ (μ the input means, for the intercept's variance). For OLS (α = 0)
// C = M_xx⁻¹: its diagonal from the triangular inverse and μᵀCμ from one solve, O(d³/3).
// For ridge C = A⁻¹ M_xx A⁻¹ = A⁻¹ − αA⁻² (A = M_xx + αI), from the whole inverse.
func covFactors(f *spd, alpha float64, mux []float64) (diag []float64, muCmu float64) {
	d := len(mux)
	cmu := make([]float64, d)
	if alpha == 0 {
		f.solve(mux, cmu)
		return f.inverseDiag(), dot(mux, cmu)
	}
	ainv := f.inverse()
	diag = make([]float64, d)
	for j := 0; j < d; j++ {
		row := ainv[j*d : (j+1)*d]
		diag[j] = row[j] - alpha*dot(row, row)
	}
	var sq float64
	for i := 0; i < d; i++ {
		v := dot(ainv[i*d:(i+1)*d], mux) // (A⁻¹μ)_i
		muCmu += mux[i] * v
		sq += v * v
	}
	return diag, muCmu - alpha*sq
}

// olsTable computes the coefficient table and fit statistics. ainv = (M_xx + αI)⁻¹.
func olsTable(diag []float64, muCmu float64, fit *linFit, mxy []float64, myy, alpha float64, rows int64) *coefTable {
	d := len(fit.coef)
	n := float64(rows)
	p := float64(d)
	df := n - p - 1
	beta := fit.coef
	ssr := myy - dot(beta, mxy) - alpha*dot(beta, beta)
	if ssr < 0 {
		ssr = 0 // an exact fit, up to rounding
	}
	sigma2 := ssr / df
	tb := &coefTable{
		se: make([]float64, d+1), t: make([]float64, d+1), p: make([]float64, d+1),
		lo: make([]float64, d+1), hi: make([]float64, d+1),
	}
	varB0 := 1/n + muCmu
	q := math.NaN()
	if df > 0 {
		q = distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(0.975)
	}
	coefs := append([]float64{fit.intercept}, beta...)
	for i, cf := range coefs {
		v := varB0
		if i > 0 {
			v = diag[i-1]
		}
		se := math.Sqrt(sigma2 * v)
		tv := cf / se
		tb.se[i], tb.t[i] = se, tv
		tb.p[i] = tTwoSided(tv, df)
		tb.lo[i], tb.hi[i] = cf-q*se, cf+q*se
	}
	r2 := 1 - ssr/myy
	fstat := ((myy - ssr) / p) / (ssr / df)
	llf := -n / 2 * (math.Log(2*math.Pi) + math.Log(ssr/n) + 1)
	tb.stats = FitStats{
		N: rows, DFModel: p, DFResid: df, SSR: ssr, Sigma2: sigma2,
		R2: r2, AdjR2: 1 - (1-r2)*(n-1)/df,
		F: fstat, FP: fSurvival(fstat, p, df),
		LogLik: llf, AIC: -2*llf + 2*(p+1), BIC: -2*llf + math.Log(n)*(p+1),
	}
	return tb
}

// predict writes res = μ_y + βᵀ(x − μ_x), μ_x the model's input means.
func (f *linFit) predict(m *Model, x, out []float64) {
	acc := f.muY
	mux := m.means
	for j, c := range f.coef {
		acc += c * (x[j] - mux[j])
	}
	out[0] = acc
}
