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

// putDigits writes the decimal digits of d < 10^18 right-aligned into buf, zero-padded
// to 18 digits: the digits of d are buf[20−numDigits(d):]. Fixed positions, three
// independent 8-, 8- and 2-digit groups, no loop.
func putDigits(buf *[20]byte, d uint64) {
	hi, lo := d/1e8, uint32(d%1e8)
	top, mid := uint32(hi/1e8), uint32(hi%1e8)
	put8(buf[12:20], lo)
	put8(buf[4:12], mid)
	buf[2], buf[3] = digitPairs[top%100][0], digitPairs[top%100][1]
}

// put8 writes v < 10^8 as eight digits.
func put8(b []byte, v uint32) {
	b = b[:8]
	hi, lo := v/10000, v%10000
	b[0], b[1] = digitPairs[hi/100][0], digitPairs[hi/100][1]
	b[2], b[3] = digitPairs[hi%100][0], digitPairs[hi%100][1]
	b[4], b[5] = digitPairs[lo/100][0], digitPairs[lo/100][1]
	b[6], b[7] = digitPairs[lo%100][0], digitPairs[lo%100][1]
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
	if a := math.Abs(f); a < 1e6 && a == float64(uint32(a)) {
		// An integer below 10^6 (0, a class index, a count): its digits, %f form.
		if a == 0 {
			return append(dst, '0')
		}
		var buf [20]byte
		putDigits(&buf, uint64(a))
		return append(dst, buf[20-numDigits(uint64(a)):]...)
	}
	exp := int(b>>52) & 0x7ff
	mant := b & (1<<52 - 1)
	denorm := exp == 0
	if denorm {
		exp++
	} else {
		mant |= 1 << 52
	}
	d, e := shortestDecimal(mant, exp-1023-52, denorm) // d has at most 17 digits
	var buf [20]byte
	putDigits(&buf, d)
	nd := numDigits(d)
	digits := buf[20-nd:]
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
