// The shortest decimal of a float64 by the Dragonbox algorithm (Junekey Jeon, "Dragonbox:
// A New Floating-Point Binary-to-Decimal Conversion Algorithm",
// https://github.com/jk-jeon/dragonbox), as the Go standard library implements it in
// internal/strconv/ftoadbox.go (Copyright 2025 The Go Authors; BSD-style license): the
// same steps, so that the digits are strconv's, with the decimal significand returned as
// an integer instead of formatted into a buffer.

package protocol

import (
	"math"
	"math/big"
	"math/bits"
	"sync"
)

type uint128 struct{ hi, lo uint64 }

// The powers of ten Dragonbox needs for float64: 10^k for k in [pow10Min, pow10Max].
const (
	pow10Min = -292
	pow10Max = 326
)

var (
	pow10Once sync.Once
	// pow10Tab[k−pow10Min] holds the top 128 bits of 10^k (truncated, highest bit set),
	// computed exactly with math/big on first use (about 1 ms).
	pow10Tab [pow10Max - pow10Min + 1]uint128
)

func initPow10() {
	mask := new(big.Int).SetUint64(math.MaxUint64)
	for k := pow10Min; k <= pow10Max; k++ {
		num, den := big.NewInt(1), big.NewInt(1)
		if k >= 0 {
			num.Exp(big.NewInt(10), big.NewInt(int64(k)), nil)
		} else {
			den.Exp(big.NewInt(10), big.NewInt(int64(-k)), nil)
		}
		// Scale num/den by a power of two into [2^127, 2^128), then truncate.
		if s := 128 - num.BitLen() + den.BitLen(); s >= 0 {
			num.Lsh(num, uint(s))
		} else {
			den.Lsh(den, uint(-s))
		}
		q := new(big.Int).Quo(num, den)
		for q.BitLen() > 128 {
			den.Lsh(den, 1)
			q.Quo(num, den)
		}
		for q.BitLen() < 128 {
			num.Lsh(num, 1)
			q.Quo(num, den)
		}
		pow10Tab[k-pow10Min] = uint128{new(big.Int).Rsh(q, 64).Uint64(), new(big.Int).And(q, mask).Uint64()}
	}
}

// mulLog10_2 is ⌊x·log10(2)⌋ for |x| ≤ 1600.
func mulLog10_2(x int) int { return (x * 78913) >> 18 }

// mulLog2_10 is ⌊x·log2(10)⌋ for |x| ≤ 500.
func mulLog2_10(x int) int { return (x * 108853) >> 15 }

// mulLog10_2MinusLog10_4Over3 is ⌊x·log10(2) − log10(4/3)⌋.
func mulLog10_2MinusLog10_4Over3(e int) int { return (e*631305 - 261663) >> 21 }

// dboxPow returns φ̃_k and β for the binary exponent e (section 5.2 of the paper).
func dboxPow(k, e int) (φ uint128, β int) {
	φ = pow10Tab[k-pow10Min]
	if k < 0 || k > 55 {
		φ.lo++
	}
	return φ, e + mulLog2_10(k)
}

// umul192Upper128 returns the upper 128 of the 192 bits of x·y.
func umul192Upper128(x uint64, y uint128) uint128 {
	hi, lo := bits.Mul64(x, y.hi)
	t, _ := bits.Mul64(x, y.lo)
	lo, c := bits.Add64(lo, t, 0)
	return uint128{hi + c, lo}
}

// umul192Lower128 returns the lower 128 of the 192 bits of x·y.
func umul192Lower128(x uint64, y uint128) uint128 {
	hl, ll := bits.Mul64(x, y.lo)
	return uint128{x*y.hi + hl, ll}
}

// dboxParity returns the parity of the integer part of x·φ·2^β and whether its
// fractional part is 0 (section 5.2.1).
func dboxParity(x uint64, φ uint128, β int) (parity, isInt bool) {
	r := umul192Lower128(x, φ)
	return (r.hi>>(64-β))&1 != 0, (r.hi<<β)|(r.lo>>(64-β)) == 0
}

