package model

import (
	"fmt"
	"math"
	"testing"
)

// TestSurvivalClosedForms checks the p-value helpers against closed forms that share no
// code with them, down to p ≈ 1e-306 (where 1 − CDF would give 0): relative 1e-12.
//
//	t, df 1:  P(|T| > t) = (2/π)·atan(1/t)
//	t, df 2:  P(|T| > t) = 2 / ((s + t)·s), s = √(2 + t²)
//	F(2, d):  P(F > f)   = (d / (d + 2f))^(d/2)
//	χ², df 1: P(X > x)   = erfc(√(x/2))
//	χ², df 6: P(X > x)   = e^(−h)(1 + h + h²/2), h = x/2
func TestSurvivalClosedForms(t *testing.T) {
	type tc struct {
		name      string
		got, want float64
	}
	var cases []tc
	for _, v := range []float64{0.1, 1, 10, 1e3, 1e6} {
		s := math.Sqrt(2 + v*v)
		cases = append(cases,
			tc{fmt.Sprintf("t=%g df=1", v), tTwoSided(v, 1), 2 / math.Pi * math.Atan(1/v)},
			tc{fmt.Sprintf("t=-%g df=1", v), tTwoSided(-v, 1), 2 / math.Pi * math.Atan(1/v)},
			tc{fmt.Sprintf("t=%g df=2", v), tTwoSided(v, 2), 2 / ((s + v) * s)})
	}
	for _, f := range []float64{0.1, 1, 10, 1e3, 1e6} {
		for _, d := range []float64{3, 50, 147} {
			cases = append(cases, tc{fmt.Sprintf("F=%g d=(2,%g)", f, d), fSurvival(f, 2, d), math.Pow(d/(d+2*f), d/2)})
		}
	}
	for _, x := range []float64{0.01, 1, 4, 24.57, 100, 500, 1400} {
		h := x / 2
		cases = append(cases,
			tc{fmt.Sprintf("chi2=%g df=1", x), chiSquareSurvival(x, 1), math.Erfc(math.Sqrt(h))},
			tc{fmt.Sprintf("chi2=%g df=6", x), chiSquareSurvival(x, 6), math.Exp(-h) * (1 + h + h*h/2)})
	}
	for _, c := range cases {
		if !(c.want > 0) {
			t.Fatalf("%s: reference %g is not positive", c.name, c.want)
		}
		if rel := math.Abs(c.got-c.want) / c.want; !(rel <= 1e-12) {
			t.Errorf("%s: got %.17g, want %.17g (relative %.3g)", c.name, c.got, c.want, rel)
		}
	}
}

// TestSurvivalEdges pins the values at the ends of the domains and for undefined inputs.
func TestSurvivalEdges(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		name      string
		got, want float64
	}{
		{"t infinite", tTwoSided(-inf, 5), 0},
		{"t zero", tTwoSided(0, 5), 1},
		{"t NaN", tTwoSided(nan, 5), nan},
		{"t df 0", tTwoSided(1, 0), nan},
		{"t df NaN", tTwoSided(1, nan), nan},
		{"F infinite", fSurvival(inf, 2, 3), 0},
		{"F zero", fSurvival(0, 2, 3), 1},
		{"F NaN", fSurvival(nan, 2, 3), nan},
		{"F d1 0", fSurvival(1, 0, 3), nan},
		{"F d2 0", fSurvival(1, 2, 0), nan},
		{"chi2 infinite", chiSquareSurvival(inf, 3), 0},
		{"chi2 zero", chiSquareSurvival(0, 3), 1},
		{"chi2 NaN", chiSquareSurvival(nan, 3), nan},
		{"chi2 df 0", chiSquareSurvival(1, 0), nan},
	}
	for _, c := range cases {
		same := c.got == c.want || (math.IsNaN(c.got) && math.IsNaN(c.want))
		if !same {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}
