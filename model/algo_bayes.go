package model

import (
	"math"

	"github.com/symscore/symscore/dataframe"
)

// bayesFit is naive Bayes with priors n_k/n.
//
// B inputs are Bernoulli: p_kj = (c_kj + α)/(n_k + 2α), α = laplace_factor, c_kj the number of
// rows of class k with x_j = 1 — available in any project, since c_kj = n_k μ_kj and the class
// means come from the co-moments of the input with the class indicators. The term is
// x·log p + (1−x)·log(1−p), exact for 0/1 and a linear interpolation for an imputed mean.
//
// C inputs are Gaussian, as scikit-learn GaussianNB: var_kj = M_k,jj/n_k + ε with
// ε = 1e-9·max_j var_j over the C inputs (total variance ÷n). The class variances need the
// partitions' own moments, so C inputs need a partition project whose partitions are the
// classes.
type bayesFit struct {
	d, k     int
	gauss    []bool    // per input: Gaussian (C) or Bernoulli (B)
	cst      []float64 // K: log π_k − ½Σ_C log(2π var_kj) + Σ_B log(1−p_kj)
	mean     []float64 // K×d class means (Gaussian: μ_kj; Bernoulli: c_kj/n_k)
	halfPrec []float64 // K×d: 1/(2 var_kj), Gaussian inputs
	dlog     []float64 // K×d: log p_kj − log(1−p_kj), Bernoulli inputs
	variance []float64 // K×d: var_kj (Gaussian) or p_kj (Bernoulli), for info
	counts   []float64 // K
	epsilon  float64
}

func (b *builder) bayes(m *Model) error {
	cs, partitions, err := b.classStats()
	if err != nil {
		return err
	}
	d, K := len(b.r.inputs), len(cs.names)
	fit := &bayesFit{
		d: d, k: K, gauss: make([]bool, d), cst: make([]float64, K), mean: cs.means,
		halfPrec: make([]float64, K*d), dlog: make([]float64, K*d), variance: make([]float64, K*d),
		counts: cs.counts,
	}
	t := &b.s.Total
	w := len(t.Mean)
	for j, in := range b.r.inputs {
		if b.kind(in) != dataframe.TypeC {
			continue
		}
		if !partitions {
			return errorf("bayes with continuous (C) input %s needs a partition project with the partition column as target", quote(b.s.Names[in]))
		}
		fit.gauss[j] = true
		fit.epsilon = math.Max(fit.epsilon, t.M[in*w+in]/float64(t.N))
	}
	fit.epsilon *= 1e-9
	alpha := b.p.laplace
	for k := 0; k < K; k++ {
		nk := cs.counts[k]
		c := math.Log(nk / cs.n)
		for j := 0; j < d; j++ {
			i := k*d + j
			if fit.gauss[j] {
				v := cs.m[k][j*d+j]/nk + fit.epsilon
				if !(v > 0) {
					return errorf("cannot build bayes: input %s has no variance in class %s", quote(b.s.Names[b.r.inputs[j]]), quote(cs.names[k]))
				}
				fit.variance[i] = v
				fit.halfPrec[i] = 0.5 / v
				c -= 0.5 * math.Log(2*math.Pi*v)
				continue
			}
			ones := math.Round(nk * cs.means[i])
			p := (ones + alpha) / (nk + 2*alpha)
			fit.variance[i] = p
			fit.dlog[i] = math.Log(p) - math.Log1p(-p)
			c += math.Log1p(-p)
		}
		fit.cst[k] = c
	}
	m.classes = cs.names
	m.fit = fit
	return nil
}

// fitBayes tags the fit of bayes in the binary model format (model_codec.go); never reused.
const fitBayes byte = 3

func init() {
	registerAlgorithm(&algorithm{name: "bayes", order: 3, kind: fitBayes, build: (*builder).bayes})
	registerFit(fitBayes, decodeBayes)
}

func (f *bayesFit) codecKind() byte { return fitBayes }

// outputs: res, Prob (the posterior of res), then one posterior per class.
func (f *bayesFit) outputs(classes []string) []Output { return classOutputs(classes, true) }

func (f *bayesFit) predict(_ *Model, x, out []float64) {
	s := out[2 : 2+f.k]
	f.scores(x, s)
	res := posteriors(s)
	out[0] = res
	if res == res {
		out[1] = s[int(res)]
	} else {
		out[1] = res
	}
}

func (f *bayesFit) finite() bool { return allFinite(f.cst, f.mean, f.halfPrec, f.dlog) }

func (f *bayesFit) fits(m *Model) bool {
	d, k := len(m.inputs), len(m.classes)
	return f.d == d && f.k == k && k >= 2 && len(f.gauss) == d && len(f.cst) == k &&
		len(f.mean) == k*d && len(f.halfPrec) == k*d && len(f.dlog) == k*d && len(f.variance) == k*d && len(f.counts) == k
}

func (f *bayesFit) encode(e *encoder) {
	e.uvarint(uint64(f.d))
	e.uvarint(uint64(f.k))
	e.uvarint(uint64(len(f.gauss)))
	for _, g := range f.gauss {
		e.bool(g)
	}
	for _, v := range [][]float64{f.cst, f.mean, f.halfPrec, f.dlog, f.variance, f.counts} {
		e.floats(v)
	}
	e.float(f.epsilon)
}

func decodeBayes(d *decoder) fitted {
	f := &bayesFit{}
	f.d, f.k = d.count(1), d.count(1)
	n := d.count(1)
	f.gauss = make([]bool, 0, n)
	for i := 0; i < n; i++ {
		f.gauss = append(f.gauss, d.bool())
	}
	for _, p := range []*[]float64{&f.cst, &f.mean, &f.halfPrec, &f.dlog, &f.variance, &f.counts} {
		*p = d.floats()
	}
	f.epsilon = d.float()
	return f
}

func (f *bayesFit) describe(_ *Model, mi *ModelInfo) {
	mi.addParam("classCounts", f.counts...)
	mi.addParam("classMeans", f.mean...)
	mi.addParam("classVarianceOrProbability", f.variance...)
	mi.addParam("epsilon", f.epsilon)
}

// scores writes the K class scores (log π_k + log p(x | k)) into s.
func (f *bayesFit) scores(x, s []float64) {
	d := f.d
	for k := 0; k < f.k; k++ {
		acc := f.cst[k]
		for j, g := range f.gauss {
			i := k*d + j
			if g {
				z := x[j] - f.mean[i]
				acc -= z * z * f.halfPrec[i]
			} else {
				acc += x[j] * f.dlog[i]
			}
		}
		s[k] = acc
	}
}
