package model

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// collinear is a project whose columns c1 = c0 + tiny noise and c2 = 2·c0 (exactly), plus
// an independent c3, a constant k and a B target y.
func collinear(noise float64) *Snapshot {
	rng := rand.New(rand.NewPCG(11, 12))
	r := &refData{names: []string{"c0", "c1", "c2", "c3", "k", "y"}, kinds: kindsOf("CCCCCB")}
	for i := 0; i < 100; i++ {
		x := rng.NormFloat64()
		r.rows = append(r.rows, []float64{x, x + noise*rng.NormFloat64(), 2 * x, rng.NormFloat64(), 5, float64(i % 2)})
	}
	return r.snapshot()
}

func TestBuildRefusals(t *testing.T) {
	g := loadIris(t)
	cpu := irisCPU(g).snapshot()
	part := irisPartition(g).snapshot()
	small := testSnapshot()
	col := collinear(1e-7)
	idx := func(in []string, tg ...string) MLContext { return MLContext{Inputs: in, Targets: tg} }
	names := func(in []string, tg ...string) MLContext { return MLContext{InputNames: in, TargetNames: tg} }
	with := func(c MLContext, kv ...string) MLContext {
		c.Extra = map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			c.Extra[kv[i]] = kv[i+1]
		}
		return c
	}
	four := []string{"0", "1", "2", "3"}
	cases := []struct {
		name, algo string
		s          *Snapshot
		ctx        MLContext
		want       string
	}{
		{"unknown algorithm", "svm", cpu, idx(four, "6"), `unknown algorithm "svm" (known: lda, mlda`},
		{"index and name at once", "lda", cpu, MLContext{Inputs: four, TargetNames: []string{"species$virginica"}}, "not both"},
		{"unknown input name", "lda", cpu, names([]string{"sepal_length", "petal"}, "species$virginica"), `unknown input attribute "petal"`},
		{"unknown target name", "mlr", cpu, names(irisNames, "nope"), `unknown target attribute "nope"`},
		{"index out of range", "lda", cpu, idx([]string{"0", "7"}, "6"), "input attribute index 7 is out of range"},
		{"missing target", "lda", cpu, idx(four), "lda needs one target attribute"},
		{"missing target mlr", "mlr", cpu, idx(four), "mlr needs one target attribute"},
		{"missing target mlda cpu", "mlda", cpu, idx(four), "mlda needs a target"},
		{"no inputs", "mlr", cpu, idx(nil, "0"), "mlr needs at least one input attribute"},
		{"lda target C", "lda", cpu, idx([]string{"0", "1", "2"}, "3"), `lda target "petal_width" must be binary (B)`},
		{"lda target T", "lda", cpu, names(irisNames, "species"), `lda needs exactly one target attribute, got 3 ("species" is a category`},
		{"mlr target T", "mlr", cpu, names([]string{"sepal_length"}, "species"), "mlr needs exactly one target attribute, got 3"},
		{"mlda target C", "mlda", cpu, idx([]string{"0", "1", "2"}, "3"), `mlda target "petal_width" must be binary (B) or a category (T)`},
		{"mlda targets overlap", "mlda", small, idx([]string{"0", "1"}, "4", "5"), `rows are both in class "y" and in class "a"`},
		{"mlda targets miss rows", "mlda", cpu, idx(four, "4", "5"), "do not cover every row once (100 of 150"},
		{"target is input", "mlr", cpu, idx(four, "3"), `attribute "petal_width" is both an input and a target`},
		{"duplicate input", "mlr", cpu, idx([]string{"0", "0"}, "3"), `input attribute "sepal_length" is given twice`},
		{"mqda in a cpu project", "mqda", cpu, names(irisNames, "species"), "mqda needs a partition project"},
		{"mqda target not the partition", "mqda", part, names([]string{"sepal_length", "sepal_width"}, "petal_width"), "mqda classes are the partitions"},
		{"bayes C input in cpu project", "bayes", cpu, names(irisNames, "species"), `bayes with continuous (C) input "sepal_length" needs a partition project`},
		{"unknown parameter", "ridge", cpu, with(idx([]string{"0", "1"}, "3"), "lambda", "1"), `unknown parameter "lambda" for ridge (accepted: sml_rcond_tolerance, laplace_factor, alpha)`},
		{"sklearn name for lasso", "lasso", cpu, with(idx([]string{"0", "1"}, "3"), "alpha", "1"), `unknown parameter "alpha" for lasso`},
		{"eta for lasso", "lasso", cpu, with(idx([]string{"0", "1"}, "3"), "eta", "1"), `unknown parameter "eta" for lasso`},
		{"non-numeric parameter", "ridge", cpu, with(idx([]string{"0", "1"}, "3"), "alpha", "one"), `parameter alpha: "one" is not a number`},
		{"NaN parameter", "ridge", cpu, with(idx([]string{"0", "1"}, "3"), "alpha", "NaN"), `parameter alpha: "NaN" is not a number`},
		{"infinite parameter", "lasso", cpu, with(idx([]string{"0", "1"}, "3"), "lambda", "1e999"), `is not a number`},
		{"negative alpha", "ridge", cpu, with(idx([]string{"0", "1"}, "3"), "alpha", "-1"), `parameter alpha must be a number ≥ 0, not "-1"`},
		{"eta above 1", "elasticnet", cpu, with(idx([]string{"0", "1"}, "3"), "eta", "1.5"), "parameter eta must be a number in [0, 1]"},
		{"zero laplace", "bayes", cpu, with(idx([]string{"4"}, "5"), "laplace_factor", "0"), "parameter laplace_factor must be a positive number"},
		{"rcond tolerance 1", "mlr", cpu, with(idx([]string{"0"}, "3"), "sml_rcond_tolerance", "1"), "sml_rcond_tolerance must be a number in [0, 1)"},
		{"singular: duplicate column", "mlr", col, names([]string{"c0", "c2", "c3"}, "y"), "cannot build mlr: the input co-moment matrix is singular or ill-conditioned (rcond"},
		{"ill-conditioned: near duplicate", "lda", col, names([]string{"c0", "c1", "c3"}, "y"), "< 1e-14)"},
		{"constant input", "mlr", col, names([]string{"c0", "k"}, "y"), `the input co-moment matrix is singular: input "k" has no variance`},
		{"constant input lda", "lda", col, names([]string{"k"}, "y"), `input "k" has no variance`},
		{"whole category as inputs", "mlr", small, names([]string{"c0", "species"}, "c1"), `every column of category "species"`},
		{"well-conditioned but strict tolerance", "mlr", cpu, with(idx(four[:2], "3"), "sml_rcond_tolerance", "0.9"), "< 0.9)"},
		{"lda target constant", "lda", col, names([]string{"c0"}, "k"), `lda target "k" must be binary`},
		{"too few rows mqda", "mqda", fewRows(), MLContext{InputNames: []string{"a"}}, `class "q" has 1 row; it needs at least 2`},
		{"too few rows mlr", "mlr", small.withRows(3), idx([]string{"0", "1", "2"}, "3"), "3 rows for 3 inputs; it needs at least 5"},
		{"too few rows mlda", "mlda", small.withRows(2), idx([]string{"0"}, "5", "6"), "2 rows for 2 classes; it needs at least 3"},
		{"no rows", "mlr", small.withRows(0), idx([]string{"0"}, "3"), "the project has no rows"},
		{"one class", "mlda", small.withRows(1), idx([]string{"0"}, "5", "6"), "all in one class"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Build(c.s, c.algo, "m1", c.ctx)
			if err == nil {
				t.Fatalf("built %v; want error %q", m.Info().Params, c.want)
			}
			var me *Error
			if !errors.As(err, &me) {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q\n does not say %q", err, c.want)
			}
		})
	}
}

