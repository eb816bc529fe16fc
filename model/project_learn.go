package model

import (
	"math"
	"sync"

	"github.com/symscore/symscore/dataframe"
)

var inf = math.Inf(1)

// MaxMagnitude is the largest |value| a project learns. With |x − K| ≤ 2·MaxMagnitude a
// co-moment term is at most 4e200, and maxRows of them stay far from overflow, so the
// double-double sums are always finite (also after merges and re-basing).
const MaxMagnitude = 1e100

// maxRows bounds a summary's row count (n is an int64, and merges add counts).
const maxRows = 1 << 62

// learnScratch holds the buffers of one change; reused under the project's write lock so
// that a message allocates nothing after warm-up (new attributes and partitions aside).
type learnScratch struct {
	col      []int    // message column → project attribute; -1 = new (learn) or unknown (forget)
	newCols  []int    // message columns that bring new attributes
	newNames []string // their names
	newSet   map[string]struct{}
	mark     []uint32 // mark[i] == gen: attribute i is a column of the message
	gen      uint32
	bases    []string // per T attribute of the message: its name, made once
	counts   []int    // per T-derived column: the rows that hold it
	rows     rowScratch
	touched  []*summary
	carried  []bool // widenToZero's
	newParts map[string]struct{}
	perm     summary // a delta laid out in project order
	merge    mergeScratch
}

// Learn adds the frame's rows to the project: all of them or, on error, none. Frame
// columns unknown to the project become new attributes (earlier rows count as 0 for them).
// Errors: ErrFrozen; *Error for a column whose type differs from the project's, a
// non-finite value or a B value other than 0/1, a missing partition value, or a limit
// (wrapping ErrTooManyAttributes, ErrTooManyNewAttributes, ErrTooManyPartitions,
// ErrStateTooLarge or ErrCustomerTooLarge). It is CheckRows (with a Reservation) and
// ApplyRows of the frame's rows under the registry's limits, unjournaled.
func (p *Project) Learn(f *dataframe.Frame) error { return p.learnFrame(f, 1) }

// Forget removes the frame's rows from the project: all of them or, on error, none. It
// refuses (an *Error wrapping ErrNegativeCount) to forget more rows than the project — or
// a partition — holds, and refuses non-zero values of attributes the project never
// learned. A summary whose count reaches 0 is reset; an empty partition is deleted.
func (p *Project) Forget(f *dataframe.Frame) error { return p.learnFrame(f, -1) }

func (p *Project) learnFrame(f *dataframe.Frame, sign int) error {
	if err := p.changeable(); err != nil {
		return err
	}
	r := getRows()
	defer putRows(r)
	if err := r.SetFrame(f); err != nil {
		return err
	}
	lim := p.lim.get()
	var res Reservation
	if err := p.CheckRows(r, sign, lim, &res); err != nil {
		return err
	}
	defer res.Release()
	return p.ApplyRows(r, sign, lim, Stamp{})
}

// rowsPool keeps the Rows of Learn and Forget, so that they allocate nothing once warm.
var rowsPool = sync.Pool{New: func() any { return new(Rows) }}

// maxPooledRowValues bounds the values a pooled Rows keeps (4 MiB).
const maxPooledRowValues = 512 << 10

func getRows() *Rows { return rowsPool.Get().(*Rows) }

// putRows gives r back to the pool, emptied (it aliases no frame), unless it holds large
// buffers.
func putRows(r *Rows) {
	r.Reset()
	if cap(r.ownVals) > maxPooledRowValues || cap(r.ones) > maxPooledRowValues || cap(r.off) > maxPooledRowValues {
		return
	}
	rowsPool.Put(r)
}

// changeable refuses changes to a deleted or frozen project.
func (p *Project) changeable() error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.changeableLocked()
}

func (p *Project) changeableLocked() error {
	switch {
	case p.retired:
		return p.errNotFound()
	case p.frozen:
		return ErrFrozen
	}
	return nil
}

