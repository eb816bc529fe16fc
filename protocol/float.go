package protocol

import (
	"math"
	"math/bits"
)

// digitPairs[n] is the two decimal digits of n < 100.
var digitPairs = func() (t [100][2]byte) {
	for n := range t {
		t[n] = [2]byte{byte('0' + n/10), byte('0' + n%10)}
	}
	return t
}()

var pow10s = [...]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
	1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// numDigits returns the number of decimal digits of d > 0.
func numDigits(d uint64) int {
	n := bits.Len64(d) * 1233 >> 12 // ⌊log10(2^len)⌋: n or n−1 digits
	if d >= pow10s[n] {
		n++
	}
	return n
}

// putDigits writes the len(b) ≤ 20 decimal digits of d into b.
func putDigits(b []byte, d uint64) {
	i := len(b)
	for d >= 1e8 { // eight digits at a time, in two independent halves
		q := d / 1e8
		r := uint32(d - q*1e8)
		hi, lo := r/10000, r%10000
		i -= 8
		p := b[i : i+8]
		p[0], p[1] = digitPairs[hi/100][0], digitPairs[hi/100][1]
		p[2], p[3] = digitPairs[hi%100][0], digitPairs[hi%100][1]
		p[4], p[5] = digitPairs[lo/100][0], digitPairs[lo/100][1]
		p[6], p[7] = digitPairs[lo%100][0], digitPairs[lo%100][1]
		d = q
	}
	r := uint32(d)
	for r >= 100 {
		q := r / 100
		i -= 2
		b[i], b[i+1] = digitPairs[r-q*100][0], digitPairs[r-q*100][1]
		r = q
	}
	if r >= 10 {
		b[i-2], b[i-1] = digitPairs[r][0], digitPairs[r][1]
	} else {
		b[i-1] = byte('0' + r)
	}
}

// appendShortest appends the finite f exactly as strconv.AppendFloat(dst, f, 'g', -1, 64)
// does: the shortest decimal that reads back as f, in %e form ("1.5e-07", "1e+21") when its
// exponent is below −4 or at least 6, in %f form ("0.25", "123456") otherwise. It does
// not allocate unless dst must grow.
func appendShortest(dst []byte, f float64) []byte {
	b := math.Float64bits(f)
	if b>>63 != 0 {
		dst = append(dst, '-')
	}
	exp := int(b>>52) & 0x7ff
	mant := b & (1<<52 - 1)
	denorm := exp == 0
	switch {
	case denorm && mant == 0:
		return append(dst, '0')
	case denorm:
		exp++
	default:
		mant |= 1 << 52
	}
	d, e := shortestDecimal(mant, exp-1023-52, denorm)
	var buf [20]byte
	nd := numDigits(d)
	digits := buf[:nd]
	putDigits(digits, d)
	dp := nd + e // the decimal point is after digit dp
	if x := dp - 1; x < -4 || x >= 6 {
		dst = append(dst, digits[0])
		if nd > 1 {
			dst = append(dst, '.')
			dst = append(dst, digits[1:]...)
		}
		dst = append(dst, 'e', '+')
		if x < 0 {
			dst[len(dst)-1] = '-'
			x = -x
		}
		if x >= 100 {
			dst = append(dst, byte('0'+x/100))
			x %= 100
		}
		return append(dst, digitPairs[x][0], digitPairs[x][1])
	}
	switch {
	case dp <= 0:
		dst = append(dst, "0.0000"[:2-dp]...) // dp ≥ −3
		return append(dst, digits...)
	case dp >= nd:
		dst = append(dst, digits...)
		return append(dst, "00000"[:dp-nd]...) // dp ≤ 6
	}
	dst = append(dst, digits[:dp]...)
	dst = append(dst, '.')
	return append(dst, digits[dp:]...)
}
