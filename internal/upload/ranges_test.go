package upload

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// refSet is the obviously correct reference of Ranges: one bool per byte.
type refSet []bool

func (b refSet) add(r Range) (added int64) {
	for i := r.From; i < r.To; i++ {
		if !b[i] {
			b[i] = true
			added++
		}
	}
	return added
}

func (b refSet) ranges(want bool) []Range {
	var out []Range
	for i := 0; i < len(b); {
		if b[i] != want {
			i++
			continue
		}
		j := i
		for j < len(b) && b[j] == want {
			j++
		}
		out = append(out, Range{int64(i), int64(j)})
		i = j
	}
	return out
}

func TestRangesAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		size := 1 + rng.IntN(200)
		ref := make(refSet, size)
		var s Ranges
		for range rng.IntN(40) {
			from := int64(rng.IntN(size))
			r := Range{from, from + int64(rng.IntN(size-int(from)+1))}
			wantCount := len(ref.ranges(true))
			if r.From < r.To {
				tmp := append(refSet(nil), ref...)
				tmp.add(r)
				wantCount = len(tmp.ranges(true))
			}
			if got := s.CountAfterAdd(r); got != wantCount {
				t.Fatalf("round %d: CountAfterAdd(%v) = %d, want %d (set %v)", round, r, got, wantCount, s.All())
			}
			var overlaps []Range
			s.Overlaps(r, func(o Range) { overlaps = append(overlaps, o) })
			var wantOverlaps []Range
			for _, o := range ref.ranges(true) {
				if o := (Range{max(o.From, r.From), min(o.To, r.To)}); o.From < o.To {
					wantOverlaps = append(wantOverlaps, o)
				}
			}
			if !reflect.DeepEqual(overlaps, wantOverlaps) {
				t.Fatalf("Overlaps(%v) = %v, want %v", r, overlaps, wantOverlaps)
			}
			contains := true
			for i := r.From; i < r.To; i++ {
				contains = contains && ref[i]
			}
			if s.Contains(r) != contains {
				t.Fatalf("Contains(%v) = %v, want %v (set %v)", r, !contains, contains, s.All())
			}
			if got, want := s.Add(r), ref.add(r); got != want {
				t.Fatalf("Add(%v) = %d, want %d", r, got, want)
			}
			if got, want := s.All(), ref.ranges(true); !reflect.DeepEqual(got, want) && len(want) > 0 {
				t.Fatalf("set %v, want %v", got, want)
			}
			n := int64(0)
			for _, b := range ref {
				if b {
					n++
				}
			}
			if s.Len() != n {
				t.Fatalf("Len %d, want %d", s.Len(), n)
			}
			missing := ref.ranges(false)
			if got := s.Missing(int64(size), 0); !reflect.DeepEqual(got, missing) {
				t.Fatalf("Missing = %v, want %v", got, missing)
			}
			if len(missing) > 2 {
				if got := s.Missing(int64(size), 2); !reflect.DeepEqual(got, missing[:2]) {
					t.Fatalf("Missing(limit 2) = %v, want %v", got, missing[:2])
				}
			}
		}
	}
}

func TestRangesEdges(t *testing.T) {
	var s Ranges
	if s.Add(Range{5, 5}) != 0 || s.Add(Range{7, 3}) != 0 || s.Count() != 0 {
		t.Fatal("empty and inverted ranges add nothing")
	}
	if got := s.Missing(10, 100); !reflect.DeepEqual(got, []Range{{0, 10}}) {
		t.Fatalf("Missing of nothing = %v", got)
	}
	if s.Missing(0, 100) != nil {
		t.Fatal("an empty file misses nothing")
	}
	s.Add(Range{0, 4})
	s.Add(Range{4, 8}) // adjacent: merged
	if s.Count() != 1 || s.Len() != 8 || !s.Contains(Range{0, 8}) || s.Contains(Range{0, 9}) {
		t.Fatalf("set %v", s.All())
	}
	if got := s.Missing(8, 100); len(got) != 0 {
		t.Fatalf("complete, missing %v", got)
	}
}
