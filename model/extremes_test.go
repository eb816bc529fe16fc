package model

import (
	"fmt"
	"math"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

// TestExtremesCountAbsentValuesAsZero: a row counts as 0 for each attribute it holds no
// value for, extremes included. Rows learned in frames that each lack some columns (and
// some category values) have the extremes of the dense table that fills those cells with
// 0, whichever way they are learned: frame by frame, as one delta of the frames, as
// deltas merged, by a project merge; and as the same rows in one frame.
func TestExtremesCountAbsentValuesAsZero(t *testing.T) {
	// Three frames sorted by k: k=a without z; k=b with z in [5, 9]; k=c without y or z.
	// dense is the same rows with every absent cell 0, for the reference extremes.
	var frames []string
	var all [][]string
	dense := map[string][]float64{}
	for f, k := range []string{"a", "b", "c"} {
		var rows [][]string
		for i := range 5 {
			x, z := float64(1+5*f+i), float64(5+i)
			row := []string{fmt.Sprint(x), k}
			y := 0.0
			if k != "c" {
				y = 1
				row = append(row, "1")
			}
			if k == "b" {
				row = append(row, fmt.Sprint(z))
			} else {
				z = 0
			}
			rows = append(rows, row)
			all = append(all, []string{fmt.Sprint(x), k, fmt.Sprint(y), fmt.Sprint(z)})
			dense["x"], dense["y"], dense["z"] = append(dense["x"], x), append(dense["y"], y), append(dense["z"], z)
			for _, v := range []string{"a", "b", "c"} {
				one := 0.0
				if v == k {
					one = 1
				}
				dense["k$"+v] = append(dense["k$"+v], one)
			}
		}
		n := len(rows[0])
		frames = append(frames, dfJSON([]string{"x", "k", "y", "z"}[:n], "CTBC"[:n], rows))
	}
	check := func(what string, p *Project) {
		t.Helper()
		s := p.Snapshot()
		if len(s.Names) != len(dense) {
			t.Fatalf("%s: attributes %v", what, s.Names)
		}
		for name, vs := range dense {
			i, ok := s.Index(name)
			if !ok {
				t.Fatalf("%s: no attribute %s", what, name)
			}
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, v := range vs {
				lo, hi = min(lo, v), max(hi, v)
			}
			if s.Min[i] != lo || s.Max[i] != hi {
				t.Errorf("%s: extremes of %s [%v, %v], want [%v, %v]", what, name, s.Min[i], s.Max[i], lo, hi)
			}
		}
	}
	opts := dataframe.Options{}

	byFrames := newTestProject(t, TypeCPU, nil)
	for _, f := range frames {
		learn(t, byFrames, f)
	}
	check("frame by frame", byFrames)

	whole := newTestProject(t, TypeCPU, nil)
	learn(t, whole, dfJSON([]string{"x", "k", "y", "z"}, "CTBC", all))
	check("one frame", whole)

	oneDelta := NewDelta(false)
	for _, f := range frames {
		if err := oneDelta.AddFrame(frame(t, f, opts)); err != nil {
			t.Fatal(err)
		}
	}
	byDelta := newTestProject(t, TypeCPU, nil)
	if err := byDelta.ApplyDelta(oneDelta, 1, Limits{}, Stamp{Seq: 1}); err != nil {
		t.Fatal(err)
	}
	check("one delta of the frames", byDelta)

	merged := NewDelta(false)
	for _, f := range frames {
		d := NewDelta(false)
		if err := d.AddFrame(frame(t, f, opts)); err != nil {
			t.Fatal(err)
		}
		if err := merged.Merge(d); err != nil {
			t.Fatal(err)
		}
	}
	byMerged := newTestProject(t, TypeCPU, nil)
	if err := byMerged.ApplyDelta(merged, 1, Limits{}, Stamp{Seq: 1}); err != nil {
		t.Fatal(err)
	}
	check("deltas merged", byMerged)

	deltas := newTestProject(t, TypeCPU, nil)
	for i, f := range frames {
		d := NewDelta(false)
		if err := d.AddFrame(frame(t, f, opts)); err != nil {
			t.Fatal(err)
		}
		if err := deltas.ApplyDelta(d, 1, Limits{}, Stamp{Seq: uint64(i + 1)}); err != nil {
			t.Fatal(err)
		}
	}
	check("a delta per frame", deltas)

	first, rest := newTestProject(t, TypeCPU, nil), newTestProject(t, TypeCPU, nil)
	learn(t, first, frames[0])
	learn(t, rest, frames[1])
	learn(t, rest, frames[2])
	if err := first.ApplyMerge(rest.StateBinary(), Limits{}, Stamp{Seq: 9}); err != nil {
		t.Fatal(err)
	}
	check("a project merge", first)
}
