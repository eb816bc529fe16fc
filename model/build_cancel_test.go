package model

import (
	"context"
	"errors"
	"testing"
)

// TestBuildContextStops: a build whose context has ended stops with an error wrapping the
// context's, for every algorithm (before its factorization, at a coordinate-descent sweep,
// or once fitted), and builds as Build does while it has not.
func TestBuildContextStops(t *testing.T) {
	g := loadIris(t)
	cpu, part := irisCPU(g).snapshot(), irisPartition(g).snapshot()
	ctx := MLContext{InputNames: irisNames, TargetNames: []string{"species$virginica"}}
	mlr := MLContext{InputNames: irisNames[:3], TargetNames: []string{irisNames[3]}}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	for _, algo := range Algorithms() {
		c, s := ctx, cpu
		switch algo {
		case "mlr", "ridge", "lasso", "elasticnet":
			c = mlr
			switch algo {
			case "ridge":
				c.Extra = map[string]string{"alpha": "0.1"}
			case "lasso", "elasticnet":
				c.Extra = map[string]string{"lambda": "0.1"}
			}
		case "mlda", "mqda", "bayes":
			c, s = MLContext{InputNames: irisNames, TargetNames: []string{"species"}}, part
		}
		if _, err := BuildContext(context.Background(), s, algo, "m", c); err != nil {
			t.Fatalf("%s: %v", algo, err)
		}
		_, err := BuildContext(done, s, algo, "m", c)
		var me *Error
		if !errors.Is(err, context.Canceled) || errors.As(err, &me) {
			t.Errorf("%s with an ended context: %v, want an error wrapping context.Canceled and no *Error", algo, err)
		}
	}
}

// TestCDSolveStops: coordinate descent asks stop before every sweep and gives up at once.
func TestCDSolveStops(t *testing.T) {
	g := []float64{2, 1, 1, 2}
	c := []float64{1, 1}
	asked := 0
	_, sweeps, _, ok := cdSolve(g, c, 2, 0.01, 0, func() bool { asked++; return asked > 1 })
	if ok || sweeps != 2 || asked != 2 {
		t.Fatalf("ok %v after %d sweeps, stop asked %d times", ok, sweeps, asked)
	}
}
