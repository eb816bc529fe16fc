package model

import (
	"fmt"
	"math"
	"testing"
)

// uniRef computes the uni values of x plainly, in uniKeys order: two-pass variance ÷n,
// the sample standard error s/√n.
func uniRef(x []float64) [len(uniKeys)]float64 {
	n := float64(len(x))
	var sum float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range x {
		sum += v
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	mean := sum / n
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return [...]float64{n, mean, ss / n, math.Sqrt(ss / n), lo, hi, math.Sqrt(ss/(n-1)) / math.Sqrt(n)}
}

// checkUni compares the uni keys under prefix with the reference: count, min and max
// exactly, the others relative 1e-13 (both sides are accurate to a few ulps).
func checkUni(t *testing.T, vals map[string]float64, prefix string, want [len(uniKeys)]float64) {
	t.Helper()
	for k, key := range uniKeys {
		got := value(t, vals, prefix+key)
		switch key {
		case "count", "min", "max":
			if got != want[k] {
				t.Errorf("%s%s = %v, want %v", prefix, key, got, want[k])
			}
		default:
			closeTo(t, prefix+key, got, want[k], 1e-13, 0)
		}
	}
}

func TestUniIris(t *testing.T) {
	g := loadIris(t)
	s := irisProject(t, g, TypeCPU).Snapshot()
	for j, name := range irisNames {
		keys, vals := explore(t, s, "uni", MLContext{InputNames: []string{name}})
		if fmt.Sprint(keys) != fmt.Sprint(uniKeys[:]) {
			t.Fatalf("%s: keys %v, want %v", name, keys, uniKeys)
		}
		checkUni(t, vals, "", uniRef(irisColumn(g, j)))
	}
}

// TestUniSeveral checks the "<name>.<key>" keys, in input order, with a T attribute
// expanded into its columns.
func TestUniSeveral(t *testing.T) {
	g := loadIris(t)
	s := irisProject(t, g, TypeCPU).Snapshot()
	in := []string{"petal_width", "species", "sepal_length"}
	cols := []string{"petal_width", "species$setosa", "species$versicolor", "species$virginica", "sepal_length"}
	keys, vals := explore(t, s, "uni", MLContext{InputNames: in})
	var want []string
	for _, c := range cols {
		for _, k := range uniKeys {
			want = append(want, c+"."+k)
		}
	}
	if fmt.Sprint(keys) != fmt.Sprint(want) {
		t.Fatalf("keys\n %v\nwant\n %v", keys, want)
	}
	checkUni(t, vals, "petal_width.", uniRef(irisColumn(g, 3)))
	checkUni(t, vals, "sepal_length.", uniRef(irisColumn(g, 0)))
	for k, c := range g.Data.TargetNames {
		ind := make([]float64, len(g.Data.Y))
		for i, y := range g.Data.Y {
			ind[i] = boolFloat(y == k)
		}
		checkUni(t, vals, "species$"+c+".", uniRef(ind))
	}
}

// TestUniForgetKeepsExtremes: forgetting the rows that hold the extremes changes the
// moments but not min and max, as documented.
func TestUniForgetKeepsExtremes(t *testing.T) {
	g := loadIris(t)
	p := irisProject(t, g, TypeCPU)
	x := irisColumn(g, 0)
	lo, hi := 0, 0
	for i, v := range x {
		if v < x[lo] {
			lo = i
		}
		if v > x[hi] {
			hi = i
		}
	}
	var gone [][]string
	var rest []float64
	for i := range x {
		row := numRows([][]float64{g.Data.X[i]})[0]
		if i == lo || i == hi {
			gone = append(gone, append(row, g.Data.TargetNames[g.Data.Y[i]]))
			continue
		}
		rest = append(rest, x[i])
	}
	forget(t, p, dfJSON(append(append([]string(nil), irisNames...), "species"), "CCCCT", gone))
	_, vals := explore(t, p.Snapshot(), "uni", MLContext{InputNames: irisNames[:1]})
	want := uniRef(rest)
	want[4], want[5] = x[lo], x[hi] // ever learned
	checkUni(t, vals, "", want)
	if r := uniRef(rest); r[4] == x[lo] && r[5] == x[hi] {
		t.Fatal("the forgotten rows did not hold the only extremes; the test checks nothing")
	}
}

// TestUniEdgeCases: one row (stderr undefined) and a column of mean 1e9 and spread 1,
// whose variance the shifted summaries keep exact.
func TestUniEdgeCases(t *testing.T) {
	p := newTestProject(t, TypeCPU, nil)
	learn(t, p, dfJSON([]string{"a"}, "C", [][]string{{"2.5"}}))
	_, vals := explore(t, p.Snapshot(), "uni", MLContext{InputNames: []string{"a"}})
	for key, want := range map[string]float64{"count": 1, "mean": 2.5, "variance": 0, "stddev": 0, "min": 2.5, "max": 2.5} {
		if got := value(t, vals, key); got != want {
			t.Errorf("one row: %s = %v, want %v", key, got, want)
		}
	}
	if se := value(t, vals, "stderr"); !math.IsNaN(se) {
		t.Errorf("one row: stderr = %v, want NaN", se)
	}

	var x []float64
	var cells [][]float64
	for k := 0; k < 40; k++ {
		v := 1e9 + float64(k%8)/4 // exact in float64
		x = append(x, v)
		cells = append(cells, []float64{v})
	}
	p = newTestProject(t, TypeCPU, nil)
	learn(t, p, dfJSON([]string{"a"}, "C", numRows(cells)))
	_, vals = explore(t, p.Snapshot(), "uni", MLContext{InputNames: []string{"a"}})
	checkUni(t, vals, "", uniRef(x))
}

func TestUniRefusals(t *testing.T) {
	g := loadIris(t)
	s := irisCPU(g).snapshot()
	checkRefusals(t, "uni", []refusal{
		{"no input", s, MLContext{}, "uni needs at least one input attribute, got 0"},
		{"target", s, MLContext{InputNames: irisNames, TargetNames: []string{"species$setosa"}}, "uni takes input attributes only, no targets"},
		{"partition column as target", irisPartition(g).snapshot(), MLContext{InputNames: irisNames, TargetNames: []string{"species"}}, "uni takes input attributes only, no targets"},
	})
}
