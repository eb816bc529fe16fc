package model

// moments extracts the centred view of s (docs/statistics.md section 1):
//
//	μ_i  = k_i + S1_i/n
//	M_ij = S2_ij − S1_i·(S1_j/n)
//
// Both are evaluated in double-double and rounded once, so the cancellation in
// S2 − S1·S1ᵀ/n (a column of mean 1e9 and standard deviation 1 shifted by its first row)
// costs no digits beyond the final rounding. M is exactly symmetric; a diagonal entry
// that rounds below 0 is set to 0. With n = 0 every value is 0.
func (s *summary) moments() Moments {
	d := s.dim()
	m := Moments{N: s.n, Mean: make([]float64, d), M: make([]float64, d*d)}
	if s.n == 0 {
		return m
	}
	n := float64(s.n)
	u := make([]dd, d) // S1/n
	for i := range d {
		u[i] = ddDivFloat(s.s1[i], n)
		m.Mean[i] = ddAdd(u[i], dd{s.k[i], 0}).float()
	}
	for j := range d {
		base := packedIndex(0, j)
		for i := 0; i <= j; i++ {
			v := ddAdd(s.s2[base+i], ddNeg(ddMul(s.s1[i], u[j]))).float()
			if i == j && v < 0 {
				v = 0
			}
			m.M[i*d+j] = v
			m.M[j*d+i] = v
		}
	}
	return m
}
