package dataframe

import (
	"errors"
	"strconv"

	"github.com/valyala/fastjson"

	"github.com/symscore/symscore/ident"
	"github.com/symscore/symscore/jsonstrict"
)

// Parser turns DataFrame JSON into Frames. It reuses every buffer of the Frame it returns:
// after warm-up, parsing a C/B DataFrame allocates nothing. One Parser per goroutine
// (connection); not safe for concurrent use.
//
// Parse reads a DataFrame in one pass with its own scanner (parse_fast.go), which accepts
// a subset of what fastjson accepts and reads it the same way. Whatever the scanner does
// not handle — any JSON it does not expect, any refusal except a bad row — goes to
// parseReference, the fastjson implementation, which therefore defines both the grammar
// and every message-level error.
type Parser struct {
	fj    fastjson.Parser
	frame Frame
	names nameTable
	// tvals: T values resolved to their columns in this message (tvalues.go); tvMark is
	// its size when the current row began.
	tvals  nameTable
	tvMark int

	cols []srcCol
	nCB  int // C and B columns: the first nCB expanded columns
	// layoutCols: frame.SourceNames, SourceTypes and the first nCB Names, Kinds and Base
	// are those of cols (the column names' entries stay put until beginColumns).
	layoutCols bool
	layoutID   uint64    // Frame.Layout of the C and B columns laid out last
	tBase      []int     // per T-derived column: its source column
	tEnt       []int     // per T-derived column: its name entry
	store      []float64 // kept rows, stride len(cols) (X/S slots unused)
	kinds      []Type    // per column: TypeC, TypeB, or 0 for the others (readRow's fast cells)
	num        []byte    // raw text of a JSON number cell
	parts      []byte    // copies of the partition values

	hdr   header    // the columns of the last header the fast path read
	spans []strSpan // attributeNames then attributeTypes elements, while reading a header
	esc   []byte    // unescaped cell text
	esc2  []byte    // unescaped type code
}

// srcCol is one DataFrame column.
type srcCol struct {
	typ       Type
	partition bool // this is Options.PartitionColumn
	out       int  // expanded column of a C/B column
	ent       int  // its name entry
}

// Parse validates payload, a DataFrame JSON object, and returns its expanded Frame, which
// is valid until the next Parse. Errors are *Error.
//
// Keys: "attributeNames" and "attributeTypes" (arrays of strings of equal length),
// "data" (array of rows, each an array of cells), "errorHandling" (0 or 1; absent = 0).
// Any other key, a repeated key and a string escape JSON does not define (a lone
// surrogate among them) are refused, as for every JSON object symscore reads
// (package jsonstrict).
func (p *Parser) Parse(payload []byte, opts Options) (*Frame, error) {
	if f, err, ok := p.parseFast(payload, &opts); ok {
		if err != nil {
			return nil, err
		}
		return f, nil
	}
	return p.parseReference(payload, opts)
}

// parseReference is Parse through fastjson: the reference for the fast path and its
// fallback.
func (p *Parser) parseReference(payload []byte, opts Options) (*Frame, error) {
	p.hdr.valid = false // the name table and columns are rebuilt below
	v, err := p.fj.ParseBytes(payload)
	if err != nil {
		return nil, messageError("DataFrame is not valid JSON: " + err.Error())
	}
	if err := jsonstrict.CheckEscapes(payload); err != nil {
		return nil, messageError("DataFrame is not valid JSON: " + err.Error())
	}
	if v.Type() != fastjson.TypeObject {
		return nil, messageError("DataFrame must be a JSON object, not " + v.Type().String())
	}
	obj, _ := v.Object()
	if err := jsonstrict.CheckKeys(obj, "DataFrame", frameKeys...); err != nil {
		return nil, messageError(err.Error())
	}
	names, types, data, eh := obj.Get("attributeNames"), obj.Get("attributeTypes"), obj.Get("data"), obj.Get("errorHandling")
	f := &p.frame
	f.ErrorHandling = 0
	if eh != nil {
		x, err := eh.Float64()
		if err != nil || (x != 0 && x != 1) {
			return nil, messageError(`"errorHandling" must be the number 0 or 1`)
		}
		f.ErrorHandling = int(x)
	}
	if names == nil || types == nil || data == nil {
		return nil, messageError(`DataFrame needs "attributeNames", "attributeTypes" and "data"`)
	}
	if err := p.columns(names, types, &opts); err != nil {
		return nil, err
	}
	rows, err := data.Array()
	if err != nil {
		return nil, messageError(`"data" must be an array of rows`)
	}
	if opts.MaxRows > 0 && len(rows) > opts.MaxRows {
		return nil, &Error{Row: -1, Column: -1, Err: ErrTooManyRows,
			Msg: "DataFrame has " + strconv.Itoa(len(rows)) + " rows; the limit is " + strconv.Itoa(opts.MaxRows)}
	}
	if len(rows) == 0 && opts.Mode == ModeLearn {
		return nil, messageError(`DataFrame has no rows ("data" is empty): learn and forget need at least one`)
	}
	return p.rows(rows, &opts)
}

