package model

// rowSource is the rows one call of summary.addRows adds, in the layout of Rows: source row
// r is row rows[r] (r itself when rows is nil) of the message. Its value of attribute
// col[c] is vals[row·width + c] for every C or B column c with col[c] ≥ 0, and 1 for
// attribute tcol[j] of every T-derived column j the row holds (ones[off[row]:off[row+1]])
// with tcol[j] ≥ 0. Attributes no column maps to are 0 in every row. It only reads what it
// points to.
type rowSource struct {
	vals  []float64 // row-major, width values a row: the C and B columns
	width int
	col   []int   // C or B column → attribute, or −1 (not added)
	off   []int32 // len n+1 (or nil: no T-derived columns): row r holds ones[off[r]:off[r+1]]
	ones  []int32 // T-derived column indexes
	tcol  []int   // T-derived column → attribute, or −1
	rows  []int   // the rows to add, in order; nil: n rows, 0 to n−1
	n     int     // rows when rows is nil
}

// source is the rowSource of every row of r, col mapping r's columns (C and B, then
// T-derived) to attributes.
func (r *Rows) source(col []int) rowSource {
	nCB := r.nCB()
	src := rowSource{vals: r.vals, width: nCB, col: col[:nCB], n: r.n}
	if len(r.tBase) > 0 {
		src.off, src.ones, src.tcol = r.off, r.ones, col[nCB:]
	}
	return src
}

// len is the number of rows of the source.
func (src *rowSource) len() int {
	if src.rows != nil {
		return len(src.rows)
	}
	return src.n
}

// row writes the values of source row r into x, in attribute order. Entries of x that no
// column maps to are left as they are: the caller keeps them 0, and clears the row's
// T-derived ones (clearOnes) before the next row.
func (src *rowSource) row(r int, x []float64) {
	if src.rows != nil {
		r = src.rows[r]
	}
	v := src.vals[r*src.width : (r+1)*src.width]
	for c, i := range src.col {
		if i >= 0 {
			x[i] = v[c]
		}
	}
	if src.off != nil {
		for _, j := range src.ones[src.off[r]:src.off[r+1]] {
			if i := src.tcol[j]; i >= 0 {
				x[i] = 1
			}
		}
	}
}

// clearOnes sets back to 0 the entries of x that row wrote for the T-derived columns of
// source row r.
func (src *rowSource) clearOnes(r int, x []float64) {
	if src.off == nil {
		return
	}
	if src.rows != nil {
		r = src.rows[r]
	}
	for _, j := range src.ones[src.off[r]:src.off[r+1]] {
		if i := src.tcol[j]; i >= 0 {
			x[i] = 0
		}
	}
}
