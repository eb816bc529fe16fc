package model

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// DefaultRcondTolerance is the smallest reciprocal condition number a build accepts, unless
// the MLContext sets sml_rcond_tolerance.
const DefaultRcondTolerance = 1e-14

// spd is the Cholesky factorization of a symmetric positive definite n×n matrix A.
//
// It factors the diagonally equilibrated matrix A' = D A D, D = diag(1/√A_ii) (a correlation
// matrix when A is a covariance), and its reciprocal condition number is that of A' (LAPACK
// 1-norm estimate): rescaling an attribute (metres to millimetres) changes neither the
// verdict nor the accuracy.
type spd struct {
	n     int
	scale []float64 // D
	chol  mat.Cholesky
	rcond float64
}

// singularError says why a matrix was refused. The build turns it into an *Error that names
// the matrix and, when one is at fault, the attribute.
type singularError struct {
	rcond, tol float64
	// zero is the index of a row with a zero (or negative, or non-finite) diagonal, or -1.
	zero int
}

func (e *singularError) Error() string {
	if e.zero >= 0 {
		return fmt.Sprintf("matrix is singular (row %d has no variance)", e.zero)
	}
	return fmt.Sprintf("matrix is singular or ill-conditioned (rcond %.2g < %g)", e.rcond, e.tol)
}

// factorSPD factors the row-major n×n symmetric matrix a (only read). It fails with a
// *singularError when a is not positive definite or its reciprocal condition number is
// below tol.
func factorSPD(a []float64, n int, tol float64) (*spd, error) {
	f := &spd{n: n, scale: make([]float64, n)}
	for i := 0; i < n; i++ {
		d := a[i*n+i]
		if !(d > 0) || math.IsInf(d, 0) {
			return nil, &singularError{zero: i, tol: tol}
		}
		f.scale[i] = 1 / math.Sqrt(d)
	}
	eq := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := a[i*n+j] * f.scale[i] * f.scale[j]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, &singularError{zero: -1, tol: tol}
			}
			eq.SetSym(i, j, v)
		}
	}
	if !f.chol.Factorize(eq) {
		var lu mat.LU
		lu.Factorize(eq)
		return nil, &singularError{rcond: 1 / lu.Cond(), tol: tol, zero: -1}
	}
	f.rcond = 1 / f.chol.Cond()
	if !(f.rcond >= tol) {
		return nil, &singularError{rcond: f.rcond, tol: tol, zero: -1}
	}
	return f, nil
}

// solve sets x = A⁻¹ b (x and b may alias): with A' = D A D = UᵀU, x = D U⁻¹ U⁻ᵀ D b, by
// forward and back substitution on U (O(n²), no allocation).
func (f *spd) solve(b, x []float64) {
	n := f.n
	u := f.chol.RawU().(*mat.TriDense).RawTriangular()
	for i := 0; i < n; i++ {
		x[i] = b[i] * f.scale[i]
	}
	// Uᵀ y = x: row i of Uᵀ is column i of U.
	for i := 0; i < n; i++ {
		v := x[i]
		for k := 0; k < i; k++ {
			v -= u.Data[k*u.Stride+i] * x[k]
		}
		x[i] = v / u.Data[i*u.Stride+i]
	}
	// U z = y.
	for i := n - 1; i >= 0; i-- {
		row := u.Data[i*u.Stride : i*u.Stride+n]
		v := x[i]
		for k := i + 1; k < n; k++ {
			v -= row[k] * x[k]
		}
		x[i] = v / row[i]
	}
	for i := 0; i < n; i++ {
		x[i] *= f.scale[i]
	}
}

// inverseDiag returns the diagonal of A⁻¹: with A' = UᵀU, A'⁻¹ = U⁻¹U⁻ᵀ, whose diagonal is
// the squared row norms of U⁻¹ (a triangular inverse, half the work of the whole A⁻¹).
func (f *spd) inverseDiag() []float64 {
	n := f.n
	var ui mat.TriDense
	_ = ui.InverseTri(f.chol.RawU()) // only a condition warning is possible; rcond was checked
	r := ui.RawTriangular()
	out := make([]float64, n)
	for i := 0; i < n; i++ {
		row := r.Data[i*r.Stride+i : i*r.Stride+n]
		out[i] = dot(row, row) * f.scale[i] * f.scale[i]
	}
	return out
}

// inverse returns A⁻¹, row-major n×n.
func (f *spd) inverse() []float64 {
	n := f.n
	var inv mat.SymDense
	_ = f.chol.InverseTo(&inv) // only a condition warning is possible
	out := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			out[i*n+j] = inv.At(i, j) * f.scale[i] * f.scale[j]
		}
	}
	return out
}

// logDet returns log det A.
func (f *spd) logDet() float64 {
	ld := f.chol.LogDet()
	for _, s := range f.scale {
		ld -= 2 * math.Log(s)
	}
	return ld
}

// lowerInverse returns L⁻¹ for A = L Lᵀ (L lower triangular), packed by rows: element (i, j),
// j ≤ i, at i(i+1)/2 + j. Then (x−μ)ᵀA⁻¹(x−μ) = ‖L⁻¹(x−μ)‖².
func (f *spd) lowerInverse() []float64 {
	n := f.n
	var l, li mat.TriDense
	f.chol.LTo(&l)
	_ = li.InverseTri(&l) // only a condition warning is possible
	out := make([]float64, n*(n+1)/2)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			out[i*(i+1)/2+j] = li.At(i, j) * f.scale[j]
		}
	}
	return out
}

// dot is Σ a_i b_i.
func dot(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// submatrix extracts the rows rs and columns cs of the row-major matrix m of width w.
func submatrix(m []float64, w int, rs, cs []int) []float64 {
	out := make([]float64, len(rs)*len(cs))
	for i, r := range rs {
		for j, c := range cs {
			out[i*len(cs)+j] = m[r*w+c]
		}
	}
	return out
}

// allFinite reports whether every value is finite.
func allFinite(vs ...[]float64) bool {
	for _, v := range vs {
		for _, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return false
			}
		}
	}
	return true
}
