package model

import (
	"fmt"
	"math"
	"testing"
)

// ttestRef computes the pooled and Welch tests of a against b in two passes, in the
// order of the ttest keys.
func ttestRef(a, b []float64) [6]float64 {
	mv := func(x []float64) (n, mean, ss float64) {
		n = float64(len(x))
		for _, v := range x {
			mean += v
		}
		mean /= n
		for _, v := range x {
			ss += (v - mean) * (v - mean)
		}
		return n, mean, ss
	}
	na, ma, sa := mv(a)
	nb, mb, sb := mv(b)
	df := na + nb - 2
	t := (ma - mb) / math.Sqrt((sa+sb)/df*(1/na+1/nb))
	va, vb := sa/(na-1)/na, sb/(nb-1)/nb
	tu := (ma - mb) / math.Sqrt(va+vb)
	dfu := (va + vb) * (va + vb) / (va*va/(na-1) + vb*vb/(nb-1))
	return [6]float64{t, df, tTwoSided(t, df), tu, dfu, tTwoSided(tu, dfu)}
}

var ttestKeys = [6]string{"t", "tdf", "tp", "tu", "tdfu", "tpu"}

// TestTTestGolden checks setosa against versicolor for each iris measurement, in a
// partition project partitioned on species (T), against scipy's ttest_ind (pooled and
// Welch): t, df and p relative 1e-9 (the p-values reach 1e-62, compared relatively).
func TestTTestGolden(t *testing.T) {
	g := loadIris(t)
	want := loadIrisExplore(t).TTest
	s := irisProject(t, g, TypePartition).Snapshot()
	for j, x := range irisNames {
		keys, vals := explore(t, s, "ttest", MLContext{InputNames: []string{x}, TargetNames: []string{"species$setosa", "species$versicolor"}})
		if fmt.Sprint(keys) != fmt.Sprint(ttestKeys[:]) {
			t.Fatalf("keys %v", keys)
		}
		ref := [6]float64{want.PooledT[j], want.PooledDf, want.PooledP[j], want.WelchT[j], want.WelchDf[j], want.WelchP[j]}
		for k, key := range ttestKeys {
			closeTo(t, x+" "+key, value(t, vals, key), ref[k], goldenTol, 0)
		}
	}
}

// TestTTestUnionOfPartitions: groups made of several partitions each, of unequal sizes
// (setosa ∪ versicolor against virginica, in a project partitioned on species and the row's
// parity), against ttestRef on the rows (relative 1e-12; p-values 1e-10).
func TestTTestUnionOfPartitions(t *testing.T) {
	g := loadIris(t)
	p := newTestProject(t, TypePartition, map[string]string{"partitionSplit": "sub"})
	var cells [][]string
	var a, b [4][]float64
	for i, r := range g.Data.X {
		y := g.Data.Y[i]
		row := numRows([][]float64{r})[0]
		row = append(row, fmt.Sprint(boolFloat(y < 2)), fmt.Sprint(boolFloat(y == 2)), fmt.Sprintf("%d-%d", y, i%2))
		cells = append(cells, row)
		for j, v := range r {
			if y < 2 {
				a[j] = append(a[j], v)
			} else {
				b[j] = append(b[j], v)
			}
		}
	}
	learn(t, p, dfJSON(append(append([]string(nil), irisNames...), "sv", "vg", "sub"), "CCCCBBS", cells))
	s := p.Snapshot()
	if len(s.Partitions) != 6 {
		t.Fatalf("%d partitions, want 6", len(s.Partitions))
	}
	for j, x := range irisNames {
		_, vals := explore(t, s, "ttest", MLContext{InputNames: []string{x}, TargetNames: []string{"sv", "vg"}})
		ref := ttestRef(a[j], b[j])
		for k, key := range ttestKeys {
			tol := 1e-12
			if key == "tp" || key == "tpu" {
				tol = 1e-10
			}
			closeTo(t, x+" "+key, value(t, vals, key), ref[k], tol, 0)
		}
		if value(t, vals, "t") == value(t, vals, "tu") {
			t.Errorf("%s: pooled and Welch t agree with unequal group sizes", x)
		}
	}
}