// trimZeros returns x without its p trailing decimal zeros, and p (multiplicative
// inverses of powers of 5, as in strconv).
func trimZeros(x uint64) (uint64, int) {
	const (
		div1e8m  = 0xc767074b22e90e21
		div1e8le = math.MaxUint64 / 100000000
		div1e4m  = 0xd288ce703afb7e91
		div1e4le = math.MaxUint64 / 10000
		div1e2m  = 0x8f5c28f5c28f5c29
		div1e2le = math.MaxUint64 / 100
		div1e1m  = 0xcccccccccccccccd
		div1e1le = math.MaxUint64 / 10
	)
	p := 0
	for d := bits.RotateLeft64(x*div1e8m, -8); d <= div1e8le; d = bits.RotateLeft64(x*div1e8m, -8) {
		x = d
		p += 8
	}
	if d := bits.RotateLeft64(x*div1e4m, -4); d <= div1e4le {
		x, p = d, p+4
	}
	if d := bits.RotateLeft64(x*div1e2m, -2); d <= div1e2le {
		x, p = d, p+2
	}
	if d := bits.RotateLeft64(x*div1e1m, -1); d <= div1e1le {
		x, p = d, p+1
	}
	return x, p
}

// shortestDecimal returns the shortest decimal d·10^e that reads back as the positive
// float64 mant·2^exp (mant with its implicit bit, exp unbiased, minus 52), the one nearest
// to it, ties to even: strconv's digits for precision −1.
func shortestDecimal(mant uint64, exp int, denorm bool) (d uint64, e int) {
	pow10Once.Do(initPow10)
	const mantBits = 52
	if mant == 1<<mantBits && !denorm {
		// A power of two: the interval below is half as wide (algorithm 5.6).
		k0 := -mulLog10_2MinusLog10_4Over3(exp)
		φ, β := dboxPow(k0, exp)
		xi := (φ.hi - φ.hi>>(mantBits+2)) >> (64 - mantBits - 1 - β)
		zi := (φ.hi + φ.hi>>(mantBits+1)) >> (64 - mantBits - 1 - β)
		if exp != 2 && exp != 3 {
			xi++
		}
		if q := zi / 10; xi <= q*10 {
			q, zeros := trimZeros(q)
			return q, -k0 + 1 + zeros
		}
		yru := (φ.hi>>(64-mantBits-2-β) + 1) / 2
		if exp == -77 && yru%2 != 0 {
			yru--
		} else if yru < xi {
			yru++
		}
		return yru, -k0
	}

	// Algorithm 5.2, κ = 2.
	const (
		p10κ  = 100
		p10κ1 = 1000
	)
	k0 := -mulLog10_2(exp)
	φ, β := dboxPow(2+k0, exp)
	z := umul192Upper128((mant*2+1)<<β, φ)
	zi, exact := z.hi, z.lo == 0
	s, r := zi/p10κ1, uint32(zi%p10κ1)
	δi := uint32(φ.hi >> (64 - 1 - β))
	if r < δi {
		if r != 0 || !exact || mant%2 == 0 {
			s, zeros := trimZeros(s)
			return s, -k0 + 1 + zeros
		}
		s--
		r = p10κ * 10
	} else if r == δi {
		if parity, exact := dboxParity(mant*2-1, φ, β); parity || exact && mant%2 == 0 {
			s, zeros := trimZeros(s)
			return s, -k0 + 1 + zeros
		}
	}
	// Algorithm 5.4.
	D := r + p10κ/2 - δi/2
	t, ρ := D/p10κ, D%p10κ
	yru := 10*s + uint64(t)
	if ρ == 0 {
		if parity, exact := dboxParity(mant*2, φ, β); parity != ((D-p10κ/2)%2 != 0) || exact && yru%2 != 0 {
			yru--
		}
	}
	return yru, -k0
}
