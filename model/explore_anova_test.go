package model

import (
	"fmt"
	"math"
	"testing"
)

// anovaRef is the one-way ANOVA of x over the groups, in two passes over the rows.
func anovaRef(x []float64, group []int) (ssb, ssw float64) {
	sum, cnt := map[int]float64{}, map[int]float64{}
	var tot float64
	for i, v := range x {
		sum[group[i]] += v
		cnt[group[i]]++
		tot += v
	}
	mean := tot / float64(len(x))
	for g := range sum {
		m := sum[g] / cnt[g]
		ssb += cnt[g] * (m - mean) * (m - mean)
	}
	for i, v := range x {
		m := sum[group[i]] / cnt[group[i]]
		ssw += (v - m) * (v - m)
	}
	return ssb, ssw
}

// TestAnovaGolden checks F and P of each iris measurement across species against
// scikit-learn's f_classif (relative 1e-9; P relatively too, it is as small as 1e-91), and
// the sums of squares against anovaRef (relative 1e-12), for every way of naming the
// groups.
func TestAnovaGolden(t *testing.T) {
	g := loadIris(t)
	want := loadIrisExplore(t)
	cpu := irisProject(t, g, TypeCPU).Snapshot()
	part := irisProject(t, g, TypePartition).Snapshot()
	partS := irisPartition(g).snapshot()
	cases := []struct {
		name string
		s    *Snapshot
		tg   func(string) MLContext
	}{
		{"cpu, T target", cpu, func(x string) MLContext { return MLContext{InputNames: []string{x}, TargetNames: []string{"species"}} }},
		{"cpu, class columns", cpu, func(x string) MLContext {
			return MLContext{InputNames: []string{x}, TargetNames: []string{"species$setosa", "species$versicolor", "species$virginica"}}
		}},
		{"partition on T, partition column", part, func(x string) MLContext { return MLContext{InputNames: []string{x}, TargetNames: []string{"species"}} }},
		{"partition on T, no target", part, func(x string) MLContext { return MLContext{InputNames: []string{x}} }},
		{"partition on S, partition column", partS, func(x string) MLContext { return MLContext{InputNames: []string{x}, TargetNames: []string{"species"}} }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for j, x := range irisNames {
				keys, vals := explore(t, c.s, "anova", c.tg(x))
				if fmt.Sprint(keys) != "[SSb SSw Dfb Dfw MSb MSw F P]" {
					t.Fatalf("keys %v", keys)
				}
				closeTo(t, x+" F", value(t, vals, "F"), want.Anova.F[j], goldenTol, 0)
				closeTo(t, x+" P", value(t, vals, "P"), want.Anova.P[j], goldenTol, 0)
				if dfb, dfw := value(t, vals, "Dfb"), value(t, vals, "Dfw"); dfb != want.Anova.Dfb || dfw != want.Anova.Dfw {
					t.Errorf("%s: Dfb, Dfw = %v, %v, want %v, %v", x, dfb, dfw, want.Anova.Dfb, want.Anova.Dfw)
				}
				ssb, ssw := anovaRef(irisColumn(g, j), g.Data.Y)
				closeTo(t, x+" SSb", value(t, vals, "SSb"), ssb, 1e-12, 0)
				closeTo(t, x+" SSw", value(t, vals, "SSw"), ssw, 1e-12, 0)
				closeTo(t, x+" MSb", value(t, vals, "MSb"), ssb/2, 1e-12, 0)
				closeTo(t, x+" MSw", value(t, vals, "MSw"), ssw/147, 1e-12, 0)
			}
		})
	}
}

// TestAnovaBinaryTarget: one B target splits the rows into y = 0 and y = 1.
func TestAnovaBinaryTarget(t *testing.T) {
	g := loadIris(t)
	s := irisProject(t, g, TypeCPU).Snapshot()
	grp := make([]int, len(g.Data.Y))
	for i, y := range g.Data.Y {
		grp[i] = int(boolFloat(y == 1))
	}
	for j, x := range irisNames {
		_, vals := explore(t, s, "anova", MLContext{InputNames: []string{x}, TargetNames: []string{"species$versicolor"}})
		ssb, ssw := anovaRef(irisColumn(g, j), grp)
		closeTo(t, x+" SSb", value(t, vals, "SSb"), ssb, 1e-12, 0)
		closeTo(t, x+" SSw", value(t, vals, "SSw"), ssw, 1e-12, 0)
		if dfb, dfw := value(t, vals, "Dfb"), value(t, vals, "Dfw"); dfb != 1 || dfw != 148 {
			t.Errorf("%s: Dfb, Dfw = %v, %v, want 1, 148", x, dfb, dfw)
		}
		f := ssb / (ssw / 148)
		closeTo(t, x+" F", value(t, vals, "F"), f, 1e-12, 0)
		closeTo(t, x+" P", value(t, vals, "P"), fSurvival(f, 1, 148), 1e-10, 0)
	}
}

