package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

func TestBayesGoldenGaussian(t *testing.T) {
	g := loadIris(t)
	m := mustBuild(t, irisPartition(g).snapshot(), "bayes", MLContext{InputNames: irisNames, TargetNames: []string{"species"}})
	keys := ""
	for _, o := range m.Outputs() {
		keys += o.Key + " "
	}
	if keys != "res Prob setosa versicolor virginica " {
		t.Fatalf("keys %q", keys)
	}
	closeTo(t, "epsilon", m.fit.(*bayesFit).epsilon, g.GNB.Epsilon, goldenTol, 0)
	want := flat(g.GNB.Var)
	for i := range want {
		closeTo(t, fmt.Sprintf("var[%d]", i), m.fit.(*bayesFit).variance[i], want[i], goldenTol, 0)
	}
	jll := make([]float64, 3)
	for r, x := range g.XRows {
		m.fit.(*bayesFit).scores(x, jll)
		for k := range jll {
			closeTo(t, fmt.Sprintf("row %d joint log-likelihood %d", r, k), jll[k], g.GNB.JLL[r][k], goldenTol, maxAbs(g.GNB.JLL[r]...))
		}
		out := predictOne(m, x)
		closeTo(t, "Prob", out[1], out[2+int(out[0])], 0, 0)
	}
	checkLogPosteriors(t, m, g.XRows, g.GNB.LogPosterior, g.GNB.Predict)
}

// synth is a random data set with nC continuous and nB binary inputs and K classes; the
// class is a T attribute "cls" (cpu) or the partition column "cls" (partition).
func synth(n, nC, nB, K int, partition bool, seed uint64) *refData {
	rng := rand.New(rand.NewPCG(seed, 1))
	r := &refData{}
	for j := 0; j < nC; j++ {
		r.names = append(r.names, fmt.Sprintf("c%d", j))
		r.kinds = append(r.kinds, dataframe.TypeC)
		r.base = append(r.base, "")
	}
	for j := 0; j < nB; j++ {
		r.names = append(r.names, fmt.Sprintf("b%d", j))
		r.kinds = append(r.kinds, dataframe.TypeB)
		r.base = append(r.base, "")
	}
	if partition {
		r.partCol = "cls"
	} else {
		for k := 0; k < K; k++ {
			r.names = append(r.names, fmt.Sprintf("cls$k%d", k))
			r.kinds = append(r.kinds, dataframe.TypeB)
			r.base = append(r.base, "cls")
		}
	}
	for i := 0; i < n; i++ {
		k := i % K
		row := make([]float64, 0, len(r.names))
		for j := 0; j < nC; j++ {
			row = append(row, rng.NormFloat64()*(1+float64(j%3))+float64(k*(j+1))*0.7+10)
		}
		for j := 0; j < nB; j++ {
			p := 0.15 + 0.7*float64((k+j)%K)/float64(K)
			row = append(row, boolFloat(rng.Float64() < p))
		}
		if partition {
			r.part = append(r.part, fmt.Sprintf("k%d", k))
		} else {
			for c := 0; c < K; c++ {
				row = append(row, boolFloat(c == k))
			}
		}
		r.rows = append(r.rows, row)
	}
	return r
}

// bayesReference computes naive Bayes log posteriors straight from the rows: counts and
// variances per class by filtering; class of row i is i % K.
func bayesReference(r *refData, nC, nB, K int, alpha float64, x []float64) []float64 {
	n := len(r.rows)
	var maxVar float64
	for j := 0; j < nC; j++ {
		var mu, v float64
		for _, row := range r.rows {
			mu += row[j] / float64(n)
		}
		for _, row := range r.rows {
			v += (row[j] - mu) * (row[j] - mu) / float64(n)
		}
		maxVar = math.Max(maxVar, v)
	}
	logp := make([]float64, K)
	for k := 0; k < K; k++ {
		var rows [][]float64
		for i, row := range r.rows {
			if i%K == k {
				rows = append(rows, row)
			}
		}
		nk := float64(len(rows))
		lp := math.Log(nk / float64(n))
		for j := 0; j < nC; j++ {
			var mu, v float64
			for _, row := range rows {
				mu += row[j] / nk
			}
			for _, row := range rows {
				v += (row[j] - mu) * (row[j] - mu) / nk
			}
			v += 1e-9 * maxVar
			lp += -0.5*math.Log(2*math.Pi*v) - (x[j]-mu)*(x[j]-mu)/(2*v)
		}
		for j := nC; j < nC+nB; j++ {
			var ones float64
			for _, row := range rows {
				ones += row[j]
			}
			p := (ones + alpha) / (nk + 2*alpha)
			if x[j] == 1 {
				lp += math.Log(p)
			} else {
				lp += math.Log(1 - p)
			}
		}
		logp[k] = lp
	}
	mx := logp[0]
	for _, v := range logp {
		mx = math.Max(mx, v)
	}
	var sum float64
	for _, v := range logp {
		sum += math.Exp(v - mx)
	}
	for k := range logp {
		logp[k] -= mx + math.Log(sum)
	}
	return logp
}

func TestBayesAgainstReference(t *testing.T) {
	cases := []struct {
		name          string
		nC, nB, K     int
		partition     bool
		alpha         float64
		ctxTargetName string
	}{
		{"Bernoulli, T target, cpu", 0, 6, 3, false, 1, "cls"},
		{"Bernoulli, laplace 0.5, cpu", 0, 5, 4, false, 0.5, "cls"},
		{"Bernoulli, partition", 0, 6, 3, true, 1, "cls"},
		{"mixed C and B, partition", 4, 5, 3, true, 1, "cls"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := synth(300, c.nC, c.nB, c.K, c.partition, 7)
			var in []string
			for j := 0; j < c.nC+c.nB; j++ {
				in = append(in, r.names[j])
			}
			ctx := MLContext{InputNames: in, TargetNames: []string{c.ctxTargetName}, Extra: map[string]string{"laplace_factor": fmt.Sprint(c.alpha)}}
			m := mustBuild(t, r.snapshot(), "bayes", ctx)
			got := make([]float64, c.K)
			for i := 0; i < 40; i++ {
				x := r.rows[i*7][:c.nC+c.nB]
				want := bayesReference(r, c.nC, c.nB, c.K, c.alpha, x)
				m.logPosteriors(x, got)
				for k := range got {
					closeTo(t, fmt.Sprintf("row %d log P(%d)", i*7, k), got[k], want[k], 1e-12, maxAbs(want...))
				}
			}
		})
	}
}

func TestBayesBinaryTarget(t *testing.T) {
	// One B target: classes "0" and "1" from the co-moments with the target column.
	r := synth(200, 0, 4, 2, false, 3)
	m := mustBuild(t, r.snapshot(), "bayes", MLContext{InputNames: r.names[:4], TargetNames: []string{"cls$k1"}})
	if fmt.Sprint(m.Classes()) != "[0 1]" {
		t.Fatalf("classes %v", m.Classes())
	}
	got := make([]float64, 2)
	for i := 0; i < 20; i++ {
		x := r.rows[i][:4]
		want := bayesReference(r, 0, 4, 2, 1, x) // class of row i is i % 2: k0 ↔ "0", k1 ↔ "1"
		m.logPosteriors(x, got)
		for k := range got {
			closeTo(t, fmt.Sprintf("row %d log P(%d)", i, k), got[k], want[k], 1e-12, maxAbs(want...))
		}
	}
}
