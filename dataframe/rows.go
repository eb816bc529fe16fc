package dataframe

import (
	"errors"
	"math"
	"strconv"
	"sync/atomic"

	"github.com/valyala/fastjson"

	"github.com/symscore/symscore/ident"
)

// rows validates every row into p.store (first pass), then lays out the Frame (second
// pass), once the final set of T-derived columns is known.
func (p *Parser) rows(rows []*fastjson.Value, opts *Options) (*Frame, error) {
	f := &p.frame
	hasPartition := p.beginRows(len(rows))
	kept, skipped := 0, 0
	for r, rv := range rows {
		entMark, tMark := p.rowStart()
		err := p.row(r, rv, opts)
		if err == nil {
			kept++
			continue
		}
		if f.ErrorHandling == 0 || err.Err != nil {
			return nil, err
		}
		// errorHandling 1: forget the row, including the columns its T values created.
		p.dropRow(entMark, tMark, kept, hasPartition)
		skipped++
		f.SkippedRows = append(f.SkippedRows, r)
	}
	if !hasPartition {
		f.Partition = nil
	}
	f, err := p.layout(kept, skipped, opts)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// beginRows empties the row state and reserves room for n rows; it reports whether a
// column is the partition column.
func (p *Parser) beginRows(n int) (hasPartition bool) {
	p.frame.SkippedRows = p.frame.SkippedRows[:0]
	stride := len(p.cols)
	p.store = p.store[:0]
	p.tBase = p.tBase[:0]
	p.tEnt = p.tEnt[:0]
	p.parts = p.parts[:0]
	p.frame.Partition = p.frame.Partition[:0]
	p.kinds = p.kinds[:0]
	for c := range p.cols {
		hasPartition = hasPartition || p.cols[c].partition
		k := p.cols[c].typ
		if k != TypeC && k != TypeB {
			k = 0
		}
		p.kinds = append(p.kinds, k)
	}
	if n := n * stride; cap(p.store) < n {
		p.store = make([]float64, 0, n)
	}
	return hasPartition
}

// dropRow forgets the row being read after kept good rows: its values, its partition
// value and the name entries and T-derived columns it created (those from entMark and
// tMark on).
func (p *Parser) dropRow(entMark, tMark, kept int, hasPartition bool) {
	p.tvals.truncate(p.tvMark)
	p.names.truncate(entMark)
	p.tBase, p.tEnt = p.tBase[:tMark], p.tEnt[:tMark]
	p.store = p.store[:kept*len(p.cols)]
	if hasPartition {
		p.frame.Partition = p.frame.Partition[:kept]
	}
}

// row validates row r and appends it to p.store. It returns a row-level *Error, or a
// message-level one (limits) with Err set.
func (p *Parser) row(r int, rv *fastjson.Value, opts *Options) *Error {
	cells, err := rv.Array()
	if err != nil {
		return rowNotArray(r)
	}
	if len(cells) != len(p.cols) {
		return rowWidth(r, len(cells), len(p.cols))
	}
	base := len(p.store)
	p.store = p.store[:base+len(p.cols)] // capacity reserved by rows
	vals := p.store[base:]
	for c, cell := range cells {
		if p.cols[c].typ == TypeX {
			continue // ignored: any JSON value
		}
		text, present, ok := p.cellText(cell)
		if !ok {
			return p.cellErr(r, c, notScalar)
		}
		if err := p.cell(r, c, text, present, vals, opts); err != nil {
			return err
		}
	}
	return nil
}

func rowNotArray(r int) *Error { return cellError(r, -1, nil, "row is not an array") }

func rowWidth(r, n, want int) *Error {
	return cellError(r, -1, nil, "row has "+strconv.Itoa(n)+" cells; the DataFrame has "+
		strconv.Itoa(want)+" attributes")
}

// notScalar is the refusal of a cell that is an object, an array, true or false.
const notScalar = "cell is not a string or a number"

// cell validates the scalar cell of row r, column c (not an X column) and stores its value
// in vals[c]. text is a string's unescaped bytes or a number's JSON text; present is false
// for null. text may be scratch memory: what must outlive the call is copied.
func (p *Parser) cell(r, c int, text []byte, present bool, vals []float64, opts *Options) *Error {
	col := &p.cols[c]
	switch col.typ {
	case TypeC, TypeB:
		var x float64
		var st numStatus
		isB := true
		if col.typ == TypeC {
			x, st = parseNumber(text)
		} else {
			x, st, isB = parseBinary(text)
		}
		if !present {
			st = numEmpty
		}
		switch st {
		case numOK:
			if !isB {
				return p.cellErr(r, c, quote(text)+" is not 0 or 1")
			}
		case numEmpty:
			if opts.Mode == ModeLearn {
				return p.cellErr(r, c, "cell is empty")
			}
			x = math.NaN()
		case numNonFinite:
			return p.cellErr(r, c, quote(text)+" is not a finite number")
		case numRange:
			return p.cellErr(r, c, quote(text)+" is out of float64 range")
		default:
			return p.cellErr(r, c, quote(text)+" is not a number")
		}
		vals[c] = x
	case TypeT:
		tc, e := p.category(r, c, text, present, opts)
		if e != nil {
			return e
		}
		vals[c] = tc
	}
	if col.partition {
		if !present || len(trimSpace(text)) == 0 {
			if opts.Mode == ModeLearn {
				return p.cellErr(r, c, "partition value is empty")
			}
			text = nil
		}
		if text != nil && opts.Mode == ModeLearn {
			if err := ident.CheckName(text, opts.MaxNameBytes); err != nil {
				return p.nameErr(r, c, "partition value "+quote(text), err)
			}
		}
		if text != nil {
			start := len(p.parts)
			p.parts = append(p.parts, text...)
			text = p.parts[start:len(p.parts):len(p.parts)]
		}
		p.frame.Partition = append(p.frame.Partition, text)
	}
	return nil
}

// cellText returns a scalar cell's text: a string's unescaped bytes, or a number's JSON
// text (which p.num holds until the next cell). present is false for null.
func (p *Parser) cellText(cell *fastjson.Value) (text []byte, present, ok bool) {
	switch cell.Type() {
	case fastjson.TypeString:
		b, _ := cell.StringBytes() // cannot fail: the type is checked
		return b, true, true
	case fastjson.TypeNumber:
		p.num = cell.MarshalTo(p.num[:0])
		return p.num, true, true
	case fastjson.TypeNull:
		return nil, false, true
	}
	return nil, false, false
}

// category resolves a T cell to its expanded column (as a float64 index; NaN when missing
// in predict mode), creating the column on first appearance.
func (p *Parser) category(r, c int, text []byte, present bool, opts *Options) (float64, *Error) {
	col := &p.cols[c]
	if !present || len(trimSpace(text)) == 0 {
		if opts.Mode == ModeLearn {
			return 0, p.cellErr(r, c, "cell is empty")
		}
		return math.NaN(), nil
	}
	nt := &p.names
	if n := len(nt.name(col.ent)) + 1 + len(trimSpace(text))/3; n > maxNameBytes(opts) {
		// Lower-casing shrinks UTF-8 at most threefold (U+212A K to k): the name would be
		// too long whatever it is, and is not built.
		return 0, p.nameErr(r, c, "value "+quote(text)+" makes an attribute name that",
			&ident.Error{Reason: "is more than " + strconv.Itoa(maxNameBytes(opts)) + " bytes long, the limit", Err: ErrNameTooLong})
	}
	// A name refused below is dropped with its row (dropRow), or the message is refused:
	// the T value's entry made by tColumn goes with it.
	ent, added := p.tColumn(c, text)
	if added {
		if err := p.checkTName(r, c, text, nt.name(ent), opts); err != nil {
			nt.truncate(ent)
			return 0, err
		}
		if w := p.nCB + len(p.tBase) + 1; opts.MaxColumns > 0 && w > opts.MaxColumns {
			return 0, &Error{Row: r, Column: c, Err: ErrTooManyColumns,
				Msg: "row " + strconv.Itoa(r) + ", column " + quote(nt.name(col.ent)) + ": value " + quote(text) +
					" expands the DataFrame to " + strconv.Itoa(w) + " columns; the limit is " + strconv.Itoa(opts.MaxColumns)}
		}
		p.tBase = append(p.tBase, c)
		p.tEnt = append(p.tEnt, ent)
	}
	tc := nt.ents[ent].col
	if tc < 0 {
		return 0, p.cellErr(r, c, "value "+quote(text)+" makes attribute "+quote(nt.name(ent))+
			", which the DataFrame also sends as a column")
	}
	return float64(tc), nil
}

func (p *Parser) cellErr(r, c int, what string) *Error {
	return cellError(r, c, p.names.name(p.cols[c].ent), what)
}

// nameErr is cellErr for a name refused by package ident: a limit refusal (wrapping
// ErrNameTooLong, which refuses the whole message) or a bad cell.
func (p *Parser) nameErr(r, c int, what string, err error) *Error {
	e := p.cellErr(r, c, what+" "+err.Error())
	e.Err = nameError(r, c, "", err).Err
	return e
}

// maxNameBytes is opts.MaxNameBytes or its default.
func maxNameBytes(opts *Options) int {
	if opts.MaxNameBytes > 0 {
		return opts.MaxNameBytes
	}
	return ident.DefaultMaxBytes
}

// checkTName checks the name a T value makes, for row r, column c: in learn mode it
// becomes a project attribute and follows the rule for names; in predict mode only its
// length is bounded.
func (p *Parser) checkTName(r, c int, value, name []byte, opts *Options) *Error {
	err := ident.CheckName(name, opts.MaxNameBytes)
	if err == nil || opts.Mode != ModeLearn && !errors.Is(err, ErrNameTooLong) {
		return nil
	}
	return p.nameErr(r, c, "value "+quote(value)+" makes the attribute name "+quote(name)+", which", err)
}

// layout fills the Frame from the validated rows.
// layouts numbers the column layouts of every Parser (Frame.Layout).
var layouts atomic.Uint64

func (p *Parser) layout(kept, skipped int, opts *Options) (*Frame, *Error) {
	f := &p.frame
	nT := len(p.tBase)
	w := p.nCB + nT
	if opts.MaxCells > 0 && kept*w > opts.MaxCells {
		return nil, &Error{Row: -1, Column: -1, Err: ErrTooManyColumns,
			Msg: "DataFrame expands to " + strconv.Itoa(kept) + " rows × " + strconv.Itoa(w) +
				" columns; the limit is " + strconv.Itoa(opts.MaxCells) + " cells"}
	}
	f.Rows, f.Skipped = kept, skipped
	if p.layoutCols {
		// The same columns as the last Frame (a remembered header): keep their part.
		f.Names, f.Kinds, f.Base = f.Names[:p.nCB], f.Kinds[:p.nCB], f.Base[:p.nCB]
	} else {
		f.Names, f.Kinds, f.Base = f.Names[:0], f.Kinds[:0], f.Base[:0]
		f.SourceNames, f.SourceTypes = f.SourceNames[:0], f.SourceTypes[:0]
		for c := range p.cols {
			col := &p.cols[c]
			f.SourceNames = append(f.SourceNames, p.names.name(col.ent))
			f.SourceTypes = append(f.SourceTypes, col.typ)
			if col.out >= 0 {
				f.Names = append(f.Names, p.names.name(col.ent))
				f.Kinds = append(f.Kinds, col.typ)
				f.Base = append(f.Base, -1)
			}
		}
		p.layoutCols = true
		p.layoutID = layouts.Add(1)
	}
	f.Layout = 0
	if nT == 0 {
		f.Layout = p.layoutID
	}
	for t := range nT {
		f.Names = append(f.Names, p.names.name(p.tEnt[t]))
		f.Kinds = append(f.Kinds, TypeB)
		f.Base = append(f.Base, p.tBase[t])
	}
	n := kept * w
	stride := len(p.cols)
	if w == stride && nT == 0 {
		// Only C and B columns, in order: the stored rows are the Frame. Swap the buffers
		// rather than copy; the old Vals becomes the next store.
		f.Vals, p.store = p.store[:n], f.Vals[:0]
		return f, nil
	}
	if cap(f.Vals) < n {
		f.Vals = make([]float64, n)
	}
	f.Vals = f.Vals[:n]
	for r := range kept {
		src := p.store[r*stride : (r+1)*stride]
		dst := f.Vals[r*w : (r+1)*w]
		clear(dst[p.nCB:])
		for c := range p.cols {
			col := &p.cols[c]
			switch {
			case col.out >= 0:
				dst[col.out] = src[c]
			case col.typ == TypeT:
				if x := src[c]; x == x {
					dst[p.nCB+int(x)] = 1
				} else {
					for t, b := range p.tBase {
						if b == c {
							dst[p.nCB+t] = math.NaN()
						}
					}
				}
			}
		}
	}
	return f, nil
}
