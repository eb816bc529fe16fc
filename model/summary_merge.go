package model

// merge adds the rows summarized by b to s. Both must have the same dimension. b's sums
// are re-based to s's shift in double-double arithmetic (docs/statistics.md section 1):
//
//	Δ   = k_b − k_s (exact as a double-double)
//	S1' = S1_b + n_b·Δ
//	S2' = S2_b + Δ·S1_bᵀ + S1_b·Δᵀ + n_b·ΔΔᵀ
//
// then added to s. If s is empty it becomes a copy of b (shift included).
func (s *summary) merge(b *summary) {
	if b.n == 0 {
		return
	}
	if s.n == 0 {
		s.n = b.n
		copy(s.k, b.k)
		copy(s.s1, b.s1)
		copy(s.s2, b.s2)
		return
	}
	d := s.dim()
	nb := float64(b.n)
	delta := make([]dd, d)
	s1b := make([]dd, d) // S1_b re-based
	for i := range d {
		delta[i] = ddFromDiff(b.k[i], s.k[i])
		s1b[i] = ddAdd(b.s1[i], ddMulFloat(delta[i], nb))
	}
	for j := range d {
		base := packedIndex(0, j)
		for i := 0; i <= j; i++ {
			v := b.s2[base+i]
			if delta[i] != (dd{}) || delta[j] != (dd{}) {
				// Δ_i·S1_b,j + S1_b,i·Δ_j + n_b·Δ_i·Δ_j = Δ_i·S1'_j + S1_b,i·Δ_j.
				v = ddAdd(v, ddMul(delta[i], s1b[j]))
				v = ddAdd(v, ddMul(b.s1[i], delta[j]))
			}
			s.s2[base+i] = ddAdd(s.s2[base+i], v)
		}
	}
	for i := range d {
		s.s1[i] = ddAdd(s.s1[i], s1b[i])
	}
	s.n += b.n
}

// permuted returns b laid out in a space of d attributes, attribute i of b going to
// to[i]. Attributes b does not have are 0 in its rows (k = 0, sums 0).
func (b *summary) permuted(d int, to []int) *summary {
	out := newSummary(d)
	out.n = b.n
	for i, ti := range to {
		out.k[ti] = b.k[i]
		out.s1[ti] = b.s1[i]
	}
	for j, tj := range to {
		for i := 0; i <= j; i++ {
			ti := to[i]
			a, c := ti, tj
			if a > c {
				a, c = c, a
			}
			out.s2[packedIndex(a, c)] = b.s2[packedIndex(i, j)]
		}
	}
	return out
}
