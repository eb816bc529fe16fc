package model

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

// exploreBenchData is a synthetic partition project of 3000 rows: d C inputs x0..x{d−1},
// the partition column cls (T: columns cls$k0..cls$k2, one partition each) and a second
// category grp (T: grp$g0..grp$g3).
func exploreBenchData(d int) (*Snapshot, []string) {
	const n = 3000
	rng := rand.New(rand.NewPCG(uint64(d), 7))
	r := &refData{partCol: "cls"}
	var inputs []string
	add := func(name string, kind dataframe.Type, base string) {
		r.names = append(r.names, name)
		r.kinds = append(r.kinds, kind)
		r.base = append(r.base, base)
	}
	for j := 0; j < d; j++ {
		inputs = append(inputs, fmt.Sprintf("x%d", j))
		add(inputs[j], dataframe.TypeC, "")
	}
	for k := 0; k < 3; k++ {
		add(fmt.Sprintf("cls$k%d", k), dataframe.TypeB, "cls")
	}
	for k := 0; k < 4; k++ {
		add(fmt.Sprintf("grp$g%d", k), dataframe.TypeB, "grp")
	}
	for i := 0; i < n; i++ {
		k, q := i%3, rng.IntN(4)
		row := make([]float64, 0, d+7)
		for j := 0; j < d; j++ {
			row = append(row, rng.NormFloat64()*(1+0.1*float64(k))+0.2*float64(q+j%3)+50)
		}
		for c := 0; c < 3; c++ {
			row = append(row, boolFloat(c == k))
		}
		for c := 0; c < 4; c++ {
			row = append(row, boolFloat(c == q))
		}
		r.rows = append(r.rows, row)
		r.part = append(r.part, fmt.Sprintf("k%d", k))
	}
	return r.snapshot(), inputs
}

func BenchmarkExplore(b *testing.B) {
	cases := []struct {
		name, metric string
		ctx          func(inputs []string) MLContext
	}{
		{"uni", "uni", func(in []string) MLContext { return MLContext{InputNames: in} }},
		{"bi", "bi", func(in []string) MLContext { return MLContext{InputNames: in[:2]} }},
		{"anova/partitions", "anova", func(in []string) MLContext { return MLContext{InputNames: in[:1], TargetNames: []string{"cls"}} }},
		{"anova/indicators", "anova", func(in []string) MLContext { return MLContext{InputNames: in[:1], TargetNames: []string{"grp"}} }},
		{"ttest", "ttest", func(in []string) MLContext {
			return MLContext{InputNames: in[:1], TargetNames: []string{"cls$k0", "cls$k1"}}
		}},
		{"chi2", "chi2", func([]string) MLContext { return MLContext{InputNames: []string{"grp"}, TargetNames: []string{"cls"}} }},
		{"pca", "pca", func(in []string) MLContext { return MLContext{InputNames: in} }},
	}
	for _, d := range []int{15, 100} {
		s, inputs := exploreBenchData(d)
		for _, c := range cases {
			b.Run(fmt.Sprintf("%s/d=%d", c.name, d), func(b *testing.B) {
				ctx := c.ctx(inputs)
				want, err := Explore(s, c.metric, ctx)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				var got []Stat
				for i := 0; i < b.N; i++ {
					if got, err = Explore(s, c.metric, ctx); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				if !reflect.DeepEqual(got, want) {
					b.Fatalf("Explore(%s) gives different results on the same snapshot", c.metric)
				}
			})
		}
	}
}