// ApplyRows learns (sign 1) or forgets (sign −1) the rows r, in order, under the limits
// lim, as the change stamped st (see Stamp): all of them or, on error, none. Errors are
// those of Learn and Forget but ErrCustomerTooLarge (the customer's budget is CheckRows'),
// ErrProjectNotFound for a deleted project, and an *Error for a message naming a column
// twice. Rows without rows change nothing (Seq included). What the change grows or
// shrinks the project by is charged to its customer (project_budget.go).
func (p *Project) ApplyRows(r *Rows, sign int, lim Limits, st Stamp) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.changeableLocked(); err != nil {
		return err
	}
	if r.n == 0 {
		return nil
	}
	lim = lim.Resolved()
	sc := &p.sc
	if err := p.mapColumns(r, sign, lim); err != nil {
		return err
	}
	sc.counts = growInts(sc.counts, len(r.tBase))
	r.tCounts(sc.counts)
	if sign < 0 {
		for c, i := range sc.col {
			if i < 0 && r.nonZero(c, sc.counts) {
				return errorf("cannot forget attribute %s: the project has never learned it", quote(string(r.colName(c))))
			}
		}
	}
	if err := p.checkRowCounts(r, sign, lim); err != nil {
		return err
	}
	at := p.stampLocked(st)
	before := p.footprint()
	rowsBefore, added := p.total.n, len(p.names)
	// Everything is valid: apply.
	p.addNewAttributes(r)
	var parts partitioner
	if p.typ == TypePartition {
		parts = p
	}
	accumulateRows(r, sc.col, p.shifted, p.total, parts, float64(sign), &sc.rows)
	if sign > 0 {
		for c, i := range sc.col {
			lo, hi := r.columnExtremes(c, sc.counts)
			p.min[i], p.max[i] = min(p.min[i], lo), max(p.max[i], hi)
		}
		sc.carried = widenToZero(p.min, p.max, sc.col, added, rowsBefore, int64(r.n), sc.carried)
	} else {
		p.afterForget()
	}
	p.touchLocked(at)
	if p.footprint() != before {
		p.rechargeLocked() // else the ceiling is what it was
	}
	p.appliedLocked(Change{Op: learnOp(sign), At: at, Rows: int64(r.n)})
	return nil
}

// addNewAttributes adds the message's new columns (sc.newCols) as attributes. Caller
// holds mu and has checked the limits.
func (p *Project) addNewAttributes(r *Rows) {
	sc := &p.sc
	sc.bases = sc.bases[:0]
	for k, c := range sc.newCols {
		base := ""
		if c >= r.nCB() {
			a := int(r.tBase[c-r.nCB()])
			for len(sc.bases) <= a {
				sc.bases = append(sc.bases, "")
			}
			if sc.bases[a] == "" {
				sc.bases[a] = string(r.tBases[a])
			}
			base = sc.bases[a]
		}
		sc.col[c] = p.addAttribute(sc.newNames[k], r.colKind(c), base)
	}
	clear(sc.bases)
}

// afterForget resets a total whose count reached 0 and deletes empty partitions. Caller
// holds mu.
func (p *Project) afterForget() {
	if p.total.n == 0 {
		p.total.reset()
	}
	if p.typ == TypePartition {
		p.dropEmptyPartitions()
	}
}

