package model

import (
	"math"

	"github.com/symscore/symscore/dataframe"
)

// addFrameRows adds (sign = 1) or subtracts (sign = −1) the rows of f, checked, to the
// project's total and, in a partition project, to the partition of each row (created if
// new). Each summary receives its rows in frame order in one addRows call, so the result
// depends only on the project's state and the frame. Caller holds mu; p.sc.col maps f's
// columns to attributes.
func (p *Project) addFrameRows(f *dataframe.Frame, sign float64) {
	src := rowSource{vals: f.Vals, width: len(f.Names), col: p.sc.col, n: f.Rows}
	p.total.addRows(&src, p.shifted, sign)
	if p.typ != TypePartition {
		return
	}
	// Group the rows by partition, a counting sort keyed by each summary's pending count
	// (0 at rest; checkRows is done with it), stable within a partition.
	rs := &p.sc.rows
	rs.partOf, rs.touched = rs.partOf[:0], rs.touched[:0]
	for r := range f.Rows {
		s := p.partition(f.Partition[r])
		if s.pending == 0 {
			rs.touched = append(rs.touched, s)
		}
		s.pending++
		rs.partOf = append(rs.partOf, s)
	}
	var next int64 // pending becomes each partition's next slot in order
	for _, s := range rs.touched {
		next, s.pending = next+s.pending, next
	}
	if cap(rs.order) < f.Rows {
		rs.order = make([]int, f.Rows)
	}
	order := rs.order[:f.Rows]
	for r, s := range rs.partOf {
		order[s.pending] = r
		s.pending++
	}
	start := 0
	for _, s := range rs.touched {
		end := int(s.pending)
		s.pending = 0
		src.rows = order[start:end]
		s.addRows(&src, p.shifted, sign)
		start = end
	}
	clear(rs.partOf) // hold no summary a later frame may drop
	clear(rs.touched)
}

// valuesOK reports whether every value of f passes checkValues: finite, within
// ±MaxMagnitude, 0 or 1 in B columns, and (forget) 0 in columns the project does not
// have. It tests the bits of each value without a branch; checkValues finds and explains
// the first problem when it reports false. Caller holds mu; p.sc.col maps f's columns.
func (p *Project) valuesOK(f *dataframe.Frame, sign float64) bool {
	w := len(f.Names)
	if w == 0 {
		return true
	}
	// Per column: 1 if it must hold 0 or 1 (B), 1 if it must hold 0 (forget, unknown).
	rs := &p.sc.rows
	if cap(rs.rules) < 2*w {
		rs.rules = make([]uint64, 2*w)
	}
	isB, isZero := rs.rules[:w], rs.rules[w:2*w]
	for c := range w {
		isB[c], isZero[c] = 0, 0
		if f.Kinds[c] == dataframe.TypeB {
			isB[c] = 1
		}
		if sign < 0 && p.sc.col[c] < 0 {
			isZero[c] = 1
		}
	}
	const one = 0x3ff0000000000000 // the bits of 1.0
	limit := math.Float64bits(MaxMagnitude)
	var bad uint64 // bit 0 set by any value that fails
	for r := range f.Rows {
		row := f.Vals[r*w : (r+1)*w]
		isB, isZero := isB[:len(row)], isZero[:len(row)]
		for c, v := range row {
			x := math.Float64bits(v)
			a := x << 1 >> 1         // |v|: above limit's bits if too large, ±Inf or NaN
			bad |= (limit - a) >> 63 // a > limit
			nz := (a | -a) >> 63     // v ≠ 0
			y := x ^ one             //
			notOne := (y | -y) >> 63 // v ≠ 1
			bad |= nz & (notOne&isB[c] | isZero[c])
		}
	}
	return bad == 0
}
