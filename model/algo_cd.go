package model

import "math"

// Coordinate descent for lasso and elasticnet.
//
// The objective is scikit-learn's (1/2n)‖y − b₀ − Xw‖² + λη‖w‖₁ + ½λ(1−η)‖w‖², λ = lambda,
// η = eta (1 for lasso). With the centred moments, G = M_xx/n and c = M_xy/n, it is
// ½wᵀGw − cᵀw + λη‖w‖₁ + ½λ(1−η)‖w‖² + const, and the coordinate update is
//
//	w_j ← S(c_j − (Gw)_j + G_jj w_j, λη) / (G_jj + λ(1−η)),  S the soft threshold,
//
// keeping Gw up to date after each change (covariance updates: no row is read). Sweeps stop
// when the largest change of a sweep is at most cdTolerance times the largest |w_j|, checked
// once more after recomputing Gw from scratch; more than cdMaxSweeps sweeps fail the build.
// The intercept is b₀ = μ_y − μ_xᵀw. No matrix is inverted, so there is no condition check;
// an input with no variance gets w_j = 0 (as scikit-learn).
const (
	cdTolerance = 1e-14
	cdMaxSweeps = 100000
)

func (b *builder) coordinateDescent(m *Model) error {
	t, err := b.oneTarget()
	if err != nil {
		return err
	}
	s := &b.s.Total
	w := len(s.Mean)
	in := b.r.inputs
	d := len(in)
	n := float64(s.N)
	g := submatrix(s.M, w, in, in)
	for i := range g {
		g[i] /= n
	}
	c := make([]float64, d)
	for j, i := range in {
		c[j] = s.M[i*w+t] / n
	}
	l1 := b.p.lambda * b.p.eta
	l2 := b.p.lambda * (1 - b.p.eta)
	coef, sweeps, change, ok := cdSolve(g, c, d, l1, l2, func() bool { return b.stopped() != nil })
	if err := b.stopped(); err != nil {
		return err
	}
	if !ok {
		return errorf("cannot build %s: coordinate descent did not converge in %d sweeps (last relative change %.2g)", b.algo, sweeps, change)
	}
	fit := &linFit{coef: coef, muY: s.Mean[t], intercept: s.Mean[t], iter: sweeps}
	for j, i := range in {
		fit.intercept -= s.Mean[i] * coef[j]
	}
	m.fit = fit
	return nil
}

func init() {
	registerAlgorithm(&algorithm{name: "lasso", order: 6, kind: fitLinear, extra: []paramRule{ruleLambda}, build: (*builder).coordinateDescent})
	registerAlgorithm(&algorithm{name: "elasticnet", order: 7, kind: fitLinear, extra: []paramRule{ruleLambda, ruleEta}, build: (*builder).coordinateDescent})
}

// cdSolve minimizes ½wᵀGw − cᵀw + l1‖w‖₁ + ½l2‖w‖². It returns w, the sweeps done, the
// last relative change and whether it converged. It gives up (not converged) when stop
// reports true, asked before every sweep (O(d²) each).
func cdSolve(g, c []float64, d int, l1, l2 float64, stop func() bool) (w []float64, sweeps int, change float64, ok bool) {
	w = make([]float64, d)
	q := make([]float64, d) // G w
	fresh := true           // q was just recomputed
	for sweeps = 1; sweeps <= cdMaxSweeps; sweeps++ {
		if stop() {
			return w, sweeps, change, false
		}
		var maxDelta, maxW float64
		for j := 0; j < d; j++ {
			gjj := g[j*d+j]
			den := gjj + l2
			if !(den > 0) {
				continue // no variance and no ridge term: w_j stays 0
			}
			rho := c[j] - q[j] + gjj*w[j]
			wn := softThreshold(rho, l1) / den
			if delta := wn - w[j]; delta != 0 {
				for k := 0; k < d; k++ {
					q[k] += delta * g[k*d+j]
				}
				w[j] = wn
				maxDelta = math.Max(maxDelta, math.Abs(delta))
			}
			maxW = math.Max(maxW, math.Abs(wn))
		}
		change = 0
		if maxW > 0 {
			change = maxDelta / maxW
		}
		if maxDelta <= cdTolerance*maxW {
			if fresh {
				return w, sweeps, change, true
			}
			for k := 0; k < d; k++ {
				q[k] = dot(g[k*d:(k+1)*d], w)
			}
			fresh = true
			continue
		}
		fresh = false
	}
	return w, cdMaxSweeps, change, false
}

func softThreshold(x, t float64) float64 {
	switch {
	case x > t:
		return x - t
	case x < -t:
		return x + t
	}
	return 0
}
