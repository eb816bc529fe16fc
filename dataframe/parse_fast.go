package dataframe

// Over 400 lines: the one-pass parser is one state machine over the scanner; cut in two,
// its invariants (what parseReference would return) would have to be stated twice.

import "slices"

// The fast path reads a DataFrame in one pass with the scanner of scan.go, writing cells
// straight into p.store, and shares every rule past the JSON level with parseReference
// (addColumn, cell, dropRow, layout). It gives up — ok = false, and Parse calls
// parseReference — on JSON the scanner does not read and on every refusal except bad
// rows. It returns the Frame, or under errorHandling 0 the first bad row's refusal, only
// when the whole payload is valid, every message-level check passes, and no row hits a
// limit: then parseReference would return the same.
//
// Column state is kept across Parses (header): a session sends the same attributeNames
// and attributeTypes in every message, and when both arrays are byte for byte those the
// columns were built from, under the same options, the columns are reused. Clients put
// "data" between the two arrays (docs/protocol.md 1.2); when "attributeNames" matched and
// "attributeTypes" has not been seen yet, the rows are read under the remembered types
// and read again if "attributeTypes" turns out different.

// header remembers the JSON that p.cols and the first len(p.cols) name entries were built
// from.
type header struct {
	valid        bool   // p.cols and the name table hold this header's columns
	names, types []byte // the raw attributeNames and attributeTypes arrays
	partition    string // the Options that decided the columns
	mode         Mode
	maxColumns   int
	maxNameBytes int
}

func (h *header) sameOptions(opts *Options) bool {
	return h.partition == opts.PartitionColumn && h.mode == opts.Mode && h.maxColumns == opts.MaxColumns &&
		h.maxNameBytes == opts.MaxNameBytes
}

// strSpan is the body of a JSON string in the payload.
type strSpan struct {
	start, end int
	esc        bool // holds a backslash
}

// rowState counts the rows read by readRows.
type rowState struct {
	kept, skipped int
	first         *Error // the first bad row's refusal
	hasPartition  bool
}

// The top-level keys seen.
const (
	seenNames = 1 << iota
	seenTypes
	seenData
	seenEH
)

// parseFast is Parse by the scanner; ok = false hands the payload to parseReference.
func (p *Parser) parseFast(b []byte, opts *Options) (f *Frame, err *Error, ok bool) {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, nil, false
	}
	var (
		seen                             uint8
		nameAt, nameEnd, typeAt, typeEnd int
		dataAt, dataEnd                  int
		nameHit, typeHit                 bool // the array is the one p.hdr was built from
		read                             bool // rs holds the rows, read under p.cols
		guessed                          bool // ... under the remembered attributeTypes
		eh                               int
		rs                               rowState
	)
	i = skipWS(b, i+1)
	for {
		if i >= len(b) || b[i] != '"' {
			return nil, nil, false
		}
		end, esc, ok := stringEnd(b, i+1)
		if !ok || esc {
			return nil, nil, false
		}
		key := b[i+1 : end]
		if i = skipWS(b, end+1); i >= len(b) || b[i] != ':' {
			return nil, nil, false
		}
		i = skipWS(b, i+1)
		var bit uint8
		switch string(key) {
		case "attributeNames":
			bit = seenNames
			nameAt = i
			i, nameHit, ok = p.headerArray(b, i, p.hdr.names)
			nameEnd = i
		case "attributeTypes":
			bit = seenTypes
			typeAt = i
			i, typeHit, ok = p.headerArray(b, i, p.hdr.types)
			typeEnd = i
		case "data":
			bit = seenData
			dataAt = i
			switch {
			case seen&(seenNames|seenTypes) == seenNames|seenTypes:
				if !p.useHeader(b, nameAt, nameEnd, typeAt, typeEnd, nameHit && typeHit, opts) {
					return nil, nil, false
				}
				i, ok = p.readRows(b, i, opts, &rs)
				read = true
			case seen&seenNames != 0 && nameHit && p.hdr.sameOptions(opts):
				p.names.truncate(len(p.cols))
				p.forgetTValues()
				if i, ok = p.readRows(b, i, opts, &rs); ok {
					read, guessed = true, true
				} else {
					i, ok = skipValue(b, dataAt, 2) // read again once the types are known
				}
			default:
				i, ok = skipValue(b, i, 2)
			}
			dataEnd = i
		case "errorHandling":
			bit = seenEH
			if end, isNum := numberEnd(b, i); isNum && end == i+1 && (b[i] == '0' || b[i] == '1') {
				eh, i = int(b[i]-'0'), end
			} else {
				ok = false // other spellings of 0 and 1, and refusals
			}
		default:
			return nil, nil, false // an unknown key: refused by parseReference
		}
		if !ok || seen&bit != 0 {
			return nil, nil, false
		}
		seen |= bit
		if i = skipWS(b, i); i >= len(b) {
			return nil, nil, false
		}
		if b[i] == '}' {
			break
		}
		if b[i] != ',' {
			return nil, nil, false
		}
		i = skipWS(b, i+1)
	}
	if skipWS(b, i+1) != len(b) || seen&(seenNames|seenTypes|seenData) != seenNames|seenTypes|seenData {
		return nil, nil, false
	}
	if guessed && !typeHit {
		read = false // the rows were read under other types
	}
	if !read {
		if !p.useHeader(b, nameAt, nameEnd, typeAt, typeEnd, nameHit && typeHit, opts) {
			return nil, nil, false
		}
		if end, ok := p.readRows(b, dataAt, opts, &rs); !ok || end != dataEnd {
			return nil, nil, false
		}
	}
	if rs.kept+rs.skipped == 0 && opts.Mode == ModeLearn {
		return nil, nil, false // no rows: refused by parseReference
	}
	if rs.skipped > 0 && eh == 0 {
		return nil, rs.first, true
	}
	p.frame.ErrorHandling = eh
	if !rs.hasPartition {
		p.frame.Partition = nil
	}
	if f, err = p.layout(rs.kept, rs.skipped, opts); err != nil {
		return nil, err, true
	}
	return f, nil, true
}

