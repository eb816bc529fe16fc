package model

import (
	"bytes"

	"github.com/symscore/symscore/dataframe"
)

// Rows are the rows of one learn or forget message as they were received: the values of
// its C and B columns and, for its T attributes, which of their values each row holds —
// never the T expansion. It is the form of a rows record (AppendBinary, UnmarshalBinary)
// and the form ApplyRows and Delta.AddRows read, so that a message and its replay are
// learned from the same values in the same order.
//
// Its columns, in the order a project adds them as attributes (the order of
// dataframe.Frame.Names): the C and B columns, then the T-derived binary columns
// "base$value" in the order their values first appeared. Row r holds 1 in the T-derived
// columns it names and 0 in the others. A T-derived column is kept as its T attribute and
// its value, so its full name is built once per message and column (Rows.tName), never per
// row.
//
// A Rows reuses its buffers from one SetFrame or UnmarshalBinary to the next; it is owned
// by one goroutine at a time. After SetFrame it aliases the frame (names, values, partition
// values): keep the frame unchanged while the Rows is used.
type Rows struct {
	n       int
	cbNames [][]byte
	cbKinds []dataframe.Type
	vals    []float64 // n × len(cbNames), row-major
	tBases  [][]byte  // the T attributes the T-derived columns come from
	tBase   []int32   // per T-derived column: its T attribute (index in tBases)
	tValue  [][]byte  // per T-derived column: its value (the name after "base$")
	off     []int32   // len n+1: row r holds ones[off[r]:off[r+1]]
	ones    []int32   // T-derived column indexes, ascending within a row
	part    [][]byte  // per row its partition value; nil without partition values

	// Buffers the rows own (the slices above alias them after UnmarshalBinary, the frame
	// after SetFrame).
	ownNames, ownParts [][]byte
	ownKinds           []dataframe.Type
	ownVals            []float64

	srcT  []int32  // SetFrame: frame source column → index in tBases, or -1
	rules []uint64 // SetFrame: valuesOK's per-column rules
	nbuf  []byte   // tName's buffer
}

// Len is the number of rows.
func (r *Rows) Len() int { return r.n }

// Width is the number of columns: C and B columns, then T-derived ones.
func (r *Rows) Width() int { return len(r.cbNames) + len(r.tBase) }

// HasPartitions reports whether every row carries a partition value.
func (r *Rows) HasPartitions() bool { return r.part != nil }

// nCB is the number of C and B columns.
func (r *Rows) nCB() int { return len(r.cbNames) }

// tName returns the full name of T-derived column j, "base$value", in a buffer valid until
// the next call.
func (r *Rows) tName(j int) []byte {
	r.nbuf = append(append(append(r.nbuf[:0], r.tBases[r.tBase[j]]...), '$'), r.tValue[j]...)
	return r.nbuf
}

// colName returns the name of column c (see tName for the lifetime of a T-derived name).
func (r *Rows) colName(c int) []byte {
	if c < len(r.cbNames) {
		return r.cbNames[c]
	}
	return r.tName(c - len(r.cbNames))
}

// colNameLen is the length of column c's name.
func (r *Rows) colNameLen(c int) int {
	if c < len(r.cbNames) {
		return len(r.cbNames[c])
	}
	j := c - len(r.cbNames)
	return len(r.tBases[r.tBase[j]]) + 1 + len(r.tValue[j])
}

// colBaseLen is the length of the name of column c's T attribute (0 for a C or B column).
func (r *Rows) colBaseLen(c int) int {
	if c < len(r.cbNames) {
		return 0
	}
	return len(r.tBases[r.tBase[c-len(r.cbNames)]])
}

// colKind is the kind of column c: TypeC or TypeB (T-derived columns are TypeB).
func (r *Rows) colKind(c int) dataframe.Type {
	if c < len(r.cbKinds) {
		return r.cbKinds[c]
	}
	return dataframe.TypeB
}

// rowOnes returns the T-derived columns row i holds (ascending).
func (r *Rows) rowOnes(i int) []int32 { return r.ones[r.off[i]:r.off[i+1]] }

// tCounts adds to counts[j] the rows that name T-derived column j (len(counts) ≥ the
// number of T-derived columns).
func (r *Rows) tCounts(counts []int) {
	for _, o := range r.ones[:r.off[r.n]] {
		counts[o]++
	}
}

