package model

import (
	"math"

	"github.com/symscore/symscore/dataframe"
)

// ldaFit is SymetryML's two-class linear discriminant. Class 1 is target = 1.
//
//	w      = (S_W/n)⁻¹ (μ₁ − μ₀)        S_W the within-class scatter, n all rows
//	z0     = w·(μ₁ + μ₀)/2
//	resZ   = w·x                         (no intercept)
//	z1LTz0 = w·μ₁ < z0
//	res    = 1 when (resZ < z0) == z1LTz0, i.e. x is on class 1's side of z0
//	normZ  = 1/(1 + exp(1 − resZ/z0))    (SymetryML's; not a probability)
//	prob   = P(class 1 | x) = σ(w·(x − (μ₁+μ₀)/2) + log(n₁/n₀))
//
// prob is the posterior of the LDA with covariance S_W/n — the same w — and priors n_k/n:
// scikit-learn's LinearDiscriminantAnalysis(solver="lsqr"), whose covariance is S_W/n. (The
// "svd" solver's S_W/(n−2) gives a w smaller by (n−2)/n and a different posterior; mlda uses
// that one.) Since S_W/n is positive definite, w·μ₁ − z0 = ½(μ₁−μ₀)ᵀ(S_W/n)⁻¹(μ₁−μ₀) > 0:
// z1LTz0 is false and res is 1 exactly when resZ ≥ z0; the rule is kept in SymetryML's form.
type ldaFit struct {
	w            []float64
	mid          []float64 // (μ₁ + μ₀)/2
	mu0, mu1     []float64
	n0, n1       float64
	z0           float64
	z1LTz0       bool
	logPriorOdds float64 // log(n₁/n₀)
}

func (b *builder) lda(m *Model) error {
	t, err := b.oneTarget()
	if err != nil {
		return err
	}
	if b.kind(t) != dataframe.TypeB {
		return errorf("lda target %s must be binary (B); for a category use mlda", quote(b.s.Names[t]))
	}
	cs, err := classesFromIndicators(b.s, b.r.inputs, []indicator{{name: "0", col: t, neg: true}, {name: "1", col: t}})
	if err != nil {
		return err
	}
	if len(cs.names) < 2 {
		return errorf("cannot build lda: target %s has the same value in every row", quote(b.s.Names[t]))
	}
	d := len(b.r.inputs)
	n := cs.n
	cov := make([]float64, d*d)
	for i, v := range cs.sw {
		cov[i] = v / n
	}
	f, err := b.factor(cov, "within-class covariance matrix")
	if err != nil {
		return err
	}
	fit := &ldaFit{
		mu0: cs.means[:d:d], mu1: cs.means[d:],
		n0: cs.counts[0], n1: cs.counts[1],
		w: make([]float64, d), mid: make([]float64, d),
	}
	diff := make([]float64, d)
	for j := 0; j < d; j++ {
		diff[j] = fit.mu1[j] - fit.mu0[j]
		fit.mid[j] = (fit.mu1[j] + fit.mu0[j]) / 2
	}
	f.solve(diff, fit.w)
	fit.z0 = dot(fit.w, fit.mid)
	fit.z1LTz0 = dot(fit.w, fit.mu1) < fit.z0
	fit.logPriorOdds = math.Log(fit.n1 / fit.n0)
	m.classes = []string{"0", "1"}
	m.fit = fit
	return nil
}

// fitLDA tags the fit of lda in the binary model format (model_codec.go); never reused.
const fitLDA byte = 1

func init() {
	registerAlgorithm(&algorithm{name: "lda", order: 0, kind: fitLDA, build: (*builder).lda})
	registerFit(fitLDA, decodeLDA)
}

func (f *ldaFit) codecKind() byte { return fitLDA }

func (f *ldaFit) outputs([]string) []Output {
	return []Output{
		{"res", OutputClass}, {"resZ", OutputNumber}, {"z0", OutputNumber},
		{"z1LTz0", OutputBool}, {"normZ", OutputNumber}, {"prob", OutputNumber},
	}
}

func (f *ldaFit) finite() bool {
	return allFinite(f.w, f.mid, []float64{f.z0, f.logPriorOdds})
}

func (f *ldaFit) fits(m *Model) bool {
	d := len(m.inputs)
	return len(m.classes) == 2 && len(f.w) == d && len(f.mid) == d && len(f.mu0) == d && len(f.mu1) == d
}

func (f *ldaFit) encode(e *encoder) {
	e.floats(f.w)
	e.floats(f.mid)
	e.floats(f.mu0)
	e.floats(f.mu1)
	e.float(f.n0)
	e.float(f.n1)
	e.float(f.z0)
	e.bool(f.z1LTz0)
	e.float(f.logPriorOdds)
}

func decodeLDA(d *decoder) fitted {
	f := &ldaFit{}
	f.w, f.mid, f.mu0, f.mu1 = d.floats(), d.floats(), d.floats(), d.floats()
	f.n0, f.n1, f.z0 = d.float(), d.float(), d.float()
	f.z1LTz0 = d.bool()
	f.logPriorOdds = d.float()
	return f
}

func (f *ldaFit) describe(_ *Model, mi *ModelInfo) {
	mi.addParam("w", f.w...)
	mi.addParam("z0", f.z0)
	mi.addParam("z1LTz0", boolFloat(f.z1LTz0))
	mi.addParam("classCounts", f.n0, f.n1)
	mi.addParam("classMeans", append(append([]float64(nil), f.mu0...), f.mu1...)...)
	mi.addParam("probIntercept", f.logPriorOdds-f.z0)
}

// predict writes res, resZ, z0, z1LTz0, normZ, prob.
func (f *ldaFit) predict(_ *Model, x, out []float64) {
	var resZ, lo float64
	for j, wj := range f.w {
		resZ += wj * x[j]
		lo += wj * (x[j] - f.mid[j])
	}
	lo += f.logPriorOdds
	out[0] = ldaRes(resZ, f.z0, f.z1LTz0)
	out[1] = resZ
	out[2] = f.z0
	out[3] = boolFloat(f.z1LTz0)
	out[4] = normZ(resZ, f.z0)
	out[5] = sigmoid(lo)
}

// logOdds is log P(class 1 | x) − log P(class 0 | x), the logit of prob.
func (f *ldaFit) logOdds(x []float64) float64 {
	lo := f.logPriorOdds
	for j, wj := range f.w {
		lo += wj * (x[j] - f.mid[j])
	}
	return lo
}

// ldaRes is SymetryML's decision: class 1 when (resZ < z0) == z1LTz0.
func ldaRes(resZ, z0 float64, z1LTz0 bool) float64 {
	return boolFloat((resZ < z0) == z1LTz0)
}

// normZ is SymetryML's normalized score 1/(1 + exp(1 − resZ/z0)).
func normZ(resZ, z0 float64) float64 {
	return 1 / (1 + math.Exp(1-resZ/z0))
}

// sigmoid is 1/(1 + e^−t) without overflow.
func sigmoid(t float64) float64 {
	if t >= 0 {
		return 1 / (1 + math.Exp(-t))
	}
	e := math.Exp(t)
	return e / (1 + e)
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