func TestBuildModelID(t *testing.T) {
	s := testSnapshot()
	ctx := MLContext{Inputs: []string{"0"}, Targets: []string{"1"}}
	for id, want := range map[string]string{
		"":                       `model id "" is empty`,
		"a b":                    `model id "a b" holds a space (U+0020) at byte 1`,
		"a/b":                    `model id "a/b" holds a '/'`,
		"m\u202e":                `model id "m\u202e" holds a bidirectional control (U+202E)`,
		"m\n":                    `model id "m\n" holds a line break`,
		"m\x00":                  `model id "m\x00" holds a NUL`,
		`\ud800`:                 `holds a lone surrogate escape`,
		strings.Repeat("m", 257): `is 257 bytes long; the limit is 256`,
	} {
		if _, err := Build(s, "mlr", id, ctx); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("id %q: %v, want %q", id, err, want)
		}
	}
	if _, err := Build(s, "mlr", strings.Repeat("m", DefaultMaxNameBytes+1), ctx); !errors.Is(err, ErrNameTooLong) {
		t.Errorf("overlong id: %v does not wrap ErrNameTooLong", err)
	}
	m, err := Build(s, "mlr", "mine", ctx)
	if err != nil || m.ID() != "mine" || m.Algo() != "mlr" {
		t.Fatalf("%v %v", m, err)
	}
}

// TestRcondTolerance: the near-duplicate pair is refused by default and accepted with a
// looser sml_rcond_tolerance; the error reports the estimate.
func TestRcondTolerance(t *testing.T) {
	s := collinear(1e-7)
	ctx := MLContext{InputNames: []string{"c0", "c1", "c3"}, TargetNames: []string{"y"}}
	_, err := Build(s, "mlr", "m", ctx)
	if err == nil {
		t.Fatal("near-singular system accepted")
	}
	var rc float64
	if _, e := fmt.Sscanf(err.Error()[strings.Index(err.Error(), "(rcond ")+1:], "rcond %g", &rc); e != nil || !(rc > 0 && rc < 1e-14) {
		t.Fatalf("error %q: rcond %g (%v)", err, rc, e)
	}
	ctx.Extra = map[string]string{"sml_rcond_tolerance": "1e-18"}
	m, err := Build(s, "mlr", "m", ctx)
	if err != nil {
		t.Fatalf("with tolerance 1e-18: %v", err)
	}
	if !m.finite() {
		t.Fatal("non-finite coefficients")
	}
}

// fewRows is a partition project whose partition "q" has one row.
func fewRows() *Snapshot {
	r := &refData{names: []string{"a"}, kinds: kindsOf("C"), partCol: "p"}
	for i, v := range []float64{1, 2, 3, 4} {
		r.rows = append(r.rows, []float64{v})
		r.part = append(r.part, map[bool]string{true: "q", false: "r"}[i == 0])
	}
	return r.snapshot()
}

// withRows recomputes the snapshot from the first n rows of testSnapshot's data.
func (s *Snapshot) withRows(n int) *Snapshot {
	r := &refData{names: s.Names, kinds: s.Kinds, base: s.Base}
	for i := 0; i < n; i++ {
		f := float64(i)
		r.rows = append(r.rows, []float64{f, f * f / 7, float64(i % 3), float64((i * 7) % 5), float64(i % 2), float64(i % 2), float64(1 - i%2)})
	}
	return r.snapshot()
}