// SetFrame makes r the rows of f, a learn or forget frame of package dataframe, checking
// what a project learns: every value finite and within ±MaxMagnitude, B values 0 or 1,
// T-derived columns (Base ≥ 0) after the C and B columns, each of kind B and named after
// its T attribute ("base$value"). Errors are *Error; r is then unusable until the next
// SetFrame. r aliases f's names, values and partition values.
func (r *Rows) SetFrame(f *dataframe.Frame) error {
	r.reset()
	w := len(f.Names)
	if len(f.Kinds) != w || len(f.Base) != w || f.Rows < 0 || len(f.Vals) < f.Rows*w ||
		(f.Partition != nil && len(f.Partition) < f.Rows) {
		return errorf("malformed frame")
	}
	nCB := 0
	for nCB < w && f.Base[nCB] < 0 {
		nCB++
	}
	r.n = f.Rows
	r.cbNames, r.cbKinds = f.Names[:nCB:nCB], f.Kinds[:nCB:nCB]
	for c := range nCB {
		if k := f.Kinds[c]; k != dataframe.TypeC && k != dataframe.TypeB {
			return errorf("attribute %s has type %v; a frame column is C or B", quote(string(f.Names[c])), k)
		}
	}
	r.srcT = r.srcT[:0]
	for range f.SourceNames {
		r.srcT = append(r.srcT, -1)
	}
	for c := nCB; c < w; c++ {
		b := f.Base[c]
		if b < 0 || b >= len(f.SourceNames) || f.Kinds[c] != dataframe.TypeB {
			return errorf("malformed frame: column %s", quote(string(f.Names[c])))
		}
		base, name := f.SourceNames[b], f.Names[c]
		if len(name) <= len(base) || name[len(base)] != '$' || !bytes.Equal(name[:len(base)], base) {
			return errorf("malformed frame: column %s is not named after its attribute", quote(string(name)))
		}
		if r.srcT[b] < 0 {
			r.srcT[b] = int32(len(r.tBases))
			r.tBases = append(r.tBases, base)
		}
		r.tBase = append(r.tBase, r.srcT[b])
		r.tValue = append(r.tValue, name[len(base)+1:])
	}
	if nCB == w {
		r.vals = f.Vals[: f.Rows*w : f.Rows*w]
	} else {
		r.ownVals = growFloats(r.ownVals, f.Rows*nCB)
		r.vals = r.ownVals
	}
	r.off = append(r.off, 0)
	ok := r.valuesOK(f, nCB) // else the loop finds and explains the first bad value
	for i := range f.Rows {
		row := f.Vals[i*w : (i+1)*w]
		if !ok {
			for c, v := range row[:nCB] {
				if err := checkValue(v, f.Kinds[c]); err != "" {
					return errorf("row %d, column %s: %v %s", i, quote(string(f.Names[c])), v, err)
				}
			}
		}
		if nCB != w {
			copy(r.vals[i*nCB:], row[:nCB])
			for j, v := range row[nCB:] {
				switch v {
				case 1:
					r.ones = append(r.ones, int32(j))
				case 0:
				default:
					return errorf("row %d, column %s: %v is not 0 or 1", i, quote(string(f.Names[nCB+j])), v)
				}
			}
		}
		r.off = append(r.off, int32(len(r.ones)))
	}
	if f.Partition != nil {
		r.part = f.Partition[:f.Rows:f.Rows]
	}
	return nil
}

// checkValue returns why v cannot be learned in a column of kind k, or "".
func checkValue(v float64, k dataframe.Type) string {
	switch {
	case v-v != 0:
		return "is not a finite number"
	case v > MaxMagnitude || v < -MaxMagnitude:
		return "is beyond ±1e+100, the largest magnitude a project learns (sums of squares must stay finite)"
	case k == dataframe.TypeB && v != 0 && v != 1:
		return "is not 0 or 1"
	}
	return ""
}

// Reset empties r and drops what it aliases (a frame's buffers), keeping its own buffers.
func (r *Rows) Reset() { r.reset() }

// reset empties r; the views that may alias a frame are dropped, never appended to.
func (r *Rows) reset() {
	r.n = 0
	r.cbNames, r.cbKinds, r.vals, r.part = nil, nil, nil, nil
	r.tBases, r.tBase, r.tValue = r.tBases[:0], r.tBase[:0], r.tValue[:0]
	r.off, r.ones = r.off[:0], r.ones[:0]
}

// growFloats returns b resized to n, reallocated only when too small.
func growFloats(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}
