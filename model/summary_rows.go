package model

// rowSource is the rows one call of summary.addRows adds, in the layout of a DataFrame:
// source row r is frame row rows[r] (r itself when rows is nil), and its value of
// attribute col[c] is vals[row·width + c] for every frame column c with col[c] ≥ 0.
// Attributes no column maps to are 0 in every row. It only reads vals.
type rowSource struct {
	vals  []float64 // row-major, width values a row
	width int
	col   []int // frame column → attribute, or −1 (not added)
	rows  []int // the frame rows to add, in order; nil: n rows, 0 to n−1
	n     int   // rows when rows is nil
}

// len is the number of rows of the source.
func (src *rowSource) len() int {
	if src.rows != nil {
		return len(src.rows)
	}
	return src.n
}

// row writes the values of source row r into x, in attribute order. Entries of x that no
// column maps to are left as they are (the caller keeps them 0).
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
}