// headerArray returns the end of the attributeNames or attributeTypes value at b[i], and
// whether it is cached, the array p.hdr was built from.
func (p *Parser) headerArray(b []byte, i int, cached []byte) (end int, hit, ok bool) {
	// cached is a valid JSON array, complete at its closing bracket: if b holds it at i,
	// it is the value at i.
	if p.hdr.valid && len(b)-i >= len(cached) && string(b[i:i+len(cached)]) == string(cached) {
		return i + len(cached), true, true
	}
	end, ok = skipValue(b, i, 2)
	return end, false, ok
}

// useHeader sets up the columns of the attributeNames and attributeTypes arrays at
// b[nameAt:nameEnd] and b[typeAt:typeEnd]: p.hdr's when hit (both arrays are p.hdr's)
// and the options are the same, else built anew and remembered. false means a refusal or
// a string the scanner does not read.
func (p *Parser) useHeader(b []byte, nameAt, nameEnd, typeAt, typeEnd int, hit bool, opts *Options) bool {
	if hit && p.hdr.sameOptions(opts) {
		p.names.truncate(len(p.cols)) // forget the last Frame's T-derived names
		p.forgetTValues()
		return true
	}
	p.hdr.valid = false
	p.spans = p.spans[:0]
	if !p.stringSpans(b, nameAt) {
		return false
	}
	n := len(p.spans)
	if !p.stringSpans(b, typeAt) || len(p.spans) != 2*n || p.beginColumns(n, opts) != nil {
		return false
	}
	partitionSeen := false
	for c := range n {
		name, ok := spanText(b, p.spans[c], &p.esc)
		if !ok || len(name) == 0 {
			return false
		}
		tb, ok := spanText(b, p.spans[n+c], &p.esc2)
		if !ok || p.addColumn(c, name, tb, opts) != nil {
			return false
		}
		partitionSeen = partitionSeen || p.cols[c].partition
	}
	if endColumns(partitionSeen, opts) != nil {
		return false
	}
	p.hdr = header{valid: true,
		names: append(p.hdr.names[:0], b[nameAt:nameEnd]...), types: append(p.hdr.types[:0], b[typeAt:typeEnd]...),
		partition: opts.PartitionColumn, mode: opts.Mode, maxColumns: opts.MaxColumns, maxNameBytes: opts.MaxNameBytes}
	return true
}

// stringSpans appends to p.spans the strings of the array at b[i]; false if it is not an
// array of strings.
func (p *Parser) stringSpans(b []byte, i int) bool {
	if i >= len(b) || b[i] != '[' {
		return false
	}
	if i = skipWS(b, i+1); i < len(b) && b[i] == ']' {
		return true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return false
		}
		end, esc, ok := stringEnd(b, i+1)
		if !ok {
			return false
		}
		p.spans = append(p.spans, strSpan{start: i + 1, end: end, esc: esc})
		if i = skipWS(b, end+1); i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
		case ']':
			return true
		default:
			return false
		}
	}
}

// spanText is the unescaped text of s, in *scratch if it has escapes.
func spanText(b []byte, s strSpan, scratch *[]byte) ([]byte, bool) {
	if !s.esc {
		return b[s.start:s.end], true
	}
	var ok bool
	*scratch, ok = appendUnescaped((*scratch)[:0], b[s.start:s.end])
	return *scratch, ok
}

