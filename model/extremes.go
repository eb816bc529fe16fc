package model

// The extremes (min, max) of a summary's attributes are those of every value learned, the
// zeros included: a row counts as 0 for each attribute it holds no value for. Those are
// the attributes a learn's rows do not carry (a DataFrame without the column, a category
// value absent from every row of the frame, a delta or a merged project without the
// attribute) and, for the rows learned before, the attributes a learn adds. Learning the
// same rows in one message, in several, as a delta or by an upload then gives the same
// extremes.

// widenToZero widens lo and hi, the extremes of a summary's attributes after a learn
// whose columns went to the attributes to (each ≥ 0), by the zeros that learn brings:
// every attribute not in to when the learn has rows (learned > 0), and every attribute
// from added on (those the learn added) when the summary held rows before it
// (before > 0). carried is scratch, returned for reuse.
func widenToZero(lo, hi []float64, to []int, added int, before, learned int64, carried []bool) []bool {
	n := len(lo)
	if cap(carried) < n {
		carried = make([]bool, n)
	}
	carried = carried[:n]
	clear(carried)
	for _, j := range to {
		carried[j] = true
	}
	for j := range n {
		if learned > 0 && !carried[j] || before > 0 && j >= added {
			lo[j], hi[j] = min(lo[j], 0), max(hi[j], 0)
		}
	}
	return carried
}
