package model

import (
	"math"
	"sync"
	"testing"
)

// rowsFor returns a few input rows around the model's means.
func rowsFor(m *Model, n int) [][]float64 {
	var rows [][]float64
	for r := 0; r < n; r++ {
		x := make([]float64, len(m.Inputs()))
		for j, mu := range m.InputMeans() {
			x[j] = mu + float64((r*5+j*3)%7-3)*0.25*math.Sqrt(math.Abs(mu)+0.01)
		}
		rows = append(rows, x)
	}
	return rows
}

func TestPredictAllocs(t *testing.T) {
	if predictRaceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, m := range allModels(t) {
		x := rowsFor(m, 1)[0]
		out := make([]float64, len(m.Outputs()))
		if a := testing.AllocsPerRun(200, func() { m.Predict(x, out) }); a != 0 {
			t.Errorf("%s: %v allocs per Predict", m.Algo(), a)
		}
	}
}

func TestPredictOutputs(t *testing.T) {
	want := map[string]string{
		"lda":        "res:1 resZ:0 z0:0 z1LTz0:2 normZ:0 prob:0 ",
		"mlda":       "res:1 setosa:0 versicolor:0 virginica:0 ",
		"mqda":       "res:1 setosa:0 versicolor:0 virginica:0 ",
		"mlr":        "res:0 ",
		"ridge":      "res:0 ",
		"lasso":      "res:0 ",
		"elasticnet": "res:0 ",
	}
	for _, m := range allModels(t) {
		keys := ""
		for _, o := range m.Outputs() {
			keys += o.Key + ":" + string(rune('0'+o.Kind)) + " "
		}
		if w, ok := want[m.Algo()]; ok && keys != w {
			t.Errorf("%s: outputs %q, want %q", m.Algo(), keys, w)
		}
		for _, x := range rowsFor(m, 5) {
			out := predictOne(m, x)
			for i, o := range m.Outputs() {
				switch v := out[i]; o.Kind {
				case OutputClass:
					if v != math.Trunc(v) || v < 0 || int(v) >= len(m.Classes()) {
						t.Errorf("%s: class output %v", m.Algo(), v)
					}
				case OutputBool:
					if v != 0 && v != 1 {
						t.Errorf("%s: bool output %v", m.Algo(), v)
					}
				default:
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Errorf("%s: %s = %v", m.Algo(), o.Key, v)
					}
				}
			}
		}
	}
}

// TestModelIsSnapshot: a model shares no memory with the snapshot it was built from.
func TestModelIsSnapshot(t *testing.T) {
	g := loadIris(t)
	for _, c := range []struct {
		algo string
		s    *Snapshot
		ctx  MLContext
	}{
		{"lda", irisCPU(g).snapshot(), MLContext{InputNames: irisNames, TargetNames: []string{"species$setosa"}}},
		{"mlda", irisCPU(g).snapshot(), MLContext{InputNames: irisNames, TargetNames: []string{"species"}}},
		{"mqda", irisPartition(g).snapshot(), MLContext{InputNames: irisNames}},
		{"bayes", irisPartition(g).snapshot(), MLContext{InputNames: irisNames}},
		{"mlr", irisCPU(g).snapshot(), MLContext{InputNames: irisNames[:3], TargetNames: []string{"petal_width"}}},
	} {
		m := mustBuild(t, c.s, c.algo, c.ctx)
		x := g.XRows[9][:len(m.Inputs())]
		before := predictOne(m, x)
		scribble := func(mo *Moments) {
			for i := range mo.Mean {
				mo.Mean[i] = math.NaN()
			}
			for i := range mo.M {
				mo.M[i] = math.NaN()
			}
		}
		scribble(&c.s.Total)
		for i := range c.s.Partitions {
			scribble(&c.s.Partitions[i].Moments)
		}
		after := predictOne(m, x)
		for i := range before {
			if math.Float64bits(before[i]) != math.Float64bits(after[i]) {
				t.Errorf("%s: output %d changed with the snapshot: %v → %v", c.algo, i, before[i], after[i])
			}
		}
	}
}

// TestPredictConcurrent: one model, many goroutines (run with -race).
func TestPredictConcurrent(t *testing.T) {
	for _, m := range allModels(t) {
		rows := rowsFor(m, 16)
		want := make([][]float64, len(rows))
		for i, x := range rows {
			want[i] = predictOne(m, x)
		}
		var wg sync.WaitGroup
		errs := make(chan string, 8)
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out := make([]float64, len(m.Outputs()))
				for rep := 0; rep < 50; rep++ {
					for i, x := range rows {
						m.Predict(x, out)
						for k := range out {
							if math.Float64bits(out[k]) != math.Float64bits(want[i][k]) {
								errs <- m.Algo()
								return
							}
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for a := range errs {
			t.Errorf("%s: concurrent prediction differs", a)
		}
	}
}

func TestPredictNonFinite(t *testing.T) {
	for _, m := range allModels(t) {
		x := rowsFor(m, 1)[0]
		x[0] = math.NaN()
		out := predictOne(m, x)
		if !math.IsNaN(out[0]) && m.Algo() != "lda" {
			t.Errorf("%s: NaN input gave res %v", m.Algo(), out[0])
		}
	}
}