// readRows reads the "data" array at b[i] under the current columns and returns its end.
// Bad rows are dropped and counted in rs: whether they refuse the message depends on
// errorHandling, which may come later.
func (p *Parser) readRows(b []byte, i int, opts *Options, rs *rowState) (int, bool) {
	*rs = rowState{hasPartition: p.beginRows(0)}
	if i >= len(b) || b[i] != '[' {
		return 0, false
	}
	if i = skipWS(b, i+1); i < len(b) && b[i] == ']' {
		return i + 1, true
	}
	for r := 0; ; r++ {
		if opts.MaxRows > 0 && r == opts.MaxRows {
			return 0, false
		}
		var ok bool
		if i, ok = p.readRow(b, i, r, opts, rs); !ok {
			return 0, false
		}
		if i = skipWS(b, i); i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
		case ']':
			return i + 1, true
		default:
			return 0, false
		}
	}
}

// readRow reads row r at b[i] into p.store, or drops it and records why in rs, and returns
// its end. false: JSON the scanner does not read, or a row that hits a limit.
func (p *Parser) readRow(b []byte, i, r int, opts *Options, rs *rowState) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	if b[i] != '[' {
		end, ok := skipValue(b, i, 3)
		if ok {
			rs.drop(rowNotArray(r))
			p.frame.SkippedRows = append(p.frame.SkippedRows, r)
		}
		return end, ok
	}
	stride := len(p.cols)
	entMark, tMark := p.rowStart()
	base := len(p.store)
	p.store = slices.Grow(p.store, stride)[:base+stride]
	vals := p.store[base:]
	var err *Error // the row's first refusal; later cells are only scanned
	n := 0         // cells
	i = skipWS(b, i+1)
	// The common cells: unescaped strings in C and B columns that read as plain numbers,
	// stored as the general loop below would store them. Anything else goes to that loop,
	// at the same cell.
	closed := false
	kinds := p.kinds[:stride]
fast:
	for n < len(kinds) {
		if i >= len(b) || b[i] != '"' {
			break
		}
		var j int // the cell's closing quote
		switch kinds[n] {
		case TypeB: // exactly "0" or "1"
			if j = i + 2; j >= len(b) || b[j] != '"' || b[i+1]-'0' > 1 {
				break fast
			}
			vals[n] = float64(b[i+1] - '0')
		case TypeC:
			x, end, ok := scanSimpleDecimal(b, i+1)
			if !ok {
				break fast
			}
			vals[n], j = x, end
		default:
			break fast
		}
		n++
		if i = j + 1; i >= len(b) {
			return 0, false
		}
		if b[i] == ',' && i+1 < len(b) && b[i+1] == '"' { // the compact form: next cell
			i++
			continue
		}
		if i = skipWS(b, i); i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
		case ']':
			i++
			closed = true
			break fast
		default:
			return 0, false
		}
	}
	switch {
	case closed:
	case n == 0 && i < len(b) && b[i] == ']':
		i++
	default:
	cells:
		for {
			if i >= len(b) {
				return 0, false
			}
			var text []byte
			present, scalar, esc := true, true, false
			switch b[i] {
			case '"':
				end, e, ok := stringEnd(b, i+1)
				if !ok {
					return 0, false
				}
				text, esc, i = b[i+1:end], e, end+1
			case 'n':
				end, ok := literalEnd(b, i, "null")
				if !ok {
					return 0, false
				}
				present, i = false, end
			case '[', '{', 't', 'f':
				end, ok := skipValue(b, i, 4)
				if !ok {
					return 0, false
				}
				scalar, i = false, end
			default:
				end, ok := numberEnd(b, i)
				if !ok {
					return 0, false
				}
				text, i = b[i:end], end
			}
			if n < stride && err == nil {
				switch col := &p.cols[n]; {
				case col.typ == TypeX: // any JSON value
				case !scalar:
					err = p.cellErr(r, n, notScalar)
				default:
					if esc {
						var ok bool
						if p.esc, ok = appendUnescaped(p.esc[:0], text); !ok {
							return 0, false
						}
						text = p.esc
					}
					// The common cells, read as cell reads them; cell does the rest.
					if present && col.typ == TypeC {
						if x, st := parseNumber(text); st == numOK {
							vals[n] = x
							break
						}
					} else if present && col.typ == TypeB && len(text) == 1 && text[0]-'0' <= 1 {
						vals[n] = float64(text[0] - '0')
						break
					}
					err = p.cell(r, n, text, present, vals, opts)
				}
			}
			n++
			if i = skipWS(b, i); i >= len(b) {
				return 0, false
			}
			switch b[i] {
			case ',':
				i = skipWS(b, i+1)
			case ']':
				i++
				break cells
			default:
				return 0, false
			}
		}
	}
	if n != stride {
		err = rowWidth(r, n, stride) // checked before any cell, as parseReference does
	}
	if err != nil {
		if err.Err != nil {
			return 0, false // a limit refuses the message whatever errorHandling says
		}
		p.dropRow(entMark, tMark, rs.kept, rs.hasPartition)
		rs.drop(err)
		p.frame.SkippedRows = append(p.frame.SkippedRows, r)
		return i, true
	}
	rs.kept++
	return i, true
}

// drop counts a bad row.
func (rs *rowState) drop(err *Error) {
	rs.skipped++
	if rs.first == nil {
		rs.first = err
	}
}
