package upload

import "sort"

// Range is a half-open byte range [From, To) of a file.
type Range struct{ From, To int64 }

// Len is the range's length.
func (r Range) Len() int64 { return r.To - r.From }

// Ranges is a set of bytes of a file, kept as sorted, disjoint, non-adjacent ranges. The
// zero value is empty. Not safe for concurrent use.
type Ranges struct {
	rs    []Range
	total int64 // bytes in the set
}

// Len is the number of bytes in the set.
func (s *Ranges) Len() int64 { return s.total }

// Count is the number of disjoint ranges the set is made of.
func (s *Ranges) Count() int { return len(s.rs) }

// All returns the set's ranges, in order; the slice is the set's own, valid until it
// changes.
func (s *Ranges) All() []Range { return s.rs }

// search returns the index of the first range that ends at or after pos (so that it
// touches or follows pos).
func (s *Ranges) search(pos int64) int {
	return sort.Search(len(s.rs), func(i int) bool { return s.rs[i].To >= pos })
}

// Add puts r in the set and returns how many of its bytes were not in it before. An empty
// or inverted r adds nothing.
func (s *Ranges) Add(r Range) int64 {
	if r.From >= r.To {
		return 0
	}
	i := s.search(r.From)
	j := i
	merged := r
	var covered int64
	for j < len(s.rs) && s.rs[j].From <= r.To {
		covered += min(s.rs[j].To, r.To) - max(s.rs[j].From, r.From)
		merged.From = min(merged.From, s.rs[j].From)
		merged.To = max(merged.To, s.rs[j].To)
		j++
	}
	added := r.Len() - covered
	s.total += added
	switch {
	case i == j: // touches nothing: insert
		s.rs = append(s.rs, Range{})
		copy(s.rs[i+1:], s.rs[i:])
		s.rs[i] = merged
	default: // replaces rs[i:j] by merged
		s.rs[i] = merged
		s.rs = append(s.rs[:i+1], s.rs[j:]...)
	}
	return added
}

// CountAfterAdd is Count after Add(r), without changing the set.
func (s *Ranges) CountAfterAdd(r Range) int {
	if r.From >= r.To {
		return len(s.rs)
	}
	i := s.search(r.From)
	j := i
	for j < len(s.rs) && s.rs[j].From <= r.To {
		j++
	}
	return len(s.rs) - (j - i) + 1
}

// Overlaps calls fn, in order, for each part of r that is in the set.
func (s *Ranges) Overlaps(r Range, fn func(Range)) {
	for i := s.search(r.From + 1); i < len(s.rs) && s.rs[i].From < r.To; i++ {
		if o := (Range{max(s.rs[i].From, r.From), min(s.rs[i].To, r.To)}); o.From < o.To {
			fn(o)
		}
	}
}

// Contains reports whether every byte of r is in the set.
func (s *Ranges) Contains(r Range) bool {
	if r.From >= r.To {
		return true
	}
	i := s.search(r.From + 1)
	return i < len(s.rs) && s.rs[i].From <= r.From && s.rs[i].To >= r.To
}

// Missing returns at most limit of the ranges of [0, size) that are not in the set, in
// order (limit ≤ 0: all of them).
func (s *Ranges) Missing(size int64, limit int) []Range {
	var out []Range
	pos := int64(0)
	add := func(r Range) bool {
		if r.From < r.To {
			out = append(out, r)
		}
		return limit <= 0 || len(out) < limit
	}
	for _, r := range s.rs {
		if r.From >= size {
			break
		}
		if !add(Range{pos, r.From}) {
			return out
		}
		pos = r.To
	}
	if pos < size {
		add(Range{pos, size})
	}
	return out
}
