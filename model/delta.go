package model

import (
	"sort"

	"github.com/symscore/symscore/dataframe"
)

// Delta is the summary of a set of rows: their count, shifted compensated sums and
// co-moments (docs/statistics.md section 1), per partition value too when partitioned, and
// every column's smallest and largest value. Learning it into a project (ApplyDelta) adds
// those rows in one merge, forgetting it removes them, whatever their number: it is the
// summary-delta record of a learn or forget message with many rows, and how an upload
// learns a file. Its columns are those of the rows it was given, in order of first
// appearance (a project adds them as attributes in that order).
//
// Rows go in through the same accumulation as a project's (accumulateRows), so a delta of
// rows learned into an empty project makes, bit for bit, the state the rows themselves
// make there, and in any other project the same state within the accumulation's error
// bound (summary_block.go) and the rounding of one merge; deltas of parts of the rows,
// summarised separately (in parallel) and merged (Merge), equal the delta of all of them
// within the same bound.
//
// A Delta is not safe for concurrent use. Reset empties it for reuse, keeping its buffers.
type Delta struct {
	partitioned bool
	names       []string
	kinds       []dataframe.Type
	base        []string
	shifted     []bool
	index       map[string]int
	min, max    []float64
	total       *summary
	parts       map[string]*summary
	partKeys    []string // sorted keys of parts

	prevNames []string // names before the last Reset, reused when a column comes back
	prevBases []string
	col       []int // scratch: rows column → delta column
	newNames  []string
	newSet    map[string]struct{}
	mark      []uint32 // mark[i] == gen: column i is a column of the rows being added
	gen       uint32
	counts    []int
	carried   []bool // widenToZero's
	rows      rowScratch
	perm      summary
	merge     mergeScratch
	spare     []*summary // partition summaries kept by Reset
}

// NewDelta makes an empty delta; partitioned deltas keep a summary per partition value
// (for a partition project) and need rows with partition values.
func NewDelta(partitioned bool) *Delta {
	d := &Delta{}
	d.Reset(partitioned)
	return d
}

// Reset empties d, keeping its buffers.
func (d *Delta) Reset(partitioned bool) {
	d.partitioned = partitioned
	d.prevNames = append(d.prevNames[:0], d.names...)
	d.prevBases = append(d.prevBases[:0], d.base...)
	d.names, d.kinds, d.base, d.shifted = d.names[:0], d.kinds[:0], d.base[:0], d.shifted[:0]
	d.min, d.max = d.min[:0], d.max[:0]
	if d.index == nil {
		d.index = make(map[string]int)
	}
	clear(d.index)
	if d.total == nil {
		d.total = newSummary(0)
	}
	d.total.truncate()
	for _, k := range d.partKeys {
		s := d.parts[k]
		s.truncate()
		d.spare = append(d.spare, s)
	}
	clear(d.parts)
	d.partKeys = d.partKeys[:0]
}

// truncate empties s and drops its attributes, keeping its buffers.
func (s *summary) truncate() {
	s.n = 0
	s.k, s.s1, s.s2 = s.k[:0], s.s1[:0], s.s2[:0]
}

// Rows is the number of rows summarised.
func (d *Delta) Rows() int64 { return d.total.n }

// Width is the number of columns.
func (d *Delta) Width() int { return len(d.names) }

// Partitioned reports whether d keeps a summary per partition value.
func (d *Delta) Partitioned() bool { return d.partitioned }

// Partitions is the number of partition values.
func (d *Delta) Partitions() int { return len(d.partKeys) }

// Bytes is the memory of d's summaries, as Limits.MaxStateBytes counts a project's.
func (d *Delta) Bytes() int64 { return int64(1+len(d.partKeys)) * summaryBytes(len(d.names)) }

// AddFrame adds the rows of a learn frame (see Rows.SetFrame for its checks).
func (d *Delta) AddFrame(f *dataframe.Frame) error {
	var r Rows
	if err := r.SetFrame(f); err != nil {
		return err
	}
	_, err := d.AddRowsWithin(&r, -1)
	return err
}

