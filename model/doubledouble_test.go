package model

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

const bigPrec = 2048

func bigOf(xs ...float64) *big.Float {
	s := new(big.Float).SetPrec(bigPrec)
	for _, x := range xs {
		s.Add(s, new(big.Float).SetPrec(bigPrec).SetFloat64(x))
	}
	return s
}

func bigDD(d dd) *big.Float { return bigOf(d.hi, d.lo) }

// relErr is |got − want| / |want| (|got − want| when want = 0).
func relErr(got, want *big.Float) float64 {
	diff := new(big.Float).SetPrec(bigPrec).Sub(got, want)
	if want.Sign() != 0 {
		diff.Quo(diff, want)
	}
	f, _ := diff.Float64()
	return math.Abs(f)
}

func randWide(r *rand.Rand) float64 {
	return r.NormFloat64() * math.Pow(2, float64(r.IntN(80)-40))
}

func TestDDOpsAgainstBig(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	canon := func(x float64) dd {
		a, b := twoSum(x, randWide(r)*x*0x1p-60)
		return dd{a, b}
	}
	for i := 0; i < 20000; i++ {
		a, b := canon(randWide(r)), canon(randWide(r))
		f := randWide(r)
		check := func(name string, got dd, want *big.Float, tol float64) {
			t.Helper()
			if e := relErr(bigDD(got), want); e > tol {
				t.Fatalf("%s: relative error %g > %g (a=%v b=%v f=%v)", name, e, tol, a, b, f)
			}
			if got.hi != got.hi+got.lo {
				t.Fatalf("%s: result %v not canonical", name, got)
			}
		}
		check("ddAdd", ddAdd(a, b), new(big.Float).SetPrec(bigPrec).Add(bigDD(a), bigDD(b)), 0x1p-103)
		check("ddMul", ddMul(a, b), new(big.Float).SetPrec(bigPrec).Mul(bigDD(a), bigDD(b)), 0x1p-100)
		check("ddMulFloat", ddMulFloat(a, f), new(big.Float).SetPrec(bigPrec).Mul(bigDD(a), bigOf(f)), 0x1p-102)
		check("ddDivFloat", ddDivFloat(a, f), new(big.Float).SetPrec(bigPrec).Quo(bigDD(a), bigOf(f)), 0x1p-100)
		check("ddFromDiff", ddFromDiff(a.hi, f), bigOf(a.hi, -f), 0)
	}
}

// ddAdd is exact only when the sum fits; check the general accuracy separately.
func TestDDAddCancellation(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 20000; i++ {
		x := randWide(r)
		a := dd{x, x * 0x1p-55}
		b := dd{-x * (1 + float64(r.IntN(8))*0x1p-52), randWide(r) * math.Abs(x) * 0x1p-80}
		b.hi, b.lo = twoSum(b.hi, b.lo)
		want := new(big.Float).SetPrec(bigPrec).Add(bigDD(a), bigDD(b))
		got := ddAdd(a, b)
		// Absolute error bound relative to the operands: 2^-104·max(|a|,|b|).
		diff := new(big.Float).SetPrec(bigPrec).Sub(bigDD(got), want)
		d, _ := diff.Float64()
		if math.Abs(d) > 0x1p-104*math.Abs(b.hi) {
			t.Fatalf("ddAdd(%v, %v) error %g", a, b, d)
		}
	}
}

// TestAddFloatExactAndReversible: accumulating floats whose exact sum fits in a
// double-double is exact, and subtracting them again (in any order) restores the
// accumulator bit for bit.
func TestAddFloatExactAndReversible(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for trial := 0; trial < 200; trial++ {
		var acc dd
		want := bigOf()
		// Terms on a common grid of 2^-60 with magnitudes up to 2^40: every partial sum
		// fits in 106 bits.
		terms := make([]float64, 500)
		for i := range terms {
			terms[i] = math.Ldexp(float64(r.Int64N(1<<53)-1<<52), r.IntN(48)-60)
			acc.addFloat(terms[i])
			want.Add(want, bigOf(terms[i]))
		}
		if bigDD(acc).Cmp(want) != 0 {
			t.Fatalf("sum not exact: %v vs %v", bigDD(acc), want)
		}
		mid := acc
		extra := terms[:200]
		for _, x := range extra {
			acc.addFloat(x)
		}
		r.Shuffle(len(extra), func(i, j int) { extra[i], extra[j] = extra[j], extra[i] })
		for _, x := range extra {
			acc.addFloat(-x)
		}
		if acc != mid {
			t.Fatalf("add then subtract: %v, want %v", acc, mid)
		}
	}
	// The classic trap of a non-canonical accumulator: hi small, then a large term.
	acc := dd{1e-20, 0}
	acc.addFloat(1)
	acc.addFloat(-1)
	if acc != (dd{1e-20, 0}) {
		t.Fatalf("1e-20 + 1 - 1 = %v", acc)
	}
}
