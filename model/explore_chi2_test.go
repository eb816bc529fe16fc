package model

import (
	"fmt"
	"math"
	"testing"
)

// chi2Ref is Pearson's statistic of a contingency table, from its cells.
func chi2Ref(table [][]float64) float64 {
	r := make([]float64, len(table))
	c := make([]float64, len(table[0]))
	var n float64
	for i, row := range table {
		for j, v := range row {
			r[i] += v
			c[j] += v
			n += v
		}
	}
	var chi float64
	for i, row := range table {
		for j, v := range row {
			e := r[i] * c[j] / n
			chi += (v - e) * (v - e) / e
		}
	}
	return chi
}

// chi2PClosed is P(χ²(df) > x) in closed form for df 1, 2, 4 and 6 (no incomplete gamma).
func chi2PClosed(t *testing.T, x, df float64) float64 {
	h := x / 2
	switch df {
	case 1:
		return math.Erfc(math.Sqrt(h))
	case 2:
		return math.Exp(-h)
	case 4:
		return math.Exp(-h) * (1 + h)
	case 6:
		return math.Exp(-h) * (1 + h + h*h/2)
	}
	t.Fatalf("no closed form for df %v", df)
	return 0
}

// tableProject learns one row per observation of a contingency table: B column x (one
// column per row category, or "x" alone for two categories x = 1, x = 0) and likewise y.
func tableProject(t *testing.T, table [][]int) *Snapshot {
	var names []string
	var types string
	side := func(prefix string, k int) {
		if k == 2 {
			names, types = append(names, prefix), types+"B"
			return
		}
		for i := 0; i < k; i++ {
			names, types = append(names, fmt.Sprintf("%s%d", prefix, i)), types+"B"
		}
	}
	side("x", len(table))
	side("y", len(table[0]))
	onehot := func(i, k int) []string {
		if k == 2 {
			return []string{fmt.Sprint(1 - i)}
		}
		out := make([]string, k)
		for j := range out {
			out[j] = fmt.Sprint(boolFloat(i == j))
		}
		return out
	}
	var cells [][]string
	for i, row := range table {
		for j, count := range row {
			for ; count > 0; count-- {
				cells = append(cells, append(onehot(i, len(table)), onehot(j, len(row))...))
			}
		}
	}
	p := newTestProject(t, TypeCPU, nil)
	learn(t, p, dfJSON(names, types, cells))
	return p.Snapshot()
}

// TestChi2Textbook: two tables with hand-checkable answers. The 2×2 table [[20 30] [30 20]]
// has every expected count 25, so χ² = 4·25/25 = 4 and p = erfc(√2). The 3×4 table is
// Wikipedia's example of Pearson's test (occupation by neighbourhood, 650 residents):
// χ² ≈ 24.57 with 6 degrees of freedom, p ≈ 0.0004; both from the cells by chi2Ref and
// the closed form, relative 1e-12.
func TestChi2Textbook(t *testing.T) {
	cases := []struct {
		name   string
		table  [][]int
		in, tg []string
		chi    float64
	}{
		{"2x2", [][]int{{20, 30}, {30, 20}}, []string{"x"}, []string{"y"}, 4},
		{"3x4", [][]int{{90, 60, 104, 95}, {30, 50, 51, 20}, {30, 40, 45, 35}}, []string{"x0", "x1", "x2"}, []string{"y0", "y1", "y2", "y3"}, 24.5712028585826},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := make([][]float64, len(c.table))
			for i, r := range c.table {
				for _, v := range r {
					f[i] = append(f[i], float64(v))
				}
			}
			if ref := chi2Ref(f); math.Abs(ref-c.chi) > 1e-12*c.chi {
				t.Fatalf("chi2Ref = %.17g, hand value %.17g", ref, c.chi)
			}
			keys, vals := explore(t, tableProject(t, c.table), "chi2", MLContext{InputNames: c.in, TargetNames: c.tg})
			if fmt.Sprint(keys) != "[chiStat df pval]" {
				t.Fatalf("keys %v", keys)
			}
			df := float64((len(c.table) - 1) * (len(c.table[0]) - 1))
			closeTo(t, "chiStat", value(t, vals, "chiStat"), c.chi, 1e-12, 0)
			if got := value(t, vals, "df"); got != df {
				t.Errorf("df = %v, want %v", got, df)
			}
			closeTo(t, "pval", value(t, vals, "pval"), chi2PClosed(t, c.chi, df), 1e-12, 0)
		})
	}
	_, vals := explore(t, tableProject(t, [][]int{{20, 30}, {30, 20}}), "chi2", MLContext{InputNames: []string{"x"}, TargetNames: []string{"y"}})
	closeTo(t, "2x2 pval", value(t, vals, "pval"), 0.045500263896358396, 1e-12, 0)
}

