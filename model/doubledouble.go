package model

import "math"

// dd is a double-double number: the unevaluated sum hi + lo with |lo| ≤ ulp(hi)/2
// (canonical: hi = fl(hi + lo)). It carries about 106 bits.
//
// Every product below is written float64(a*b) or through math.FMA: the explicit conversion
// forbids the compiler to fuse a*b + c into an FMA, so results are the same on every
// target and forget undoes learn bit for bit.
type dd struct{ hi, lo float64 }

// float is the nearest float64 of d (d.hi for a canonical d; the sum guards the others).
func (d dd) float() float64 { return d.hi + d.lo }

// twoSum returns s = fl(a+b) and the exact error e: a + b = s + e (Knuth; any magnitudes).
func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	e = (a - (s - bb)) + (b - bb)
	return s, e
}

// fastTwoSum is twoSum for exponent(a) ≥ exponent(b) or a = 0 (Dekker).
func fastTwoSum(a, b float64) (s, e float64) {
	s = a + b
	e = b - (s - a)
	return s, e
}

// twoProd returns p = fl(a·b) and the exact error e: a·b = p + e.
func twoProd(a, b float64) (p, e float64) {
	p = float64(a * b)
	e = math.FMA(a, b, -p)
	return p, e
}

// addFloat adds the float64 t to d and leaves d canonical. The new value is exactly
// d + t whenever that sum is representable as a double-double, so adding t and then
// -t restores d bit for bit in that case.
//
// The renormalisation may use fastTwoSum: with e = err(hi+t) + lo, either |s| ≥ |hi|/2
// and |e| ≤ 1.5 ulp(s) < |s|, or hi + t cancels (Sterbenz: err = 0) and s is a non-zero
// multiple of ulp(hi)/2 ≥ |lo| = |e|, or s = 0.
func (d *dd) addFloat(t float64) {
	s, e := twoSum(d.hi, t)
	e += d.lo
	d.hi, d.lo = fastTwoSum(s, e)
}

// ddAdd returns a + b with a relative error of a few 2^-106 (Bailey's accurate sum).
func ddAdd(a, b dd) dd {
	s, e := twoSum(a.hi, b.hi)
	t, f := twoSum(a.lo, b.lo)
	e += t
	s, e = fastTwoSum(s, e)
	e += f
	s, e = fastTwoSum(s, e)
	return dd{s, e}
}

// ddNeg is -a.
func ddNeg(a dd) dd { return dd{-a.hi, -a.lo} }

// ddMul returns a·b.
func ddMul(a, b dd) dd {
	p, e := twoProd(a.hi, b.hi)
	e += float64(a.hi*b.lo) + float64(a.lo*b.hi)
	p, e = fastTwoSum(p, e)
	return dd{p, e}
}

// ddMulFloat returns a·b.
func ddMulFloat(a dd, b float64) dd {
	p, e := twoProd(a.hi, b)
	e += float64(a.lo * b)
	p, e = fastTwoSum(p, e)
	return dd{p, e}
}

// ddDivFloat returns a/b.
func ddDivFloat(a dd, b float64) dd {
	q := a.hi / b
	p, e := twoProd(q, b)
	r := (((a.hi - p) - e) + a.lo) / b
	q, r = fastTwoSum(q, r)
	return dd{q, r}
}

// ddFromDiff returns a - b exactly.
func ddFromDiff(a, b float64) dd {
	s, e := twoSum(a, -b)
	return dd{s, e}
}
