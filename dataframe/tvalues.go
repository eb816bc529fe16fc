package dataframe

import "encoding/binary"

// T values are resolved to their "name$value" column once per column, value and message:
// tvals maps (column index, value trimmed and lower-cased) to the name entry of the column
// it makes, so that a cell costs the length of its value, never that of its attribute's
// name (a name of megabytes must not cost megabytes per row). The name itself is built and
// hashed once, when the pair first appears.

// rowStart returns the marks dropRow needs to forget what the row about to be read
// creates: name entries and T-derived columns (and remembers the T values' own).
func (p *Parser) rowStart() (entMark, tMark int) {
	p.tvMark = len(p.tvals.ents)
	return len(p.names.ents), len(p.tBase)
}

// forgetTValues empties the T values of the last message.
func (p *Parser) forgetTValues() {
	if p.tvals.slots == nil {
		p.tvals.reset(16)
		return
	}
	p.tvals.truncate(0)
}

// tColumn returns the name entry of the column that value text of T column c makes,
// adding the name "<name>$<value>" to the name table the first time the pair appears in the
// message (added: the name is new to the table).
func (p *Parser) tColumn(c int, text []byte) (ent int, added bool) {
	if p.tvals.slots == nil {
		p.tvals.reset(16)
	}
	tv := &p.tvals
	start := len(tv.arena)
	tv.arena = binary.LittleEndian.AppendUint32(tv.arena, uint32(c))
	tv.arena = appendLowerTrimmed(tv.arena, text)
	i, isNew := tv.addPending(start, -1)
	if !isNew {
		return int(tv.ents[i].col), false
	}
	nt := &p.names
	nstart := len(nt.arena)
	nt.arena = append(nt.arena, nt.name(p.cols[c].ent)...)
	nt.arena = append(nt.arena, '$')
	e := tv.ents[i]
	nt.arena = append(nt.arena, tv.arena[e.start+4:e.end]...)
	ent, added = nt.addPending(nstart, int32(len(p.tBase)))
	tv.ents[i].col = int32(ent)
	return ent, added
}