// mapColumns maps r's columns to attributes (sc.col, sc.newCols, sc.newNames) and checks
// kinds, columns named twice and the attribute limits. Caller holds mu for writing.
func (p *Project) mapColumns(r *Rows, sign int, lim Limits) error {
	sc := &p.sc
	sc.col, sc.newCols, sc.newNames = sc.col[:0], sc.newCols[:0], sc.newNames[:0]
	if len(sc.mark) < len(p.names) {
		sc.mark = append(sc.mark, make([]uint32, len(p.names)-len(sc.mark))...)
	}
	if sc.gen++; sc.gen == 0 {
		clear(sc.mark)
		sc.gen = 1
	}
	if sc.newSet == nil {
		sc.newSet = make(map[string]struct{})
	}
	clear(sc.newSet)
	for c := range r.Width() {
		name := r.colName(c)
		i, ok := p.index[string(name)]
		if ok {
			if p.kinds[i] != r.colKind(c) {
				return errorf("attribute %s is %v in the project; the DataFrame sends it as %v", quote(p.names[i]), p.kinds[i], r.colKind(c))
			}
			if sc.mark[i] == sc.gen {
				return errorf("attribute %s appears twice in the message", quote(p.names[i]))
			}
			sc.mark[i] = sc.gen
			sc.col = append(sc.col, i)
			continue
		}
		sc.col = append(sc.col, -1)
		if sign > 0 {
			s := string(name)
			if _, dup := sc.newSet[s]; dup {
				return errorf("attribute %s appears twice in the message", quote(s))
			}
			sc.newSet[s] = struct{}{}
			sc.newCols = append(sc.newCols, c)
			sc.newNames = append(sc.newNames, s)
		}
	}
	clear(sc.newSet)
	if len(sc.newCols) > 0 {
		if err := lim.checkNew(len(sc.newCols)); err != nil {
			return err
		}
		if err := lim.check(p.withColumns(r, sc.newCols)); err != nil {
			return err
		}
	}
	return nil
}

// withColumns is p's footprint with r's columns cols as new attributes. Caller holds mu.
func (p *Project) withColumns(r *Rows, cols []int) footprint {
	fp := p.footprint()
	fp.d += len(cols)
	for _, c := range cols {
		fp.names += attributeBytes(r.colNameLen(c), r.colBaseLen(c))
	}
	return fp
}

// CheckRows is ApplyRows' refusal as seen now, changing nothing: a deleted or frozen
// project, column kinds, the attribute, partition and byte limits, more rows forgotten
// than the project holds, non-zero values of attributes a forget does not know, missing
// partition values. The store runs it before logging a change, which ApplyRows may still
// refuse (for instance after another change that was logged first). Counts per partition
// and columns named twice are left to ApplyRows.
//
// With res not nil, a learn that passes is also admitted to its customer's byte budget
// (lim.MaxCustomerBytes; see Reservation): res then holds the attributes and partitions it
// may add until res.Release, which the caller owes once the change is applied or given up.
// Past the budget it is refused (an *Error wrapping ErrCustomerTooLarge).
func (p *Project) CheckRows(r *Rows, sign int, lim Limits, res *Reservation) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	var tmp Reservation
	if res == nil {
		res = &tmp
	}
	res.reset()
	lim = lim.Resolved()
	if err := p.checkRowsLocked(r, sign, lim, res); err != nil || res == &tmp {
		res.reset()
		return err
	}
	return p.reserveLocked(res, lim.MaxCustomerBytes, sign > 0 && p.typ == TypePartition && r.n > 0)
}

// checkRowsLocked is CheckRows' checks; it lists in res the attributes and partitions the
// change may add. Caller holds mu.
func (p *Project) checkRowsLocked(r *Rows, sign int, lim Limits, res *Reservation) error {
	if err := p.changeableLocked(); err != nil {
		return err
	}
	if r.n == 0 {
		return nil
	}
	for c := range r.Width() {
		name := r.colName(c)
		if i, ok := p.index[string(name)]; ok {
			if p.kinds[i] != r.colKind(c) {
				return errorf("attribute %s is %v in the project; the DataFrame sends it as %v", quote(p.names[i]), p.kinds[i], r.colKind(c))
			}
			continue
		}
		if sign > 0 {
			res.addAttr(string(name), r.colBaseLen(c))
		} else if r.nonZero(c, nil) {
			return errorf("cannot forget attribute %s: the project has never learned it", quote(string(name)))
		}
	}
	if len(res.attrs) > 0 {
		if err := lim.checkNew(len(res.attrs)); err != nil {
			return err
		}
	}
	if err := p.checkTotal(int64(r.n), sign); err != nil {
		return err
	}
	if p.typ == TypePartition {
		if r.part == nil {
			return errorf("the DataFrame has no partition column %s", quote(p.partitionColumn))
		}
		for i, v := range r.part {
			if len(v) == 0 {
				return errorf("row %d: the partition value is empty", i)
			}
			if sign > 0 && p.parts[string(v)] == nil {
				res.addPart(v)
			}
		}
	}
	return lim.check(p.withPending(res))
}

