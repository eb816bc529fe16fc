package testkit

import (
	"math"
	"testing"

	"github.com/symscore/symscore/model"
)

// CloseSnapshots fails unless got and want hold the same counts, attributes (by name,
// in any order), partitions and extremes, and means and co-moments within tol relative
// to each quantity's scale: a mean within tol × max(|mean|, standard deviation), a
// co-moment M[i,j] within tol × √(M[i,i] M[j,j]).
func CloseSnapshots(t testing.TB, got, want *model.Snapshot, tol float64) {
	t.Helper()
	if len(got.Names) != len(want.Names) || len(got.Partitions) != len(want.Partitions) {
		t.Fatalf("%d attributes and %d partitions, want %d and %d", len(got.Names), len(got.Partitions), len(want.Names), len(want.Partitions))
	}
	cmp := func(what string, g, w model.Moments) {
		t.Helper()
		if g.N != w.N {
			t.Fatalf("%s: n %d, want %d", what, g.N, w.N)
		}
		for i, name := range want.Names {
			gi, ok := got.Index(name)
			if !ok {
				t.Fatalf("%s: no attribute %s", what, name)
			}
			sd := math.Sqrt(w.At(i, i) / float64(max(w.N, 1)))
			if d := math.Abs(g.Mean[gi] - w.Mean[i]); d > tol*math.Max(math.Abs(w.Mean[i]), sd) {
				t.Fatalf("%s: mean of %s %v, want %v", what, name, g.Mean[gi], w.Mean[i])
			}
			for j, name2 := range want.Names {
				gj, _ := got.Index(name2)
				if d := math.Abs(g.At(gi, gj) - w.At(i, j)); d > tol*math.Sqrt(w.At(i, i)*w.At(j, j)) {
					t.Fatalf("%s: M[%s,%s] %v, want %v", what, name, name2, g.At(gi, gj), w.At(i, j))
				}
			}
			if got.Min[gi] != want.Min[i] || got.Max[gi] != want.Max[i] {
				t.Fatalf("%s: extremes of %s [%v, %v], want [%v, %v]", what, name, got.Min[gi], got.Max[gi], want.Min[i], want.Max[i])
			}
		}
	}
	cmp("total", got.Total, want.Total)
	for k := range want.Partitions {
		if got.Partitions[k].Value != want.Partitions[k].Value {
			t.Fatalf("partition %d is %q, want %q", k, got.Partitions[k].Value, want.Partitions[k].Value)
		}
		cmp("partition "+want.Partitions[k].Value, got.Partitions[k].Moments, want.Partitions[k].Moments)
	}
}
