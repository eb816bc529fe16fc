package model

import (
	"fmt"
	"testing"
)

// TestModelInfoShowsTheParametersUsed: model info lists the build parameters each
// algorithm uses with the values it used, defaults included, and none it ignores.
func TestModelInfoShowsTheParametersUsed(t *testing.T) {
	s := collinear(0.1)
	in := []string{"c0", "c3"}
	for _, tc := range []struct {
		algo   string
		target string
		extra  map[string]string
		want   string
	}{
		{"ridge", "c1", nil, "[alpha=[1] sml_rcond_tolerance=[1e-14]]"},
		{"ridge", "c1", map[string]string{"alpha": "0.5", "laplace_factor": "3"}, "[alpha=[0.5] sml_rcond_tolerance=[1e-14]]"},
		{"mlr", "c1", map[string]string{"laplace_factor": "2"}, "[sml_rcond_tolerance=[1e-14]]"},
		{"lasso", "c1", nil, "[lambda=[1] sml_rcond_tolerance=[1e-14]]"},
		{"elasticnet", "c1", map[string]string{"eta": "0.25"}, "[eta=[0.25] lambda=[1] sml_rcond_tolerance=[1e-14]]"},
		{"lda", "y", map[string]string{"sml_rcond_tolerance": "1e-12"}, "[sml_rcond_tolerance=[1e-12]]"},
	} {
		m, err := Build(s, tc.algo, "m", MLContext{InputNames: in, TargetNames: []string{tc.target}, Extra: tc.extra})
		if err != nil {
			t.Fatalf("%s %v: %v", tc.algo, tc.extra, err)
		}
		var got []string
		for _, p := range m.Info().Params {
			switch p.Name {
			case "alpha", "lambda", "eta", "laplace_factor", "sml_rcond_tolerance":
				got = append(got, fmt.Sprintf("%s=%v", p.Name, p.Values))
			}
		}
		if fmt.Sprint(got) != tc.want {
			t.Errorf("%s %v: build parameters %v, want %s", tc.algo, tc.extra, got, tc.want)
		}
	}
	// bayes needs B inputs, which this snapshot lacks: its parameters as parsed.
	p, err := parseParams("bayes", map[string]string{"laplace_factor": "0.5"})
	if err != nil || fmt.Sprint(p.used) != "[{laplace_factor [0.5]} {sml_rcond_tolerance [1e-14]}]" {
		t.Errorf("bayes: %v, %v", p.used, err)
	}
}
