package model

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// The survival functions below evaluate the upper tail directly (regularized incomplete
// beta and gamma functions), never as 1 − CDF, which loses every p-value below 1e-16.
// A NaN statistic or an undefined degree of freedom gives NaN.

// tTwoSided is P(|T| > |t|) for Student's t with df degrees of freedom:
// I_{df/(df+t²)}(df/2, 1/2). df need not be an integer (Welch).
func tTwoSided(t, df float64) float64 {
	if !(df > 0) || math.IsNaN(t) {
		return math.NaN()
	}
	if math.IsInf(t, 0) {
		return 0
	}
	return mathext.RegIncBeta(df/2, 0.5, df/(df+t*t))
}

// fSurvival is P(F > f) for the F(d1, d2) distribution: I_{d2/(d2+d1 f)}(d2/2, d1/2).
func fSurvival(f, d1, d2 float64) float64 {
	if !(d1 > 0 && d2 > 0) || math.IsNaN(f) {
		return math.NaN()
	}
	if math.IsInf(f, 1) {
		return 0
	}
	if f <= 0 {
		return 1
	}
	return mathext.RegIncBeta(d2/2, d1/2, d2/(d2+d1*f))
}

// chiSquareSurvival is P(X > x) for the chi-square distribution with df degrees of
// freedom: the regularized upper incomplete gamma function Q(df/2, x/2).
func chiSquareSurvival(x, df float64) float64 {
	if !(df > 0) || math.IsNaN(x) {
		return math.NaN()
	}
	if math.IsInf(x, 1) {
		return 0
	}
	if x <= 0 {
		return 1
	}
	return mathext.GammaIncRegComp(df/2, x/2)
}
