package model

import (
	"math"

	"github.com/symscore/symscore/dataframe"
)

// valuesOK reports whether every value of f's first nCB columns (its C and B columns) passes
// checkValue: finite, within ±MaxMagnitude, and 0 or 1 in B columns. It tests the bits of
// each value without a branch; SetFrame finds and explains the first problem when it
// reports false. f's shape has been checked.
func (r *Rows) valuesOK(f *dataframe.Frame, nCB int) bool {
	if nCB == 0 {
		return true
	}
	w := len(f.Names)
	// Per column: all ones if it must hold 0 or 1 (B), else 0.
	if cap(r.rules) < nCB {
		r.rules = make([]uint64, nCB)
	}
	isB := r.rules[:nCB]
	for c := range nCB {
		isB[c] = 0
		if f.Kinds[c] == dataframe.TypeB {
			isB[c] = 1
		}
	}
	const one = 0x3ff0000000000000 // the bits of 1.0
	limit := math.Float64bits(MaxMagnitude)
	var bad uint64 // bit 0 set by any value that fails
	for i := range f.Rows {
		row := f.Vals[i*w : i*w+nCB]
		isB := isB[:len(row)]
		for c, v := range row {
			x := math.Float64bits(v)
			a := x << 1 >> 1         // |v|: above limit's bits if too large, ±Inf or NaN
			bad |= (limit - a) >> 63 // a > limit
			nz := (a | -a) >> 63     // v ≠ 0
			y := x ^ one             //
			notOne := (y | -y) >> 63 // v ≠ 1
			bad |= nz & notOne & isB[c]
		}
	}
	return bad == 0
}
