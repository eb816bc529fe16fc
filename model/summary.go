package model

// summary is the exact accumulator of docs/statistics.md section 1 for d attributes:
//
//	n   rows learned minus rows forgotten
//	k   shift: the first row learned (C attributes); 0 for B and T-derived attributes
//	s1  Σ (x − k), double-double
//	s2  Σ (x − k)(x − k)ᵀ, double-double, packed upper triangle, column-major:
//	    entry (i, j), i ≤ j, at j(j+1)/2 + i — a new attribute only appends a column
//
// Learn adds and forget subtracts the identical terms t_i = x_i − k_i and
// float64(t_i·t_j) into canonical double-doubles, so forgetting what was learned restores
// the state bit for bit whenever the sums are representable (always within 2^-104
// relative otherwise). Zero terms are skipped: B and T-derived attributes have k = 0, so
// a sparse one-hot row costs only its non-zero pairs.
//
// A summary is not safe for concurrent use: its project's lock guards it.
type summary struct {
	n  int64
	k  []float64
	s1 []dd
	s2 []dd

	pending int64 // rows of the message being validated (scratch, always 0 at rest)
}

// packedLen is the number of entries of a packed d×d upper triangle.
func packedLen(d int) int { return d * (d + 1) / 2 }

// packedIndex is the position of entry (i, j), i ≤ j.
func packedIndex(i, j int) int { return j*(j+1)/2 + i }

func newSummary(d int) *summary {
	return &summary{k: make([]float64, d), s1: make([]dd, d), s2: make([]dd, packedLen(d))}
}

func (s *summary) dim() int { return len(s.k) }

// grow adds attributes up to d with k = 0: earlier rows count as 0 for them.
func (s *summary) grow(d int) {
	for len(s.k) < d {
		s.k = append(s.k, 0)
		s.s1 = append(s.s1, dd{})
	}
	for len(s.s2) < packedLen(d) {
		s.s2 = append(s.s2, dd{})
	}
}

// reset empties the accumulator, shift included.
func (s *summary) reset() {
	s.n = 0
	clear(s.k)
	clear(s.s1)
	clear(s.s2)
}

// clone returns a deep copy.
func (s *summary) clone() *summary {
	return &summary{
		n:  s.n,
		k:  append([]float64(nil), s.k...),
		s1: append([]dd(nil), s.s1...),
		s2: append([]dd(nil), s.s2...),
	}
}

// rowScratch holds the buffers of one update: the non-zero deviations and their indexes.
type rowScratch struct {
	t  []float64
	nz []int32
}

// add learns (sign = 1) or forgets (sign = −1) the row x, given in project order with
// len(x) = s.dim(). shifted[i] says whether attribute i takes its shift from the first row
// (C attributes). Forgetting from n = 0 is the caller's error; n reaching 0 is reset by
// the caller (after the whole message).
func (s *summary) add(x []float64, shifted []bool, sign float64, sc *rowScratch) {
	d := len(s.k)
	x, shifted = x[:d], shifted[:d]
	if s.n == 0 && sign > 0 {
		for i, c := range shifted {
			if c {
				s.k[i] = x[i]
			}
		}
	}
	if cap(sc.t) < d {
		sc.t = make([]float64, d)
		sc.nz = make([]int32, d)
	}
	t, nz := sc.t[:d], sc.nz[:0]
	for i, xi := range x {
		if ti := xi - s.k[i]; ti != 0 {
			t[len(nz)] = ti
			nz = append(nz, int32(i))
		}
	}
	s1 := s.s1
	for a, i := range nz {
		s1[i].addFloat(sign * t[a])
	}
	s2 := s.s2
	for b, j := range nz {
		tj := sign * t[b]
		col := s2[packedIndex(0, int(j)) : packedIndex(0, int(j))+int(j)+1]
		for a, i := range nz[:b+1] {
			// Inlined dd.addFloat: twoSum, then fastTwoSum renormalisation.
			term := float64(t[a] * tj)
			e := &col[i]
			hi := e.hi + term
			bb := hi - e.hi
			lo := (e.hi - (hi - bb)) + (term - bb) + e.lo
			e.hi = hi + lo
			e.lo = lo - (e.hi - hi)
		}
	}
	s.n += int64(sign)
}
