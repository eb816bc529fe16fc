package model

// mergeScratch holds the buffers of one merge, so that a merge allocates nothing once
// they have grown.
type mergeScratch struct {
	delta, s1b []dd
}

// merge adds the rows summarized by b to s (mergeSigned with a scratch of its own).
func (s *summary) merge(b *summary) { s.mergeSigned(b, 1, new(mergeScratch)) }

// mergeSigned adds (sign 1) or subtracts (sign −1) the rows summarized by b to s. Both must
// have the same dimension. b's sums are re-based to s's shift in double-double arithmetic
// (docs/statistics.md section 1):
//
//	Δ   = k_b − k_s (exact as a double-double)
//	S1' = S1_b + n_b·Δ
//	S2' = S2_b + Δ·S1_bᵀ + S1_b·Δᵀ + n_b·ΔΔᵀ
//
// then added to (subtracted from) s. Adding to an empty s makes it a copy of b (shift
// included). Subtracting more rows than s holds is the caller's error; a count reaching 0
// is reset by the caller.
func (s *summary) mergeSigned(b *summary, sign int, sc *mergeScratch) {
	if b.n == 0 {
		return
	}
	if s.n == 0 && sign > 0 {
		s.n = b.n
		copy(s.k, b.k)
		copy(s.s1, b.s1)
		copy(s.s2, b.s2)
		return
	}
	d := s.dim()
	nb := float64(b.n)
	delta, s1b := growDD(&sc.delta, d), growDD(&sc.s1b, d) // s1b: S1_b re-based
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
			if sign < 0 {
				v = ddNeg(v)
			}
			s.s2[base+i] = ddAdd(s.s2[base+i], v)
		}
	}
	for i := range d {
		v := s1b[i]
		if sign < 0 {
			v = ddNeg(v)
		}
		s.s1[i] = ddAdd(s.s1[i], v)
	}
	if sign < 0 {
		s.n -= b.n
	} else {
		s.n += b.n
	}
}

// growDD returns *buf resized to n, reallocated only when too small.
func growDD(buf *[]dd, n int) []dd {
	if cap(*buf) < n {
		*buf = make([]dd, n)
	}
	return (*buf)[:n]
}

// permuted returns b laid out in a space of d attributes, attribute i of b going to
// to[i]. Attributes b does not have are 0 in its rows (k = 0, sums 0).
func (b *summary) permuted(d int, to []int) *summary {
	out := new(summary)
	b.permutedInto(out, d, to)
	return out
}

// permutedInto is permuted into out, whose buffers are reused. An attribute of b with
// to[i] < 0 is left out: the caller knows it is 0 in every row (k = 0, sums 0).
func (b *summary) permutedInto(out *summary, d int, to []int) {
	out.n = b.n
	out.k = growFloats(out.k, d)
	clear(out.k)
	out.s1 = growDD(&out.s1, d)
	clear(out.s1)
	out.s2 = growDD(&out.s2, packedLen(d))
	clear(out.s2)
	for i, ti := range to {
		if ti >= 0 {
			out.k[ti] = b.k[i]
			out.s1[ti] = b.s1[i]
		}
	}
	for j, tj := range to {
		if tj < 0 {
			continue
		}
		for i := 0; i <= j; i++ {
			ti := to[i]
			if ti < 0 {
				continue
			}
			a, c := ti, tj
			if a > c {
				a, c = c, a
			}
			out.s2[packedIndex(a, c)] = b.s2[packedIndex(i, j)]
		}
	}
}