// AddRows adds the rows r. Errors are *Error: a column named twice, a column whose kind
// differs from the one d has, rows without partition values in a partitioned delta (or
// with an empty one); d is then unchanged.
func (d *Delta) AddRows(r *Rows) error {
	_, err := d.AddRowsWithin(r, -1)
	return err
}

// AddRowsWithin is AddRows that gives up, returning false, when d's summaries would take
// more than maxBytes (Bytes; maxBytes < 0: no bound). Having given up, d is unchanged.
func (d *Delta) AddRowsWithin(r *Rows, maxBytes int64) (bool, error) {
	if r.n == 0 {
		return true, nil
	}
	if d.partitioned {
		if r.part == nil {
			return true, errorf("the rows have no partition values")
		}
		for i, v := range r.part {
			if len(v) == 0 {
				return true, errorf("row %d: the partition value is empty", i)
			}
		}
	}
	if d.total.n > maxRows-int64(r.n) {
		return true, errorf("the delta would hold more than %d rows", maxRows)
	}
	// Map the columns; new ones join only once every check has passed.
	w := r.Width()
	d.col, d.newNames = d.col[:0], d.newNames[:0]
	if len(d.mark) < len(d.names) {
		d.mark = append(d.mark, make([]uint32, len(d.names)-len(d.mark))...)
	}
	if d.gen++; d.gen == 0 {
		clear(d.mark)
		d.gen = 1
	}
	if d.newSet == nil {
		d.newSet = make(map[string]struct{})
	}
	clear(d.newSet)
	for c := range w {
		name := r.colName(c)
		if i, ok := d.index[string(name)]; ok {
			if d.kinds[i] != r.colKind(c) {
				return true, errorf("attribute %s is %v in the delta; the rows send it as %v", quote(d.names[i]), d.kinds[i], r.colKind(c))
			}
			if d.mark[i] == d.gen {
				return true, errorf("attribute %s appears twice in the rows", quote(d.names[i]))
			}
			d.mark[i] = d.gen
			d.col = append(d.col, i)
			continue
		}
		if _, dup := d.newSet[string(name)]; dup {
			return true, errorf("attribute %s appears twice in the rows", quote(string(name)))
		}
		s := d.reuseName(len(d.names)+len(d.newNames), name)
		d.newSet[s] = struct{}{}
		d.newNames = append(d.newNames, s)
		d.col = append(d.col, -1)
	}
	clear(d.newSet)
	dim := len(d.names) + len(d.newNames)
	if maxBytes >= 0 {
		// Give up before growing past maxBytes, new partition values included.
		n := len(d.partKeys)
		if d.partitioned {
			for _, v := range r.part {
				if _, ok := d.parts[string(v)]; !ok {
					if _, ok := d.newSet[string(v)]; !ok {
						d.newSet[string(v)] = struct{}{}
						n++
					}
				}
			}
			clear(d.newSet)
		}
		if int64(1+n)*summaryBytes(dim) > maxBytes {
			return false, nil
		}
	}
	nCB, k := r.nCB(), 0
	rowsBefore, added := d.total.n, len(d.names)
	for c := range w {
		if d.col[c] >= 0 {
			continue
		}
		base := ""
		if c >= nCB {
			base = d.reuseBase(len(d.names), r.tBases[r.tBase[c-nCB]])
		}
		d.col[c] = d.addColumn(d.newNames[k], r.colKind(c), base)
		k++
	}
	var parts partitioner
	if d.partitioned {
		parts = d
	}
	accumulateRows(r, d.col, d.shifted, d.total, parts, 1, &d.rows)
	d.counts = growInts(d.counts, len(r.tBase))
	r.tCounts(d.counts)
	for c, i := range d.col {
		lo, hi := r.columnExtremes(c, d.counts)
		d.min[i], d.max[i] = min(d.min[i], lo), max(d.max[i], hi)
	}
	d.carried = widenToZero(d.min, d.max, d.col, added, rowsBefore, int64(r.n), d.carried)
	return true, nil
}

