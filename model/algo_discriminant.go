package model

import "math"

// discFit is a multi-class Gaussian discriminant: mlda (one pooled covariance) or mqda (one
// covariance per class). Scores are log P(k) + log p(x | k) up to a constant common to all
// classes; posteriors follow by log-sum-exp.
//
// mlda: Σ = S_W/(n−K), priors n_k/n — scikit-learn LinearDiscriminantAnalysis(solver="svd").
// Its scores are linear in x centred on the overall mean μ, which keeps them accurate when
// the attributes have large offsets: s_k = (μ_k−μ)ᵀΣ⁻¹(x−μ) − ½(μ_k−μ)ᵀΣ⁻¹(μ_k−μ) + log π_k.
//
// mqda: Σ_k = M_k/(n_k−1), priors n_k/n — scikit-learn QuadraticDiscriminantAnalysis:
// s_k = −½‖L_k⁻¹(x−μ_k)‖² − ½ log det Σ_k + log π_k with Σ_k = L_k L_kᵀ; L_k⁻¹ and the log
// determinants are computed at build time.
type discFit struct {
	quadratic bool
	d, k      int
	logPrior  []float64 // K
	means     []float64 // K×d class means
	counts    []float64 // K class sizes

	// mlda
	center []float64 // d: overall mean of the class rows
	coef   []float64 // K×d: Σ⁻¹(μ_k − center)
	icpt   []float64 // K
	cov    []float64 // d×d pooled covariance Σ (info)
	// invCenter is Σ⁻¹center (info: raw-coordinate coefficients).
	invCenter []float64

	// mqda
	linv   []float64 // K × d(d+1)/2: L_k⁻¹ packed by rows
	logDet []float64 // K: log det Σ_k
	covs   []float64 // K×d×d class covariances (info)
}

func (b *builder) mlda(m *Model) error {
	cs, _, err := b.classStats()
	if err != nil {
		return err
	}
	d, K := len(b.r.inputs), len(cs.names)
	dof := cs.n - float64(K)
	if dof < 1 {
		return errorf("cannot build mlda: %.0f rows for %d classes; it needs at least %d", cs.n, K, K+1)
	}
	fit, err := fitLinearDisc(cs, d, dof, func(a []float64) (*spd, error) {
		return b.factor(a, "within-class covariance matrix")
	})
	if err != nil {
		return err
	}
	m.classes = cs.names
	m.fit = fit
	return nil
}

// fitLinearDisc fits the pooled-covariance discriminant with Σ = S_W/dof.
func fitLinearDisc(cs *classStats, d int, dof float64, factor func([]float64) (*spd, error)) (*discFit, error) {
	K := len(cs.names)
	fit := newDiscFit(cs, d)
	fit.cov = make([]float64, d*d)
	for i, v := range cs.sw {
		fit.cov[i] = v / dof
	}
	f, err := factor(fit.cov)
	if err != nil {
		return nil, err
	}
	fit.center = make([]float64, d)
	for k := 0; k < K; k++ {
		for j := 0; j < d; j++ {
			fit.center[j] += cs.counts[k] * cs.means[k*d+j] / cs.n
		}
	}
	fit.invCenter = make([]float64, d)
	f.solve(fit.center, fit.invCenter)
	fit.coef = make([]float64, K*d)
	fit.icpt = make([]float64, K)
	dk := make([]float64, d)
	for k := 0; k < K; k++ {
		for j := 0; j < d; j++ {
			dk[j] = cs.means[k*d+j] - fit.center[j]
		}
		ck := fit.coef[k*d : (k+1)*d]
		f.solve(dk, ck)
		fit.icpt[k] = -0.5*dot(dk, ck) + fit.logPrior[k]
	}
	return fit, nil
}

func (b *builder) mqda(m *Model) error {
	if b.s.Type != "partition" {
		return errorf("mqda needs a partition project: the class covariances come from the partitions")
	}
	if r := b.r; !r.partition && len(r.targets) > 0 && !b.isPartitionColumns(r.targets) {
		return errorf("mqda classes are the partitions: its target must be the partition column %s (or none)", quote(b.s.PartitionColumn))
	}
	cs, _, err := b.classStats()
	if err != nil {
		return err
	}
	d, K := len(b.r.inputs), len(cs.names)
	fit := newDiscFit(cs, d)
	fit.quadratic = true
	fit.linv = make([]float64, 0, K*d*(d+1)/2)
	fit.logDet = make([]float64, K)
	fit.covs = make([]float64, 0, K*d*d)
	for k := 0; k < K; k++ {
		if cs.counts[k] < 2 {
			return errorf("cannot build mqda: class %s has %.0f row; it needs at least 2", quote(cs.names[k]), cs.counts[k])
		}
		cov := make([]float64, d*d)
		for i, v := range cs.m[k] {
			cov[i] = v / (cs.counts[k] - 1)
		}
		f, err := b.factor(cov, "covariance matrix of class "+quote(cs.names[k]))
		if err != nil {
			return err
		}
		fit.linv = append(fit.linv, f.lowerInverse()...)
		fit.logDet[k] = f.logDet()
		fit.covs = append(fit.covs, cov...)
	}
	m.classes = cs.names
	m.fit = fit
	return nil
}

func newDiscFit(cs *classStats, d int) *discFit {
	K := len(cs.names)
	fit := &discFit{d: d, k: K, means: cs.means, counts: cs.counts, logPrior: make([]float64, K)}
	for k, nk := range cs.counts {
		fit.logPrior[k] = math.Log(nk / cs.n)
	}
	return fit
}

