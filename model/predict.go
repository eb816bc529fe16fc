package model

// Predict scores one row. x holds the inputs in model order (len(x) = len(Inputs())), all
// finite: the caller imputes missing values first (InputMeans, or Impute). out receives one
// value per Outputs() key (len(out) = len(Outputs())): numbers, class indexes (as float64)
// and 0/1 for booleans. Non-finite inputs give NaN outputs (a NaN class index included),
// which a writer turns into null.
//
// Predict allocates nothing, reads only the model and is safe for concurrent use.
func (m *Model) Predict(x []float64, out []float64) {
	_ = x[len(m.inputs)-1]
	_ = out[len(m.outputs)-1]
	m.fit.predict(m, x, out)
}

// logPosteriors writes the log posterior of each class into dst (classifiers with more than
// lda's two fixed classes); used to compare with references in log space.
func (m *Model) logPosteriors(x, dst []float64) {
	cs, ok := m.fit.(classScorer)
	if !ok {
		panic("model: logPosteriors on a model without class scores")
	}
	cs.scores(x, dst)
	best := dst[0]
	for _, v := range dst {
		if v > best {
			best = v
		}
	}
	lse := logSumExp(dst, best)
	for k := range dst {
		dst[k] -= lse
	}
}