// reuseName returns name as a string, the one d had at column i before its last Reset when
// it is the same.
func (d *Delta) reuseName(i int, name []byte) string {
	if i < len(d.prevNames) && d.prevNames[i] == string(name) {
		return d.prevNames[i]
	}
	return string(name)
}

// reuseBase is reuseName for the base name of column i.
func (d *Delta) reuseBase(i int, base []byte) string {
	if i < len(d.prevBases) && d.prevBases[i] == string(base) {
		return d.prevBases[i]
	}
	if i > 0 && d.base[i-1] == string(base) {
		return d.base[i-1]
	}
	return string(base)
}

// addColumn appends a column to d and to every summary.
func (d *Delta) addColumn(name string, kind dataframe.Type, base string) int {
	i := len(d.names)
	d.names = append(d.names, name)
	d.kinds = append(d.kinds, kind)
	d.base = append(d.base, base)
	d.shifted = append(d.shifted, kind == dataframe.TypeC)
	d.index[name] = i
	d.min = append(d.min, inf)
	d.max = append(d.max, -inf)
	d.total.grow(i + 1)
	for _, s := range d.parts {
		s.grow(i + 1)
	}
	return i
}

// partition returns the summary of partition value v, creating it.
func (d *Delta) partition(v []byte) *summary {
	if s := d.parts[string(v)]; s != nil {
		return s
	}
	key := string(v)
	var s *summary
	if n := len(d.spare); n > 0 {
		s, d.spare = d.spare[n-1], d.spare[:n-1]
	} else {
		s = new(summary)
	}
	s.grow(len(d.names))
	if d.parts == nil {
		d.parts = make(map[string]*summary)
	}
	d.parts[key] = s
	i := sort.SearchStrings(d.partKeys, key)
	d.partKeys = append(d.partKeys, "")
	copy(d.partKeys[i+1:], d.partKeys[i:])
	d.partKeys[i] = key
	return s
}

// Merge adds the rows summarised by o to d: o's columns d lacks join it (d's rows count as
// 0 for them), the summaries merge, per partition value too. Errors (*Error, d unchanged):
// a column whose kind differs, deltas of which one only is partitioned.
func (d *Delta) Merge(o *Delta) error {
	if o.partitioned != d.partitioned {
		return errorf("cannot merge a partitioned delta with one that is not")
	}
	if d.total.n > maxRows-o.total.n {
		return errorf("the delta would hold more than %d rows", maxRows)
	}
	to := make([]int, len(o.names))
	for i, name := range o.names {
		j, ok := d.index[name]
		if !ok {
			to[i] = -1
			continue
		}
		if d.kinds[j] != o.kinds[i] {
			return errorf("attribute %s is %v in one delta and %v in the other", quote(name), d.kinds[j], o.kinds[i])
		}
		to[i] = j
	}
	rowsBefore, added := d.total.n, len(d.names)
	for i, name := range o.names {
		if to[i] < 0 {
			to[i] = d.addColumn(name, o.kinds[i], o.base[i])
		}
		j := to[i]
		d.min[j], d.max[j] = min(d.min[j], o.min[i]), max(d.max[j], o.max[i])
	}
	d.carried = widenToZero(d.min, d.max, to, added, rowsBefore, o.total.n, d.carried)
	dim := len(d.names)
	o.total.permutedInto(&d.perm, dim, to)
	d.total.mergeSigned(&d.perm, 1, &d.merge)
	for _, k := range o.partKeys {
		o.parts[k].permutedInto(&d.perm, dim, to)
		d.partition([]byte(k)).mergeSigned(&d.perm, 1, &d.merge)
	}
	return nil
}