// frameKeys are the keys of a DataFrame object.
var frameKeys = []string{"attributeNames", "attributeTypes", "data", "errorHandling"}

// columns reads attributeNames and attributeTypes.
func (p *Parser) columns(names, types *fastjson.Value, opts *Options) *Error {
	na, err1 := names.Array()
	ta, err2 := types.Array()
	if err1 != nil || err2 != nil {
		return messageError(`"attributeNames" and "attributeTypes" must be arrays of strings`)
	}
	if len(na) != len(ta) {
		return messageError("DataFrame has " + strconv.Itoa(len(na)) + " attributeNames but " +
			strconv.Itoa(len(ta)) + " attributeTypes")
	}
	if err := p.beginColumns(len(na), opts); err != nil {
		return err
	}
	partitionSeen := false
	for c := range na {
		name, err := na[c].StringBytes()
		if err != nil || len(name) == 0 {
			return &Error{Row: -1, Column: c, Msg: "attributeNames[" + strconv.Itoa(c) + "] must be a non-empty string"}
		}
		tb, err := ta[c].StringBytes()
		if err != nil {
			return &Error{Row: -1, Column: c, Msg: "attributeTypes[" + strconv.Itoa(c) + "] must be a string"}
		}
		if err := p.addColumn(c, name, tb, opts); err != nil {
			return err
		}
		partitionSeen = partitionSeen || p.cols[c].partition
	}
	return endColumns(partitionSeen, opts)
}

// beginColumns checks the column count and empties the columns and the name table.
func (p *Parser) beginColumns(n int, opts *Options) *Error {
	if opts.MaxColumns > 0 && n > opts.MaxColumns {
		return &Error{Row: -1, Column: -1, Err: ErrTooManyColumns,
			Msg: "DataFrame has " + strconv.Itoa(n) + " columns; the limit is " + strconv.Itoa(opts.MaxColumns)}
	}
	p.names.reset(2 * n)
	p.forgetTValues()
	p.cols = p.cols[:0]
	p.nCB = 0
	p.layoutCols = false
	return nil
}

// addColumn appends column c, its non-empty name and its type code tb (both unescaped).
func (p *Parser) addColumn(c int, name, tb []byte, opts *Options) *Error {
	col := srcCol{out: -1}
	col.partition = opts.PartitionColumn != "" && string(name) == opts.PartitionColumn
	typ := Type(0)
	if len(tb) == 1 {
		typ = Type(tb[0])
	}
	switch typ {
	case TypeC, TypeB:
		col.out = p.nCB
		p.nCB++
	case TypeT, TypeX:
	case TypeS:
		if !col.partition {
			return &Error{Row: -1, Column: c, Msg: "attribute " + quote(name) +
				" has type S, which is allowed only for the partition column"}
		}
	default:
		msg := "attribute " + quote(name) + " has type " + quote(tb) + "; types are C, B, T, X (and S for the partition column)"
		if typ == 'L' {
			msg = "attribute " + quote(name) + " has type L (encoder input), which is not supported"
		}
		return &Error{Row: -1, Column: c, Msg: msg}
	}
	if col.partition && typ != TypeT && typ != TypeS {
		return &Error{Row: -1, Column: c, Msg: "partition column " + quote(name) + " must be typed T or S, not " + quote(tb)}
	}
	if err := ident.CheckName(name, opts.MaxNameBytes); err != nil {
		return nameError(-1, c, "attribute name "+quote(name), err)
	}
	col.typ = typ
	start := len(p.names.arena)
	p.names.arena = append(p.names.arena, name...)
	ent, added := p.names.addPending(start, -1)
	if !added {
		return &Error{Row: -1, Column: c, Msg: "attribute name " + quote(name) + " appears twice"}
	}
	col.ent = ent
	p.cols = append(p.cols, col)
	return nil
}

// nameError is the refusal of a name by package ident, located at row and column (-1:
// none): a limit refusal wrapping ErrNameTooLong, which refuses the whole message, or a
// bad name.
func nameError(row, col int, what string, err error) *Error {
	e := &Error{Row: row, Column: col, Msg: what + " " + err.Error()}
	if errors.Is(err, ErrNameTooLong) {
		e.Err = ErrNameTooLong
	}
	return e
}

// endColumns refuses a learn DataFrame of a partition project without its partition column.
func endColumns(partitionSeen bool, opts *Options) *Error {
	if opts.PartitionColumn != "" && !partitionSeen && opts.Mode == ModeLearn {
		return messageError("DataFrame has no partition column " + quote([]byte(opts.PartitionColumn)))
	}
	return nil
}