// TestTTestUndefined: two constant groups with different means give infinite t and p = 0,
// and no Welch degrees of freedom.
func TestTTestUndefined(t *testing.T) {
	p := newTestProject(t, TypePartition, map[string]string{"partitionSplit": "g"})
	learn(t, p, dfJSON([]string{"x", "g"}, "CT", [][]string{{"1", "a"}, {"1", "a"}, {"3", "b"}, {"3", "b"}}))
	_, vals := explore(t, p.Snapshot(), "ttest", MLContext{InputNames: []string{"x"}, TargetNames: []string{"g"}})
	if v := value(t, vals, "t"); !math.IsInf(v, -1) {
		t.Errorf("t = %v, want -Inf", v)
	}
	if v := value(t, vals, "tp"); v != 0 {
		t.Errorf("tp = %v, want 0", v)
	}
	if v := value(t, vals, "tdfu"); !math.IsNaN(v) {
		t.Errorf("tdfu = %v, want NaN", v)
	}
}

func TestTTestRefusals(t *testing.T) {
	g := loadIris(t)
	cpu := irisProject(t, g, TypeCPU).Snapshot()
	part := irisProject(t, g, TypePartition).Snapshot()
	// mixed: partitioned on parity, so species$setosa varies within each partition; small:
	// a group of one row; over: a partition whose rows are in both groups.
	mixed := newTestProject(t, TypePartition, map[string]string{"partitionSplit": "par"})
	var cells [][]string
	for i, r := range g.Data.X {
		cells = append(cells, append(numRows([][]float64{r})[0], g.Data.TargetNames[g.Data.Y[i]], fmt.Sprint(i%2)))
	}
	learn(t, mixed, dfJSON(append(append([]string(nil), irisNames...), "species", "par"), "CCCCTS", cells))
	small := newTestProject(t, TypePartition, map[string]string{"partitionSplit": "g"})
	learn(t, small, dfJSON([]string{"x", "g"}, "CT", [][]string{{"1", "a"}, {"2", "b"}, {"3", "b"}}))
	over := newTestProject(t, TypePartition, map[string]string{"partitionSplit": "g"})
	learn(t, over, dfJSON([]string{"x", "a", "b", "g"}, "CBBS", [][]string{{"1", "1", "1", "p"}, {"2", "1", "1", "p"}, {"3", "0", "1", "q"}}))
	ctx := func(x string, tg ...string) MLContext { return MLContext{InputNames: []string{x}, TargetNames: tg} }
	setVer := []string{"species$setosa", "species$versicolor"}
	checkRefusals(t, "ttest", []refusal{
		{"S partition column", irisPartition(g).snapshot(), ctx("sepal_length", "species"), `ttest targets are B columns; the partition column "species" has none (it is typed S)`},
		{"cpu project", cpu, ctx("sepal_length", setVer...), "ttest needs a partition project whose partitions hold the groups"},
		{"no input", part, MLContext{TargetNames: setVer}, "ttest needs exactly one input attribute, got 0"},
		{"two inputs", part, MLContext{InputNames: irisNames[:2], TargetNames: setVer}, "ttest needs exactly one input attribute, got 2"},
		{"one target", part, ctx("sepal_length", "species$setosa"), "ttest needs exactly two B targets (groups A and B), got 1"},
		{"three targets", part, ctx("sepal_length", "species"), "ttest needs exactly two B targets (groups A and B), got 3"},
		{"C target", part, ctx("sepal_length", "species$setosa", "petal_width"), `ttest target "petal_width" must be B, not "C"`},
		{"not constant in partitions", mixed.Snapshot(), ctx("sepal_length", setVer...), `ttest target "species$setosa" is not constant within partition "0" (25 of 75 rows are 1)`},
		{"group of one row", small.Snapshot(), ctx("x", "g"), `ttest group "g$a" has 1 rows; each group needs at least 2`},
		{"groups overlap", over.Snapshot(), ctx("x", "a", "b"), `ttest: the rows of partition "p" are in both groups, "a" and "b"`},
	})
}