// fitDisc tags the fit of mlda and mqda in the binary model format (model_codec.go); never reused.
const fitDisc byte = 2

func init() {
	registerAlgorithm(&algorithm{name: "mlda", order: 1, kind: fitDisc, build: (*builder).mlda})
	registerAlgorithm(&algorithm{name: "mqda", order: 2, kind: fitDisc, build: (*builder).mqda})
	registerFit(fitDisc, decodeDisc)
}

func (f *discFit) codecKind() byte { return fitDisc }

// outputs: res (the class), then one posterior probability per class.
func (f *discFit) outputs(classes []string) []Output { return classOutputs(classes, false) }

// classOutputs are the outputs of a multi-class classifier: res, Prob (the posterior of res)
// when withProb, then one posterior per class.
func classOutputs(classes []string, withProb bool) []Output {
	out := []Output{{"res", OutputClass}}
	if withProb {
		out = append(out, Output{"Prob", OutputNumber})
	}
	for _, c := range classes {
		out = append(out, Output{c, OutputNumber})
	}
	return out
}

func (f *discFit) predict(_ *Model, x, out []float64) {
	s := out[1 : 1+f.k]
	f.scores(x, s)
	out[0] = posteriors(s)
}

func (f *discFit) finite() bool {
	return allFinite(f.logPrior, f.means, f.center, f.coef, f.icpt, f.linv, f.logDet)
}

func (f *discFit) fits(m *Model) bool {
	d, k := len(m.inputs), len(m.classes)
	ok := f.quadratic == (m.algo == "mqda") && f.d == d && f.k == k && k >= 2 &&
		len(f.logPrior) == k && len(f.means) == k*d && len(f.counts) == k
	if ok && f.quadratic {
		return len(f.linv) == k*d*(d+1)/2 && len(f.logDet) == k && len(f.covs) == k*d*d
	}
	return ok && len(f.center) == d && len(f.coef) == k*d && len(f.icpt) == k && len(f.cov) == d*d && len(f.invCenter) == d
}

func (f *discFit) encode(e *encoder) {
	e.bool(f.quadratic)
	e.uvarint(uint64(f.d))
	e.uvarint(uint64(f.k))
	for _, v := range [][]float64{f.logPrior, f.means, f.counts, f.center, f.coef, f.icpt, f.cov, f.invCenter, f.linv, f.logDet, f.covs} {
		e.floats(v)
	}
}

func decodeDisc(d *decoder) fitted {
	f := &discFit{}
	f.quadratic = d.bool()
	f.d, f.k = d.count(1), d.count(1)
	for _, p := range []*[]float64{&f.logPrior, &f.means, &f.counts, &f.center, &f.coef, &f.icpt, &f.cov, &f.invCenter, &f.linv, &f.logDet, &f.covs} {
		*p = d.floats()
	}
	return f
}

func (f *discFit) describe(_ *Model, mi *ModelInfo) {
	mi.addParam("classCounts", f.counts...)
	mi.addParam("priors", exps(f.logPrior)...)
	mi.addParam("classMeans", f.means...)
	if f.quadratic {
		mi.addParam("covariances", f.covs...)
		mi.addParam("logDetCovariances", f.logDet...)
		return
	}
	mi.addParam("covariance", f.cov...)
	coef, icpt := f.textbook()
	mi.addParam("coef", coef...)
	mi.addParam("intercept", icpt...)
}

// scores writes the K class scores into s.
func (f *discFit) scores(x, s []float64) {
	d := f.d
	if !f.quadratic {
		for k := 0; k < f.k; k++ {
			acc := f.icpt[k]
			ck := f.coef[k*d : (k+1)*d]
			for j, c := range ck {
				acc += c * (x[j] - f.center[j])
			}
			s[k] = acc
		}
		return
	}
	tri := d * (d + 1) / 2
	var stack [128]float64 // x − μ_k without allocating, for d ≤ 128
	for k := 0; k < f.k; k++ {
		mu := f.means[k*d : (k+1)*d]
		l := f.linv[k*tri : (k+1)*tri]
		var q float64
		if d <= len(stack) {
			diff := stack[:d]
			for j := range diff {
				diff[j] = x[j] - mu[j]
			}
			for i := 0; i < d; i++ {
				z := dot(l[:i+1], diff[:i+1])
				l = l[i+1:]
				q += z * z
			}
		} else {
			for i := 0; i < d; i++ {
				var z float64
				for j, lij := range l[:i+1] {
					z += lij * (x[j] - mu[j])
				}
				l = l[i+1:]
				q += z * z
			}
		}
		s[k] = f.logPrior[k] - 0.5*f.logDet[k] - 0.5*q
	}
}

// posteriors turns the scores in s into posterior probabilities, in place, and returns the
// index of the most probable class (the first on ties), as a float64. Non-finite scores give
// NaN everywhere.
func posteriors(s []float64) float64 {
	best := 0
	for k, v := range s {
		if v > s[best] {
			best = k
		}
	}
	lse := logSumExp(s, s[best])
	if math.IsNaN(lse) || math.IsInf(lse, 0) {
		for k := range s {
			s[k] = math.NaN()
		}
		return math.NaN()
	}
	for k, v := range s {
		s[k] = math.Exp(v - lse)
	}
	return float64(best)
}

// logSumExp is log Σ exp(s_k), given max = max_k s_k.
func logSumExp(s []float64, max float64) float64 {
	var sum float64
	for _, v := range s {
		sum += math.Exp(v - max)
	}
	return max + math.Log(sum)
}