// TestChi2Iris: categories derived from the iris rows (species; petal length short < 2.5,
// mid < 5, long; long sepals > 5.8; wide sepals > 3), the table tallied from the rows.
func TestChi2Iris(t *testing.T) {
	g := loadIris(t)
	pl := func(v float64) int {
		switch {
		case v < 2.5:
			return 0
		case v < 5:
			return 1
		}
		return 2
	}
	plNames := []string{"short", "mid", "long"}
	var cells [][]string
	cat := map[string][]int{}
	for i, x := range g.Data.X {
		long, wide := int(boolFloat(x[0] > 5.8)), int(boolFloat(x[1] > 3))
		cat["species"] = append(cat["species"], g.Data.Y[i])
		cat["pl"] = append(cat["pl"], pl(x[2]))
		cat["long"] = append(cat["long"], 1-long) // category 0 is long = 1
		cat["wide"] = append(cat["wide"], 1-wide)
		cells = append(cells, append(numRows([][]float64{x})[0], g.Data.TargetNames[g.Data.Y[i]], plNames[pl(x[2])], fmt.Sprint(long), fmt.Sprint(wide)))
	}
	p := newTestProject(t, TypeCPU, nil)
	learn(t, p, dfJSON(append(append([]string(nil), irisNames...), "species", "pl", "long", "wide"), "CCCCTTBB", cells))
	s := p.Snapshot()
	size := map[string]int{"species": 3, "pl": 3, "long": 2, "wide": 2}
	for _, c := range [][2]string{{"pl", "species"}, {"long", "species"}, {"species", "wide"}, {"long", "wide"}, {"wide", "pl"}} {
		t.Run(c[0]+"×"+c[1], func(t *testing.T) {
			table := make([][]float64, size[c[0]])
			for i := range table {
				table[i] = make([]float64, size[c[1]])
			}
			for r := range g.Data.X {
				table[cat[c[0]][r]][cat[c[1]][r]]++
			}
			want := chi2Ref(table)
			df := float64((size[c[0]] - 1) * (size[c[1]] - 1))
			_, vals := explore(t, s, "chi2", MLContext{InputNames: []string{c[0]}, TargetNames: []string{c[1]}})
			closeTo(t, "chiStat", value(t, vals, "chiStat"), want, 1e-12, 0)
			if got := value(t, vals, "df"); got != df {
				t.Errorf("df = %v, want %v", got, df)
			}
			closeTo(t, "pval", value(t, vals, "pval"), chi2PClosed(t, want, df), 1e-12, 0)
		})
	}
}

func TestChi2Refusals(t *testing.T) {
	g := loadIris(t)
	cpu := irisProject(t, g, TypeCPU).Snapshot()
	// odd: a and c miss a row, a and b count every row but share one; ones: y is 1 on
	// every row; partS: partitioned on an S column, with a B column.
	odd := &refData{names: []string{"x", "a", "b", "c", "y"}, kinds: kindsOf("BBBBB"),
		rows: [][]float64{{1, 1, 0, 0, 0}, {0, 0, 0, 0, 1}, {1, 0, 1, 0, 0}, {0, 1, 1, 1, 1}}}
	partS := &refData{names: []string{"x"}, kinds: kindsOf("B"), partCol: "g", rows: [][]float64{{1}, {0}}, part: []string{"p", "q"}}
	ones := &refData{names: []string{"x", "y"}, kinds: kindsOf("BB"), rows: [][]float64{{1, 1}, {0, 1}, {1, 1}}}
	ctx := func(in []string, tg ...string) MLContext { return MLContext{InputNames: in, TargetNames: tg} }
	sp := []string{"species"}
	checkRefusals(t, "chi2", []refusal{
		{"no input", cpu, ctx(nil, "species"), "chi2 needs at least one input attribute, got 0"},
		{"C input", cpu, ctx([]string{"sepal_length"}, "species"), `chi2 input "sepal_length" has type "C"; it must be B`},
		{"no target", cpu, ctx(sp), "chi2 needs at least one target attribute"},
		{"C target", cpu, ctx([]string{"species$setosa"}, "petal_width"), `chi2 target "petal_width" has type "C"; it must be B`},
		{"S partition column", partS.snapshot(), ctx([]string{"x"}, "g"), `chi2 targets are B columns; the partition column "g" has none (it is typed S)`},
		{"inputs not one-hot", odd.snapshot(), ctx([]string{"a", "c"}, "y"), "the input columns do not cover every row once (3 of 4"},
		{"inputs overlap", odd.snapshot(), ctx([]string{"a", "b"}, "y"), `1 rows are both in class "a" and in class "b"`},
		{"targets miss rows", cpu, ctx([]string{"species$setosa"}, "species$versicolor", "species$virginica"), "the target columns do not cover every row once (100 of 150"},
		{"one target category", ones.snapshot(), ctx([]string{"x"}, "y"), "chi2 needs at least two target categories with rows, got 1"},
	})
}
