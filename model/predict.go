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
	switch {
	case m.lda != nil:
		m.lda.predict(x, out)
	case m.disc != nil:
		s := out[1 : 1+m.disc.k]
		m.disc.scores(x, s)
		out[0] = posteriors(s)
	case m.nb != nil:
		s := out[2 : 2+m.nb.k]
		m.nb.scores(x, s)
		res := posteriors(s)
		out[0] = res
		if res == res {
			out[1] = s[int(res)]
		} else {
			out[1] = res
		}
	case m.lin != nil:
		out[0] = m.lin.predict(x, m.means)
	}
}

// logPosteriors writes the log posterior of each class into dst (classifiers with more than
// lda's two fixed classes); used to compare with references in log space.
func (m *Model) logPosteriors(x, dst []float64) {
	switch {
	case m.disc != nil:
		m.disc.scores(x, dst)
	case m.nb != nil:
		m.nb.scores(x, dst)
	default:
		panic("model: logPosteriors on a model without class scores")
	}
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
