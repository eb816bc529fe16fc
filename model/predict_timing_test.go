package model

import (
	"fmt"
	"math"
	"testing"
)

func BenchmarkPredict(b *testing.B) {
	for _, d := range []int{15, 100} {
		for _, c := range benchCases {
			b.Run(fmt.Sprintf("%s/d=%d", c.algo, d), func(b *testing.B) {
				bd := benchProject(b, d)
				m := mustBuild(b, c.s(bd), c.algo, c.ctx(bd))
				rows := rowsFor(m, 64)
				want := make([][]float64, len(rows))
				for i, x := range rows {
					want[i] = predictOne(m, x)
				}
				out := make([]float64, len(m.Outputs()))
				b.ReportAllocs()
				b.SetBytes(int64(8 * d))
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					m.Predict(rows[i&63], out)
				}
				b.StopTimer()
				last := (b.N - 1) & 63
				for k := range out {
					if math.Float64bits(out[k]) != math.Float64bits(want[last][k]) {
						b.Fatalf("output %d = %v, want %v", k, out[k], want[last][k])
					}
				}
			})
		}
	}
}

// BenchmarkPredictBaseline is a plain dot product of d inputs: the floor a linear model's
// prediction can approach.
func BenchmarkPredictBaseline(b *testing.B) {
	for _, d := range []int{15, 100} {
		b.Run(fmt.Sprintf("dot/d=%d", d), func(b *testing.B) {
			x, w := make([]float64, d), make([]float64, d)
			for j := range x {
				x[j], w[j] = float64(j), 1/float64(j+1)
			}
			var s float64
			b.ReportAllocs()
			b.SetBytes(int64(8 * d))
			for i := 0; i < b.N; i++ {
				s += dot(w, x)
			}
			if s == 0 {
				b.Fatal("zero")
			}
		})
	}
}
