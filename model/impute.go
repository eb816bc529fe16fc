package model

import (
	"errors"
	"math"
)

// Impute replaces the missing inputs of x (missing[j] true; x in model order) by their
// conditional expectation given the present ones under the input moments at build time:
//
//	E[x_S | x_O] = μ_S + M_SO M_OO⁻¹ (x_O − μ_O)
//
// — the least-squares regression of each missing input on the present ones (REST
// impute=true). With no input present, the missing ones get their means. It allocates (it
// is not the WebSocket hot path) and is safe for concurrent use. Errors are *Error: wrong
// lengths, a non-finite present input, or present inputs too collinear to regress on (the
// caller may then fall back to InputMeans).
func (m *Model) Impute(x []float64, missing []bool) error {
	d := len(m.inputs)
	if len(x) != d || len(missing) != d {
		return errorf("impute: got %d values and %d flags for %d inputs", len(x), len(missing), d)
	}
	var obs, mis []int
	for j := 0; j < d; j++ {
		if missing[j] {
			mis = append(mis, j)
			continue
		}
		if math.IsNaN(x[j]) || math.IsInf(x[j], 0) {
			return errorf("impute: input %s is not finite", quote(m.inputs[j]))
		}
		obs = append(obs, j)
	}
	if len(mis) == 0 {
		return nil
	}
	z := make([]float64, len(obs))
	if len(obs) > 0 {
		f, err := factorSPD(submatrix(m.inM, d, obs, obs), len(obs), m.tol)
		if err != nil {
			var se *singularError
			if errors.As(err, &se) && se.zero >= 0 {
				return errorf("impute: input %s had no variance at build time", quote(m.inputs[obs[se.zero]]))
			}
			return errorf("impute: the present inputs are too collinear to regress on: %v", err)
		}
		r := make([]float64, len(obs))
		for i, j := range obs {
			r[i] = x[j] - m.means[j]
		}
		f.solve(r, z)
	}
	for _, s := range mis {
		v := m.means[s]
		for i, o := range obs {
			v += m.inM[s*d+o] * z[i]
		}
		x[s] = v
	}
	return nil
}
