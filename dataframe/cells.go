package dataframe

import (
	"strconv"
	"unsafe"
)

// Cells is a DataFrame given as text rather than JSON: what a CSV reader yields. Every cell
// is read as the same text sent as a JSON string would be, so ParseCells and Parse give
// the same Frame and the same refusals for the same table (an empty cell is an empty
// string: refused in ModeLearn, missing in ModePredict).
type Cells struct {
	// Names and Types are the attributeNames and attributeTypes.
	Names []string
	Types []Type
	// Data holds the rows' cells row-major: len(Data) is a multiple of len(Names), and
	// row r is Data[r*len(Names) : (r+1)*len(Names)].
	Data []string
	// ErrorHandling is 0 (the first bad row refuses everything) or 1 (bad rows skipped).
	ErrorHandling int
}

// Rows is the number of rows in Data.
func (c *Cells) Rows() int {
	if len(c.Names) == 0 {
		return 0
	}
	return len(c.Data) / len(c.Names)
}

// ParseCells validates c with the rules and limits of Parse and returns its expanded
// Frame, valid until the Parser's next Parse or ParseCells. Errors are *Error; their Row
// is the row's index in c.Data, their Column the index in c.Names. It reads the cells in
// place and keeps no reference to c past the call except through the Frame's names.
func (p *Parser) ParseCells(c *Cells, opts Options) (*Frame, error) {
	p.hdr.valid = false // the name table and columns are rebuilt below
	f := &p.frame
	if c.ErrorHandling != 0 && c.ErrorHandling != 1 {
		return nil, messageError(`"errorHandling" must be the number 0 or 1`)
	}
	f.ErrorHandling = c.ErrorHandling
	n := len(c.Names)
	if len(c.Types) != n {
		return nil, messageError("DataFrame has " + strconv.Itoa(n) + " attributeNames but " +
			strconv.Itoa(len(c.Types)) + " attributeTypes")
	}
	if n == 0 && len(c.Data) > 0 || n > 0 && len(c.Data)%n != 0 {
		return nil, messageError("DataFrame has " + strconv.Itoa(len(c.Data)) + " cells, not a multiple of its " +
			strconv.Itoa(n) + " attributes")
	}
	if err := p.beginColumns(n, &opts); err != nil {
		return nil, err
	}
	partitionSeen := false
	var tb [1]byte
	for i, name := range c.Names {
		if name == "" {
			return nil, &Error{Row: -1, Column: i, Msg: "attributeNames[" + strconv.Itoa(i) + "] must be a non-empty string"}
		}
		tb[0] = byte(c.Types[i])
		if err := p.addColumn(i, textBytes(name), tb[:], &opts); err != nil {
			return nil, err
		}
		partitionSeen = partitionSeen || p.cols[i].partition
	}
	if err := endColumns(partitionSeen, &opts); err != nil {
		return nil, err
	}
	rows := c.Rows()
	if opts.MaxRows > 0 && rows > opts.MaxRows {
		return nil, &Error{Row: -1, Column: -1, Err: ErrTooManyRows,
			Msg: "DataFrame has " + strconv.Itoa(rows) + " rows; the limit is " + strconv.Itoa(opts.MaxRows)}
	}
	if rows == 0 && opts.Mode == ModeLearn {
		return nil, messageError(`DataFrame has no rows ("data" is empty): learn and forget need at least one`)
	}
	hasPartition := p.beginRows(rows)
	kept, skipped := 0, 0
	for r := range rows {
		entMark, tMark := p.rowStart()
		err := p.cellRow(r, c.Data[r*n:(r+1)*n], &opts)
		if err == nil {
			kept++
			continue
		}
		if f.ErrorHandling == 0 || err.Err != nil {
			return nil, err
		}
		p.dropRow(entMark, tMark, kept, hasPartition)
		skipped++
		f.SkippedRows = append(f.SkippedRows, r)
	}
	if !hasPartition {
		f.Partition = nil
	}
	f, err := p.layout(kept, skipped, &opts)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// cellRow validates row r of text cells and appends it to p.store, as row does for JSON.
func (p *Parser) cellRow(r int, cells []string, opts *Options) *Error {
	base := len(p.store)
	p.store = p.store[:base+len(p.cols)] // capacity reserved by beginRows
	vals := p.store[base:]
	for c, cell := range cells {
		if p.cols[c].typ == TypeX {
			continue
		}
		if err := p.cell(r, c, textBytes(cell), true, vals, opts); err != nil {
			return err
		}
	}
	return nil
}

// textBytes views s as bytes without copying; the parser only reads cell text and copies
// what it keeps.
func textBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// NumberText reports how Parse reads text as a C cell: empty (nothing but bytes ≤ 0x20),
// a finite number v, or not a number (anything else: a syntax error, NaN, Inf, a
// magnitude beyond float64). A B cell is a number equal to 0 or 1.
func NumberText(text string) (v float64, ok, empty bool) {
	v, st := parseNumber(textBytes(text))
	return v, st == numOK, st == numEmpty
}

// AppendCategory appends the value part of the attribute a T cell expands to
// ("<name>$<value>"): text trimmed of bytes ≤ 0x20 and lower-cased. Two cells of a T
// column make the same attribute exactly when their AppendCategory texts are equal.
func AppendCategory(dst []byte, text string) []byte {
	return appendLowerTrimmed(dst, textBytes(text))
}
