package model

import (
	"math"

	"github.com/symscore/symscore/dataframe"
)

var inf = math.Inf(1)

// MaxMagnitude is the largest |value| a project learns. With |x − K| ≤ 2·MaxMagnitude a
// co-moment term is at most 4e200, and maxRows of them stay far from overflow, so the
// double-double sums are always finite (also after merges and re-basing).
const MaxMagnitude = 1e100

// maxRows bounds a summary's row count (n is an int64, and merges add counts).
const maxRows = 1 << 62

// learnScratch holds the buffers of one learn or forget; reused under the project lock so
// that a message allocates nothing after warm-up.
type learnScratch struct {
	col      []int // frame column → project attribute; -1 = new (learn) or unknown (forget)
	newCols  []int // frame columns that bring new attributes
	rows     rowScratch
	touched  []*summary
	newParts map[string]struct{}
}

// Learn adds the frame's rows to the project: all of them or, on error, none. Frame
// columns unknown to the project become new attributes (earlier rows count as 0 for them).
// Errors: ErrFrozen; *Error for a column whose type differs from the project's, a
// non-finite value or a B value other than 0/1, a missing partition value, or a limit
// (wrapping ErrTooManyAttributes, ErrTooManyPartitions or ErrStateTooLarge).
func (p *Project) Learn(f *dataframe.Frame) error { return p.apply(f, 1, nil) }

// LearnWith is Learn journaled by commit, which runs once every check has passed and
// before anything is applied (see Commit).
func (p *Project) LearnWith(f *dataframe.Frame, commit Commit) error { return p.apply(f, 1, commit) }

// Forget removes the frame's rows from the project: all of them or, on error, none. It
// refuses (an *Error wrapping ErrNegativeCount) to forget more rows than the project — or
// a partition — holds, and refuses non-zero values of attributes the project never
// learned. A summary whose count reaches 0 is reset; an empty partition is deleted.
func (p *Project) Forget(f *dataframe.Frame) error { return p.apply(f, -1, nil) }

// ForgetWith is Forget journaled by commit (see Commit and LearnWith).
func (p *Project) ForgetWith(f *dataframe.Frame, commit Commit) error {
	return p.apply(f, -1, commit)
}

func (p *Project) apply(f *dataframe.Frame, sign float64, commit Commit) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.retired {
		return ErrProjectNotFound
	}
	if p.frozen {
		return ErrFrozen
	}
	if f.Rows == 0 {
		return nil
	}
	if err := p.checkColumns(f, sign); err != nil {
		return err
	}
	if err := p.checkValues(f, sign); err != nil {
		return err
	}
	if err := p.checkRows(f, sign); err != nil {
		return err
	}
	at, err := p.commitLocked(commit)
	if err != nil {
		return err
	}
	// Everything is valid: apply.
	sc := &p.sc
	for _, c := range sc.newCols {
		base := ""
		if b := f.Base[c]; b >= 0 && b < len(f.SourceNames) {
			base = string(f.SourceNames[b])
		}
		sc.col[c] = p.addAttribute(string(f.Names[c]), f.Kinds[c], base)
	}
	p.addFrameRows(f, sign)
	if sign > 0 {
		p.updateExtremes(f)
	} else {
		if p.total.n == 0 {
			p.total.reset()
		}
		if p.typ == TypePartition {
			p.dropEmptyPartitions()
		}
	}
	p.modified = at
	return nil
}

// checkColumns maps frame columns to attributes (sc.col, sc.newCols) and checks kinds and
// limits. Caller holds mu.
func (p *Project) checkColumns(f *dataframe.Frame, sign float64) error {
	sc := &p.sc
	sc.col = sc.col[:0]
	sc.newCols = sc.newCols[:0]
	if len(f.Kinds) != len(f.Names) || len(f.Base) != len(f.Names) || len(f.Vals) != f.Rows*len(f.Names) {
		return errorf("malformed frame")
	}
	for c, name := range f.Names {
		i, ok := p.index[string(name)]
		if !ok {
			if sign > 0 {
				sc.newCols = append(sc.newCols, c)
			}
			sc.col = append(sc.col, -1)
			continue
		}
		if p.kinds[i] != f.Kinds[c] {
			return errorf("attribute %s is %v in the project; the DataFrame sends it as %v", quote(p.names[i]), p.kinds[i], f.Kinds[c])
		}
		sc.col = append(sc.col, i)
	}
	if len(sc.newCols) > 0 {
		for _, c := range sc.newCols {
			if k := f.Kinds[c]; k != dataframe.TypeC && k != dataframe.TypeB {
				return errorf("attribute %s has type %v; a frame column is C or B", quote(string(f.Names[c])), k)
			}
		}
		if err := p.lim.check(len(p.names)+len(sc.newCols), len(p.parts)); err != nil {
			return err
		}
	}
	return nil
}

// checkValues refuses non-finite values, B values other than 0/1, and (forget) non-zero
// values of attributes the project does not have. Caller holds mu.
func (p *Project) checkValues(f *dataframe.Frame, sign float64) error {
	if p.valuesOK(f, sign) {
		return nil
	}
	sc := &p.sc
	w := len(f.Names)
	for r := 0; r < f.Rows; r++ {
		row := f.Vals[r*w : (r+1)*w]
		for c, v := range row {
			if v-v != 0 {
				return errorf("row %d, column %s: %v is not a finite number", r, quote(string(f.Names[c])), v)
			}
			if v > MaxMagnitude || v < -MaxMagnitude {
				return errorf("row %d, column %s: %v is beyond ±%g, the largest magnitude a project learns (sums of squares must stay finite)", r, quote(string(f.Names[c])), v, MaxMagnitude)
			}
			if f.Kinds[c] == dataframe.TypeB && v != 0 && v != 1 {
				return errorf("row %d, column %s: %v is not 0 or 1", r, quote(string(f.Names[c])), v)
			}
			if sign < 0 && sc.col[c] < 0 && v != 0 {
				return errorf("cannot forget attribute %s: the project has never learned it", quote(string(f.Names[c])))
			}
		}
	}
	return nil
}

// checkRows checks counts (forget) and partition values. Caller holds mu.
func (p *Project) checkRows(f *dataframe.Frame, sign float64) error {
	if sign < 0 && int64(f.Rows) > p.total.n {
		return wrapf(ErrNegativeCount, "cannot forget %d rows: the project holds %d", f.Rows, p.total.n)
	}
	if sign > 0 && p.total.n > maxRows-int64(f.Rows) {
		return errorf("the project would hold more than %d rows", maxRows)
	}
	if p.typ != TypePartition {
		return nil
	}
	if len(f.Partition) != f.Rows {
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
	for r, v := range f.Partition {
		if len(v) == 0 {
			return errorf("row %d: the partition value is empty", r)
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
	if n := len(sc.newParts); n > 0 {
		if err := p.lim.check(len(p.names)+len(sc.newCols), len(p.parts)+n); err != nil {
			return err
		}
	}
	return nil
}

// updateExtremes folds the frame's values into min and max. Caller holds mu.
func (p *Project) updateExtremes(f *dataframe.Frame) {
	w := len(f.Names)
	for c, i := range p.sc.col {
		if i < 0 {
			continue
		}
		lo, hi := p.min[i], p.max[i]
		for r := 0; r < f.Rows; r++ {
			v := f.Vals[r*w+c]
			if v < lo {
				lo = v
			}
			if v > hi {
				hi = v
			}
		}
		p.min[i], p.max[i] = lo, hi
	}
}
