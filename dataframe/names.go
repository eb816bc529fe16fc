package dataframe

import (
	"bytes"
	"hash/maphash"
	"unicode"
	"unicode/utf8"
)

// nameTable is the set of column names of one DataFrame: the attribute names as sent and
// the "name$value" names of T expansion. Names live in one reusable byte arena; the table
// is open addressing with linear probing over a random-seeded hash (hostile names cannot
// force collisions). Entries can be removed newest first (truncate), which undoes the
// expansions of a row that turns out bad. Not safe for concurrent use; 0 allocs after
// warm-up.
type nameTable struct {
	seed   maphash.Seed
	arena  []byte
	ents   []nameEnt
	slots  []int32 // 0 = empty, else entry index + 1
	hashed int     // bytes hashed so far: what tests check the cost of names with
}

type nameEnt struct {
	start, end int32 // the name is arena[start:end]
	slot       int32 // where the entry sits in slots
	col        int32 // caller's value: expanded column index, or -1
}

func (t *nameTable) reset(expect int) {
	if t.slots == nil {
		t.seed = maphash.MakeSeed()
	}
	t.arena = t.arena[:0]
	t.ents = t.ents[:0]
	n := 16
	for n < 2*expect {
		n *= 2
	}
	if cap(t.slots) >= n {
		t.slots = t.slots[:n]
		clear(t.slots)
	} else {
		t.slots = make([]int32, n)
	}
}

func (t *nameTable) name(i int) []byte {
	e := t.ents[i]
	return t.arena[e.start:e.end:e.end]
}

// find returns the entry index of name b, or -1.
func (t *nameTable) find(b []byte) int {
	mask := len(t.slots) - 1
	t.hashed += len(b)
	for s := int(maphash.Bytes(t.seed, b)) & mask; ; s = (s + 1) & mask {
		e := t.slots[s]
		if e == 0 {
			return -1
		}
		if bytes.Equal(t.name(int(e-1)), b) {
			return int(e - 1)
		}
	}
}

// addPending inserts the name arena[start:] (just appended by the caller) and returns its
// entry index; if the name is already present, the arena is cut back to start and the
// existing entry's index is returned with added = false.
func (t *nameTable) addPending(start int, col int32) (idx int, added bool) {
	b := t.arena[start:]
	if i := t.find(b); i >= 0 {
		t.arena = t.arena[:start]
		return i, false
	}
	if 2*(len(t.ents)+1) > len(t.slots) {
		t.grow()
	}
	t.ents = append(t.ents, nameEnt{start: int32(start), end: int32(len(t.arena)), col: col})
	t.place(len(t.ents) - 1)
	return len(t.ents) - 1, true
}

func (t *nameTable) place(i int) {
	mask := len(t.slots) - 1
	s := int(maphash.Bytes(t.seed, t.name(i))) & mask
	for t.slots[s] != 0 {
		s = (s + 1) & mask
	}
	t.slots[s] = int32(i + 1)
	t.ents[i].slot = int32(s)
}

func (t *nameTable) grow() {
	n := 2 * len(t.slots)
	if cap(t.slots) >= n {
		t.slots = t.slots[:n]
		clear(t.slots)
	} else {
		t.slots = make([]int32, n)
	}
	// Reinsert in insertion order: an entry then only probes past older entries, which
	// keeps truncate correct.
	for i := range t.ents {
		t.place(i)
	}
}

// truncate removes the entries from n on, newest first. With linear probing this is safe
// because any entry that probed past a removed slot is newer and already removed.
func (t *nameTable) truncate(n int) {
	if n >= len(t.ents) {
		return
	}
	for i := len(t.ents) - 1; i >= n; i-- {
		t.slots[t.ents[i].slot] = 0
	}
	t.arena = t.arena[:t.ents[n].start]
	t.ents = t.ents[:n]
}

// appendLowerTrimmed appends b trimmed (bytes ≤ 0x20, as Java's String.trim) and
// lower-cased (Unicode simple lower case; invalid UTF-8 is copied as is).
func appendLowerTrimmed(dst, b []byte) []byte {
	b = trimSpace(b)
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, c)
		} else {
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
		i += size
	}
	return dst
}
