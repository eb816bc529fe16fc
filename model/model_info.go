package model

import (
	"math"
	"time"
)

// ModelInfo describes a model (STATISTICS.md "model info"). It is a fresh copy: the caller
// owns it.
type ModelInfo struct {
	ModelID          string
	ModelType        string
	AttributeNames   []string // inputs, model order
	AttributeIndexes []int    // their project indexes at build time
	TargetNames      []string // target attributes (the partition column for partition classes)
	PredictInfo      []string // prediction keys, reply order
	BuildTime        time.Duration
	CreationDate     time.Time
	Rows             int64    // rows the model was fitted on
	Classes          []string // classifiers: class names, class index order
	// Params are the build parameters the algorithm used, each with its value (given or
	// default), sorted by name, then the fitted parameters.
	Params []Param
	// Coefficients is the coefficient table of mlr and ridge, intercept first.
	Coefficients []Coefficient
	// Fit holds the goodness-of-fit statistics of mlr and ridge.
	Fit *FitStats
}

// Coefficient is one row of a regression's coefficient table.
type Coefficient struct {
	Name               string // "intercept" or the input name
	Coef, StdErr, T, P float64
	CILow, CIHigh      float64 // 95% confidence interval
}

// FitStats are a regression's goodness-of-fit statistics (statsmodels OLS conventions).
type FitStats struct {
	N                int64
	DFModel, DFResid float64 // p and n − p − 1
	SSR, Sigma2      float64 // residual sum of squares and SSR/DFResid
	R2, AdjR2        float64
	F, FP            float64 // F statistic and its p-value
	LogLik, AIC, BIC float64
}

// Info describes the model and its fitted parameters.
func (m *Model) Info() ModelInfo {
	mi := ModelInfo{
		ModelID:          m.id,
		ModelType:        m.algo,
		AttributeNames:   append([]string(nil), m.inputs...),
		AttributeIndexes: append([]int(nil), m.inputIdx...),
		TargetNames:      append([]string(nil), m.targets...),
		BuildTime:        m.buildTime,
		CreationDate:     m.created,
		Rows:             m.rows,
		Classes:          append([]string(nil), m.classes...),
	}
	for _, o := range m.outputs {
		mi.PredictInfo = append(mi.PredictInfo, o.Key)
	}
	for _, p := range m.params {
		mi.Params = append(mi.Params, Param{p.Name, append([]float64(nil), p.Values...)})
	}
	add := func(name string, v ...float64) {
		mi.Params = append(mi.Params, Param{name, append([]float64(nil), v...)})
	}
	add("inputMeans", m.means...)
	switch {
	case m.lda != nil:
		f := m.lda
		add("w", f.w...)
		add("z0", f.z0)
		add("z1LTz0", boolFloat(f.z1LTz0))
		add("classCounts", f.n0, f.n1)
		add("classMeans", append(append([]float64(nil), f.mu0...), f.mu1...)...)
		add("probIntercept", f.logPriorOdds-f.z0)
	case m.disc != nil:
		f := m.disc
		add("classCounts", f.counts...)
		add("priors", exps(f.logPrior)...)
		add("classMeans", f.means...)
		if f.quadratic {
			add("covariances", f.covs...)
			add("logDetCovariances", f.logDet...)
		} else {
			add("covariance", f.cov...)
			coef, icpt := f.textbook()
			add("coef", coef...)
			add("intercept", icpt...)
		}
	case m.nb != nil:
		f := m.nb
		add("classCounts", f.counts...)
		add("classMeans", f.mean...)
		add("classVarianceOrProbability", f.variance...)
		add("epsilon", f.epsilon)
	case m.lin != nil:
		f := m.lin
		add("coef", f.coef...)
		add("intercept", f.intercept)
		if f.iter > 0 {
			add("sweeps", float64(f.iter))
		}
		if t := f.table; t != nil {
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
	}
	return mi
}

// textbook returns mlda's discriminant in raw coordinates, as scikit-learn's lsqr/eigen
// solvers report it: coef_k = Σ⁻¹μ_k, intercept_k = −½μ_kᵀΣ⁻¹μ_k + log π_k. Predict's scores
// in centred coordinates differ from these by a term common to all classes. With
// δ_k = μ_k − μ, c_k = Σ⁻¹δ_k (stored) and ι = Σ⁻¹μ (stored): Σ⁻¹μ_k = c_k + ι and
// μ_kᵀΣ⁻¹μ_k = δ_kᵀc_k + 2δ_kᵀι + μᵀι.
func (f *discFit) textbook() (coef, icpt []float64) {
	d := f.d
	coef = make([]float64, f.k*d)
	icpt = make([]float64, f.k)
	muIota := dot(f.center, f.invCenter)
	for k := 0; k < f.k; k++ {
		var deltaIota float64
		for j := 0; j < d; j++ {
			coef[k*d+j] = f.coef[k*d+j] + f.invCenter[j]
			deltaIota += (f.means[k*d+j] - f.center[j]) * f.invCenter[j]
		}
		icpt[k] = f.icpt[k] - deltaIota - 0.5*muIota
	}
	return coef, icpt
}

func exps(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Exp(x)
	}
	return out
}