// TestAnovaUndefined: constant groups give F = +Inf and P = 0; a constant input NaN.
func TestAnovaUndefined(t *testing.T) {
	p := newTestProject(t, TypeCPU, nil)
	learn(t, p, dfJSON([]string{"x", "k", "g"}, "CCT", [][]string{{"1", "5", "a"}, {"1", "5", "a"}, {"3", "5", "b"}, {"3", "5", "b"}}))
	s := p.Snapshot()
	_, vals := explore(t, s, "anova", MLContext{InputNames: []string{"x"}, TargetNames: []string{"g"}})
	if f, pv, ssb := value(t, vals, "F"), value(t, vals, "P"), value(t, vals, "SSb"); !math.IsInf(f, 1) || pv != 0 || ssb != 4 {
		t.Errorf("constant groups: F %v P %v SSb %v, want +Inf 0 4", f, pv, ssb)
	}
	_, vals = explore(t, s, "anova", MLContext{InputNames: []string{"k"}, TargetNames: []string{"g"}})
	if f, pv := value(t, vals, "F"), value(t, vals, "P"); !math.IsNaN(f) || !math.IsNaN(pv) {
		t.Errorf("constant input: F %v P %v, want NaN NaN", f, pv)
	}
}

func TestAnovaRefusals(t *testing.T) {
	g := loadIris(t)
	cpu := irisCPU(g).snapshot()
	part := irisProject(t, g, TypePartition).Snapshot()
	// tiny: 3 rows in 3 groups; ones: a B column that is 1 on every row; over: a and b
	// count 4 rows but one row is in both and one in neither; lp: a T attribute that joined
	// after the first rows, which have no group.
	tiny := &refData{names: []string{"x", "g$a", "g$b", "g$c"}, kinds: kindsOf("CBBB"), base: []string{"", "g", "g", "g"},
		rows: [][]float64{{1, 1, 0, 0}, {2, 0, 1, 0}, {3, 0, 0, 1}}}
	ones := &refData{names: []string{"x", "y"}, kinds: kindsOf("CB"), rows: [][]float64{{1, 1}, {2, 1}, {4, 1}}}
	over := &refData{names: []string{"x", "a", "b"}, kinds: kindsOf("CBB"), rows: [][]float64{{1, 1, 1}, {2, 0, 0}, {4, 0, 1}, {5, 1, 0}}}
	lp := newTestProject(t, TypeCPU, nil)
	learn(t, lp, dfJSON([]string{"x"}, "C", [][]string{{"1"}, {"2"}}))
	learn(t, lp, dfJSON([]string{"x", "g"}, "CT", [][]string{{"3", "a"}, {"4", "b"}}))
	one := func(x string, tg ...string) MLContext { return MLContext{InputNames: []string{x}, TargetNames: tg} }
	checkRefusals(t, "anova", []refusal{
		{"no input", cpu, MLContext{TargetNames: []string{"species"}}, "anova needs exactly one input attribute, got 0"},
		{"two inputs", cpu, MLContext{InputNames: irisNames[:2], TargetNames: []string{"species"}}, "anova needs exactly one input attribute, got 2"},
		{"no target on cpu", cpu, one("sepal_length"), "anova needs a target: a B attribute, a T attribute or the partition column"},
		{"C target", cpu, one("sepal_length", "petal_width"), `anova target "petal_width" must be binary (B) or a category (T)`},
		{"C among targets", cpu, one("sepal_length", "species$setosa", "petal_width"), `anova target "petal_width" must be binary (B)`},
		{"targets miss rows", cpu, one("sepal_length", "species$setosa", "species$versicolor"), "the target columns do not cover every row once (100 of 150"},
		{"targets overlap", over.snapshot(), one("x", "a", "b"), `1 rows are both in class "a" and in class "b"`},
		{"late category", lp.Snapshot(), one("x", "g"), "the target columns do not cover every row once (2 of 4"},
		{"one group", ones.snapshot(), one("x", "y"), "anova needs rows in at least two groups, got 1"},
		{"as many rows as groups", tiny.snapshot(), one("x", "g"), "anova needs more rows than groups (3 rows, 3 groups)"},
		{"partition column and more", part, one("sepal_length", "species", "petal_width"), `anova: the partition column "species" cannot be a target together with other attributes`},
	})
}
