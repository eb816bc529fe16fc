package dataframe

import (
	"encoding/binary"
	"math"
	"strconv"
)

// Binary is a DataFrame of C and B columns whose values come as one matrix of float64
// rather than as JSON text: the binary form of the RPC endpoint (docs/rpc.md),
// {"attributeNames":[...],"attributeTypes":[...],"rows":n,"data":<bytes>}. It is only
// read by ParseBinary, which copies what the Frame keeps.
type Binary struct {
	// Names and Types are the attribute names and their type codes, unescaped.
	Names, Types [][]byte
	// Rows is the number of rows.
	Rows int
	// Data holds Rows × len(Names) float64 values, little-endian, row-major. NaN is a
	// missing value (an empty cell).
	Data []byte
	// ErrorHandling is 0 (a bad value refuses the whole frame) or 1 (its row is skipped).
	ErrorHandling int
}

// ParseBinary validates b as Parse validates a DataFrame, with the same rules and
// messages where they apply: names by package ident, distinct, within opts' limits; types
// C and B only (T, X and S columns need text); in learn mode every value finite and at
// least one row; B values 0 or 1; NaN a missing value in predict mode. The Frame is the
// one Parse would return for the same names and values, and is valid until the Parser's
// next Parse or ParseBinary. Errors are *Error.
func (p *Parser) ParseBinary(b *Binary, opts Options) (*Frame, error) {
	p.hdr.valid = false // the name table and columns are rebuilt below
	if err := p.binaryColumns(b, &opts); err != nil {
		return nil, err
	}
	f := &p.frame
	f.ErrorHandling = b.ErrorHandling
	if b.ErrorHandling != 0 && b.ErrorHandling != 1 {
		return nil, messageError(`"errorHandling" must be the number 0 or 1`)
	}
	width := len(p.cols)
	switch {
	case b.Rows < 0:
		return nil, messageError(`"rows" must not be negative`)
	case opts.MaxRows > 0 && b.Rows > opts.MaxRows:
		return nil, &Error{Row: -1, Column: -1, Err: ErrTooManyRows,
			Msg: "DataFrame has " + strconv.Itoa(b.Rows) + " rows; the limit is " + strconv.Itoa(opts.MaxRows)}
	case b.Rows == 0 && opts.Mode == ModeLearn:
		return nil, messageError(`DataFrame has no rows ("rows" is 0): learn and forget need at least one`)
	case width > 0 && b.Rows > len(b.Data)/(8*width) || len(b.Data) != 8*width*b.Rows:
		return nil, messageError(`"data" holds ` + strconv.Itoa(len(b.Data)) + ` bytes, not rows × columns × 8 = ` +
			strconv.Itoa(b.Rows) + ` × ` + strconv.Itoa(width) + ` × 8`)
	case opts.MaxCells > 0 && b.Rows*width > opts.MaxCells:
		return nil, &Error{Row: -1, Column: -1, Err: ErrTooManyColumns,
			Msg: "DataFrame has " + strconv.Itoa(b.Rows) + " rows × " + strconv.Itoa(width) +
				" columns; the limit is " + strconv.Itoa(opts.MaxCells) + " cells"}
	}
	p.beginRows(b.Rows)
	kept, skipped := 0, 0
	for r := range b.Rows {
		if err := p.binaryRow(r, b.Data[r*8*width:(r+1)*8*width], &opts); err != nil {
			if f.ErrorHandling == 0 {
				return nil, err
			}
			p.dropRow(len(p.names.ents), 0, kept, false)
			skipped++
			f.SkippedRows = append(f.SkippedRows, r)
			continue
		}
		kept++
	}
	f.Partition = nil
	fr, err := p.layout(kept, skipped, &opts)
	if err != nil {
		return nil, err
	}
	return fr, nil
}

// binaryColumns reads the names and types of a binary frame: C and B only.
func (p *Parser) binaryColumns(b *Binary, opts *Options) *Error {
	if len(b.Names) != len(b.Types) {
		return messageError("DataFrame has " + strconv.Itoa(len(b.Names)) + " attributeNames but " +
			strconv.Itoa(len(b.Types)) + " attributeTypes")
	}
	if err := p.beginColumns(len(b.Names), opts); err != nil {
		return err
	}
	for c, name := range b.Names {
		if len(name) == 0 {
			return &Error{Row: -1, Column: c, Msg: "attributeNames[" + strconv.Itoa(c) + "] must be a non-empty string"}
		}
		if tb := b.Types[c]; len(tb) != 1 || Type(tb[0]) != TypeC && Type(tb[0]) != TypeB {
			return &Error{Row: -1, Column: c, Msg: "attribute " + quote(name) + " has type " + quote(tb) +
				"; a binary DataFrame holds C and B columns only (T, X and S need text: send a JSON DataFrame)"}
		}
		if err := p.addColumn(c, name, b.Types[c], opts); err != nil {
			return err
		}
	}
	return endColumns(false, opts)
}

// binaryRow validates row r, its little-endian values in data, and appends it to p.store.
func (p *Parser) binaryRow(r int, data []byte, opts *Options) *Error {
	base := len(p.store)
	p.store = p.store[:base+len(p.cols)] // capacity reserved by beginRows
	vals := p.store[base:]
	for c := range vals {
		x := math.Float64frombits(binary.LittleEndian.Uint64(data[8*c:]))
		switch {
		case x != x:
			if opts.Mode == ModeLearn {
				return p.cellErr(r, c, "value is NaN (missing); learn and forget need every value")
			}
		case math.IsInf(x, 0):
			return p.cellErr(r, c, strconv.FormatFloat(x, 'g', -1, 64)+" is not a finite number")
		case p.cols[c].typ == TypeB && x != 0 && x != 1:
			return p.cellErr(r, c, strconv.Quote(strconv.FormatFloat(x, 'g', -1, 64))+" is not 0 or 1")
		case x == 0 && p.cols[c].typ == TypeB:
			x = 0 // -0 becomes 0 in a B column, as in text
		}
		vals[c] = x
	}
	return nil
}

// CheckColumns checks the column names of a float64 matrix to score (the RPC endpoint's
// predict_matrix) as a predict DataFrame's C columns are checked: each a name by package
// ident within opts.MaxNameBytes, none twice, at most opts.MaxColumns. names are only
// read. Errors are *Error.
func (p *Parser) CheckColumns(names [][]byte, opts Options) error {
	p.hdr.valid = false // the name table is rebuilt below
	if err := p.beginColumns(len(names), &opts); err != nil {
		return err
	}
	for c, name := range names {
		if len(name) == 0 {
			return &Error{Row: -1, Column: c, Msg: "columns[" + strconv.Itoa(c) + "] must be a non-empty string"}
		}
		if err := p.addColumn(c, name, typeCodeC, &opts); err != nil {
			return err
		}
	}
	return nil
}

// typeCodeC is the type code of a C column.
var typeCodeC = []byte{byte(TypeC)}