// checkTotal refuses forgetting more rows than the project holds, or learning past maxRows.
// Caller holds mu.
func (p *Project) checkTotal(n int64, sign int) error {
	if sign < 0 && n > p.total.n {
		return wrapf(ErrNegativeCount, "cannot forget %d rows: the project holds %d", n, p.total.n)
	}
	if sign > 0 && p.total.n > maxRows-n {
		return errorf("the project would hold more than %d rows", maxRows)
	}
	return nil
}

// checkRowCounts checks counts (forget) and partition values. Caller holds mu for writing.
func (p *Project) checkRowCounts(r *Rows, sign int, lim Limits) error {
	if err := p.checkTotal(int64(r.n), sign); err != nil {
		return err
	}
	if p.typ != TypePartition {
		return nil
	}
	if r.part == nil {
		return errorf("the DataFrame has no partition column %s", quote(p.partitionColumn))
	}
	sc := &p.sc
	defer func() {
		for _, s := range sc.touched {
			s.pending = 0
		}
		sc.touched = sc.touched[:0]
		clear(sc.newParts)
	}()
	for i, v := range r.part {
		if len(v) == 0 {
			return errorf("row %d: the partition value is empty", i)
		}
		s := p.parts[string(v)]
		switch {
		case s != nil:
			if s.pending == 0 {
				sc.touched = append(sc.touched, s)
			}
			s.pending++
		case sign < 0:
			return wrapf(ErrNegativeCount, "cannot forget rows of partition %s: it holds none", quote(string(v)))
		default:
			if sc.newParts == nil {
				sc.newParts = make(map[string]struct{})
			}
			if _, ok := sc.newParts[string(v)]; !ok {
				sc.newParts[string(v)] = struct{}{}
			}
		}
	}
	if sign < 0 {
		for _, s := range sc.touched {
			if s.pending > s.n {
				return wrapf(ErrNegativeCount, "cannot forget %d rows of a partition that holds %d", s.pending, s.n)
			}
		}
	}
	if len(sc.newParts) > 0 {
		fp := p.withColumns(r, sc.newCols)
		fp.parts += len(sc.newParts)
		for k := range sc.newParts {
			fp.names += partitionBytes(k)
		}
		if err := lim.check(fp); err != nil {
			return err
		}
	}
	return nil
}

// nonZero reports whether column c holds a value other than 0 in some row. counts, when
// not nil, holds the rows of each T-derived column (tCounts).
func (r *Rows) nonZero(c int, counts []int) bool {
	nCB := r.nCB()
	if c < nCB {
		for i := range r.n {
			if r.vals[i*nCB+c] != 0 {
				return true
			}
		}
		return false
	}
	j := int32(c - nCB)
	if counts != nil {
		return counts[j] > 0
	}
	for _, o := range r.ones[:r.off[r.n]] {
		if o == j {
			return true
		}
	}
	return false
}

// columnExtremes returns the smallest and largest value of column c over the rows (r.n >
// 0); counts holds the rows of each T-derived column (tCounts).
func (r *Rows) columnExtremes(c int, counts []int) (lo, hi float64) {
	nCB := r.nCB()
	if c < nCB {
		lo, hi = inf, -inf
		for i := range r.n {
			v := r.vals[i*nCB+c]
			lo, hi = min(lo, v), max(hi, v)
		}
		return lo, hi
	}
	n := counts[c-nCB]
	if n == r.n {
		lo = 1
	}
	if n > 0 {
		hi = 1
	}
	return lo, hi
}

// growInts returns b resized to n and zeroed, reallocated only when too small.
func growInts(b []int, n int) []int {
	if cap(b) < n {
		return make([]int, n)
	}
	b = b[:n]
	clear(b)
	return b
}
