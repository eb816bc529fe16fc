package model

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

// benchData is a synthetic project: d C inputs x0..x{d-1}, a C target "yv" (linear in the
// inputs plus noise), and 3 classes — the T attribute "cls" in the cpu project, the
// partitions in the partition project.
type benchData struct {
	cpu, part *Snapshot
	inputs    []string
}

var (
	benchMu    sync.Mutex
	benchCache = map[int]*benchData{}
)

func benchProject(tb testing.TB, d int) *benchData {
	benchMu.Lock()
	defer benchMu.Unlock()
	if b, ok := benchCache[d]; ok {
		return b
	}
	const n, K = 3000, 3
	rng := rand.New(rand.NewPCG(uint64(d), 99))
	cpu := &refData{}
	part := &refData{partCol: "cls"}
	bd := &benchData{}
	for j := 0; j < d; j++ {
		name := fmt.Sprintf("x%d", j)
		bd.inputs = append(bd.inputs, name)
		for _, r := range []*refData{cpu, part} {
			r.names = append(r.names, name)
			r.kinds = append(r.kinds, dataframe.TypeC)
			r.base = append(r.base, "")
		}
	}
	for _, r := range []*refData{cpu, part} {
		r.names = append(r.names, "yv")
		r.kinds = append(r.kinds, dataframe.TypeC)
		r.base = append(r.base, "")
	}
	for k := 0; k < K; k++ {
		cpu.names = append(cpu.names, fmt.Sprintf("cls$k%d", k))
		cpu.kinds = append(cpu.kinds, dataframe.TypeB)
		cpu.base = append(cpu.base, "cls")
	}
	beta := make([]float64, d)
	for j := range beta {
		beta[j] = rng.NormFloat64()
	}
	for i := 0; i < n; i++ {
		k := i % K
		row := make([]float64, 0, d+1+K)
		var y float64
		for j := 0; j < d; j++ {
			v := rng.NormFloat64()*(1+0.1*float64(k)) + 0.3*float64(k*((j%4)+1)) + 50
			row = append(row, v)
			y += beta[j] * v
		}
		row = append(row, y+rng.NormFloat64())
		part.rows = append(part.rows, append([]float64(nil), row...))
		part.part = append(part.part, fmt.Sprintf("k%d", k))
		for c := 0; c < K; c++ {
			row = append(row, boolFloat(c == k))
		}
		cpu.rows = append(cpu.rows, row)
	}
	bd.cpu, bd.part = cpu.snapshot(), part.snapshot()
	benchCache[d] = bd
	return bd
}

// benchCase is one algorithm's build on the bench project.
type benchCase struct {
	algo string
	s    func(*benchData) *Snapshot
	ctx  func(*benchData) MLContext
}

var benchCases = []benchCase{
	{"lda", cpuSnap, func(b *benchData) MLContext { return MLContext{InputNames: b.inputs, TargetNames: []string{"cls$k1"}} }},
	{"mlda", cpuSnap, func(b *benchData) MLContext { return MLContext{InputNames: b.inputs, TargetNames: []string{"cls"}} }},
	{"mqda", partSnap, func(b *benchData) MLContext { return MLContext{InputNames: b.inputs} }},
	{"bayes", partSnap, func(b *benchData) MLContext { return MLContext{InputNames: b.inputs} }},
	{"mlr", cpuSnap, func(b *benchData) MLContext { return MLContext{InputNames: b.inputs, TargetNames: []string{"yv"}} }},
	{"ridge", cpuSnap, func(b *benchData) MLContext {
		return MLContext{InputNames: b.inputs, TargetNames: []string{"yv"}, Extra: map[string]string{"alpha": "1"}}
	}},
	{"lasso", cpuSnap, func(b *benchData) MLContext {
		return MLContext{InputNames: b.inputs, TargetNames: []string{"yv"}, Extra: map[string]string{"lambda": "0.1"}}
	}},
	{"elasticnet", cpuSnap, func(b *benchData) MLContext {
		return MLContext{InputNames: b.inputs, TargetNames: []string{"yv"}, Extra: map[string]string{"lambda": "0.1", "eta": "0.5"}}
	}},
}

func cpuSnap(b *benchData) *Snapshot  { return b.cpu }
func partSnap(b *benchData) *Snapshot { return b.part }

func BenchmarkBuild(b *testing.B) {
	for _, d := range []int{15, 100} {
		for _, c := range benchCases {
			b.Run(fmt.Sprintf("%s/d=%d", c.algo, d), func(b *testing.B) {
				bd := benchProject(b, d)
				s, ctx := c.s(bd), c.ctx(bd)
				ref := mustBuild(b, s, c.algo, ctx)
				x := rowsFor(ref, 1)[0]
				want := predictOne(ref, x)
				b.ReportAllocs()
				b.ResetTimer()
				var m *Model
				for i := 0; i < b.N; i++ {
					var err error
					if m, err = Build(s, c.algo, "m", ctx); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				got := predictOne(m, x)
				for i := range got {
					if got[i] != want[i] {
						b.Fatalf("rebuilt model predicts %v, want %v", got, want)
					}
				}
			})
		}
	}
}
