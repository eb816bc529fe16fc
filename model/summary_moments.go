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
//
// meanAt and comomentAt compute one entry each; moments and the live reading of a few
// entries (Project.Read) both use them, so that they agree bit for bit.
func (s *summary) moments() Moments {
	d := s.dim()
	m := Moments{N: s.n, Mean: make([]float64, d), M: make([]float64, d*d)}
	if s.n == 0 {
		return m
	}
	u := make([]dd, d) // S1/n
	for i := range d {
		u[i], m.Mean[i] = s.meanAt(i)
	}
	for j := range d {
		for i := 0; i <= j; i++ {
			v := s.comomentAt(i, j, u[j])
			m.M[i*d+j] = v
			m.M[j*d+i] = v
		}
	}
	return m
}

// meanAt returns u_i = S1_i/n and the mean μ_i = k_i + u_i of attribute i. n must not be 0.
func (s *summary) meanAt(i int) (u dd, mean float64) {
	u = ddDivFloat(s.s1[i], float64(s.n))
	return u, ddAdd(u, dd{s.k[i], 0}).float()
}

// comomentAt is M_ij for i ≤ j, given uj = S1_j/n (meanAt); a diagonal entry that rounds
// below 0 is 0. n must not be 0.
func (s *summary) comomentAt(i, j int, uj dd) float64 {
	v := ddAdd(s.s2[packedIndex(i, j)], ddNeg(ddMul(s.s1[i], uj))).float()
	if i == j && v < 0 {
		v = 0
	}
	return v
}
