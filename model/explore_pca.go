package model

import (
	"math"
	"sort"
	"strconv"

	"github.com/symscore/symscore/dataframe"
	"gonum.org/v1/gonum/mat"
)

// pca is the principal component analysis of the inputs (C or B; at least one, no target)
// on their covariance M/(n − 1) (the sample convention, as scikit-learn's PCA; it needs
// n ≥ 2). For the d components k = 0..d−1, by decreasing eigenvalue, and the inputs
// j = 0..d−1 in context order, the keys are, in this order:
//
//	eigenvalue.<k>              the k-th largest eigenvalue (the explained variance); the
//	                            rounding-level negative values of a singular covariance
//	                            are reported as 0
//	explainedVarianceRatio.<k>  eigenvalue.k over the trace of the covariance (the sum
//	                            of the eigenvalues); NaN when every input is constant
//	eigenvector.<k>.<j>         entry j of component k's unit eigenvector, signed so that
//	                            its largest-magnitude entry is positive
//
// The eigenvectors of a repeated eigenvalue are not unique: any orthonormal basis of its
// eigenspace may be returned.
// MaxPCAInputs bounds the inputs of one pca: its eigendecomposition costs O(d³), about
// 1 s at d = 512 on one core here (and 8 times that at twice the inputs).
const MaxPCAInputs = 512

func (e *explorer) pca() ([]Stat, error) {
	if err := e.noTargets(); err != nil {
		return nil, err
	}
	if err := e.checkInputs(1, -1, "at least one input attribute", dataframe.TypeC, dataframe.TypeB); err != nil {
		return nil, err
	}
	if d := len(e.r.inputs); d > MaxPCAInputs {
		return nil, errorf("pca takes at most %d inputs (its eigendecomposition costs d³), got %d", MaxPCAInputs, d)
	}
	t := &e.s.Total
	if t.N < 2 {
		return nil, errorf("pca needs at least 2 rows for the covariance (it divides by n − 1), got %d", t.N)
	}
	in := e.r.inputs
	d, w := len(in), len(t.Mean)
	cov := mat.NewSymDense(d, nil)
	var trace float64
	for a, ia := range in {
		for b := a; b < d; b++ {
			cov.SetSym(a, b, t.M[ia*w+in[b]]/float64(t.N-1))
		}
		trace += cov.At(a, a)
	}
	if !allFinite(cov.RawSymmetric().Data) {
		return nil, errorf("pca: the covariance of the inputs overflows float64")
	}
	var eig mat.EigenSym
	if !eig.Factorize(cov, true) {
		return nil, errorf("pca: the eigendecomposition of the covariance did not converge")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	order := make([]int, d)
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(a, b int) bool { return vals[order[a]] > vals[order[b]] })

	out := make([]Stat, 0, d*(d+2))
	for k, c := range order {
		out = append(out, Stat{"eigenvalue." + strconv.Itoa(k), math.Max(0, vals[c])})
	}
	for k, c := range order {
		ratio := math.NaN()
		if trace > 0 {
			ratio = math.Max(0, vals[c]) / trace
		}
		out = append(out, Stat{"explainedVarianceRatio." + strconv.Itoa(k), ratio})
	}
	for k, c := range order {
		big := 0
		for j := 1; j < d; j++ {
			if math.Abs(vecs.At(j, c)) > math.Abs(vecs.At(big, c)) {
				big = j
			}
		}
		sign := 1.0
		if vecs.At(big, c) < 0 {
			sign = -1
		}
		prefix := "eigenvector." + strconv.Itoa(k) + "."
		for j := 0; j < d; j++ {
			v := sign * vecs.At(j, c)
			if v == 0 {
				v = 0 // not −0
			}
			out = append(out, Stat{prefix + strconv.Itoa(j), v})
		}
	}
	return out, nil
}
