package model

// summary is the exact accumulator of docs/statistics.md section 1 for d attributes:
//
//	n   rows learned minus rows forgotten
//	k   shift: the first row learned (C attributes); 0 for B and T-derived attributes
//	s1  Σ (x − k), double-double
//	s2  Σ (x − k)(x − k)ᵀ, double-double, packed upper triangle, column-major:
//	    entry (i, j), i ≤ j, at j(j+1)/2 + i — a new attribute only appends a column
//
// Rows enter only through addRows (summary_block.go), which accumulates blocks of rows
// in float64 around the shift and folds each block into the canonical double-doubles,
// within the error bound written there; forgetting the rows of a learn in the same order
// subtracts exactly what it added, so it restores the state bit for bit whenever the sums
// are representable. B and T-derived attributes have k = 0, so their sums are exact
// counts, and sparse one-hot rows add only their non-zero pairs.
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

// rowScratch is the scratch of accumulateRows for spreading a message's rows over
// partitions; reused under the lock of the project (or by the Delta) that owns it.
type rowScratch struct {
	partOf  []*summary // partition of each row
	order   []int      // the rows grouped by partition, in message order within each
	touched []*summary // the partitions the message touches, in order of first row
}
