package dataframe

import (
	"math"
	"strconv"
	"unsafe"
)

// numStatus is the outcome of parsing a numeric cell.
type numStatus uint8

const (
	numOK        numStatus = iota
	numEmpty               // nothing but spaces
	numSyntax              // not a decimal number
	numNonFinite           // NaN, Inf, Infinity
	numRange               // magnitude beyond float64
)

// isSpace reports bytes that Java's String.trim removes (every byte ≤ 0x20).
func isSpace(c byte) bool { return c <= ' ' }

// trimSpace removes leading and trailing bytes ≤ 0x20, as Java's String.trim does.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseNumber reads a decimal number: optional spaces, an optional sign, digits with at most
// one '.', an optional exponent, optional spaces. Hex floats, underscores, "Inf", "NaN" and
// Java's "d"/"f" suffixes are refused. The value is correctly rounded (strconv.ParseFloat
// semantics); underflow gives 0 or a subnormal, as in Java.
func parseNumber(b []byte) (float64, numStatus) {
	if f, ok := parseSimpleDecimal(b); ok {
		return f, numOK
	}
	b = trimSpace(b)
	if len(b) == 0 {
		return 0, numEmpty
	}
	i := 0
	neg := false
	if b[0] == '+' || b[0] == '-' {
		neg = b[0] == '-'
		i++
	}
	var mant uint64
	digits, exp10 := 0, 0 // significant digits kept in mant; decimal exponent of mant
	sawDigit, sawDot, exact := false, false, true
	for ; i < len(b); i++ {
		c := b[i]
		if c >= '0' && c <= '9' {
			sawDigit = true
			if mant == 0 && c == '0' {
				if sawDot {
					exp10--
				}
				continue
			}
			if digits < 19 {
				mant = mant*10 + uint64(c-'0')
				digits++
				if sawDot {
					exp10--
				}
			} else {
				exact = false // more digits than fit: let strconv round
				if !sawDot {
					exp10++
				}
			}
			continue
		}
		if c == '.' && !sawDot {
			sawDot = true
			continue
		}
		break
	}
	if !sawDigit {
		return 0, nonFiniteOrSyntax(b)
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		eneg := false
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			eneg = b[i] == '-'
			i++
		}
		if i == len(b) {
			return 0, numSyntax
		}
		e := 0
		for ; i < len(b); i++ {
			c := b[i]
			if c < '0' || c > '9' {
				return 0, numSyntax
			}
			if e < 100000 {
				e = e*10 + int(c-'0')
			}
		}
		if eneg {
			e = -e
		}
		exp10 += e
	}
	if i != len(b) {
		return 0, numSyntax
	}
	// Clinger's fast path: an exact mantissa times an exact power of ten rounds once.
	if exact && mant < 1<<53 && exp10 >= -22 && exp10 <= 22 {
		f := float64(mant)
		if exp10 < 0 {
			f /= pow10[-exp10]
		} else {
			f *= pow10[exp10]
		}
		if neg {
			f = -f
		}
		return f, numOK
	}
	if mant == 0 && exact {
		if neg {
			return math.Copysign(0, -1), numOK
		}
		return 0, numOK
	}
	f, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(b), len(b)), 64)
	if err != nil {
		if math.IsInf(f, 0) {
			return 0, numRange
		}
		return 0, numSyntax
	}
	return f, numOK
}

// parseSimpleDecimal reads the form clients send most, an optional '-' and 1 to 15 digits
// with at most one '.' between two of them ("4.3", "-12", "0.25"), computing exactly what
// parseNumber's exact path computes for it; false for anything else.
func parseSimpleDecimal(b []byte) (float64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	i := 0
	if neg {
		i = 1
	}
	var mant uint64
	nd, dot := 0, -1 // digits read; digits before the '.'
	for ; i < len(b); i++ {
		if d := b[i] - '0'; d <= 9 {
			mant = mant*10 + uint64(d)
			nd++
			continue
		}
		if b[i] != '.' || dot >= 0 || nd == 0 {
			return 0, false
		}
		dot = nd
	}
	if nd == 0 || nd > 15 || dot == nd {
		return 0, false
	}
	f := float64(mant) // exact: below 10^15
	if dot >= 0 {
		f /= pow10[nd-dot]
	}
	if neg {
		f = -f
	}
	return f, true
}

// scanSimpleDecimal is parseSimpleDecimal of the string whose body starts at b[i], read
// in the same pass that finds its closing quote: the value and the index of that quote,
// or false if the body is not of parseSimpleDecimal's form (or the string is not closed).
func scanSimpleDecimal(b []byte, i int) (x float64, end int, ok bool) {
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	var mant uint64
	nd, dot := 0, -1 // digits read; digits before the '.'
	for ; i < len(b); i++ {
		c := b[i]
		if d := c - '0'; d <= 9 {
			mant = mant*10 + uint64(d)
			nd++
			continue
		}
		if c == '"' {
			break
		}
		if c != '.' || dot >= 0 || nd == 0 {
			return 0, 0, false
		}
		dot = nd
	}
	if i >= len(b) || nd == 0 || nd > 15 || dot == nd {
		return 0, 0, false
	}
	f := float64(mant) // exact: below 10^15
	if dot >= 0 {
		f /= pow10[nd-dot]
	}
	if neg {
		f = -f
	}
	return f, i, true
}

// nonFiniteOrSyntax tells "NaN"/"Inf"/"Infinity" (any case, signed) from other garbage.
func nonFiniteOrSyntax(b []byte) numStatus {
	if b[0] == '+' || b[0] == '-' {
		b = b[1:]
	}
	if equalFoldASCII(b, "nan") || equalFoldASCII(b, "inf") || equalFoldASCII(b, "infinity") {
		return numNonFinite
	}
	return numSyntax
}

func equalFoldASCII(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range b {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// parseBinary reads a B cell: a number equal to 0 or 1 ("0", "1", "0.0", "1.0", ...).
func parseBinary(b []byte) (float64, numStatus, bool) {
	if len(b) == 1 {
		switch b[0] {
		case '0':
			return 0, numOK, true
		case '1':
			return 1, numOK, true
		}
	}
	f, st := parseNumber(b)
	if st != numOK {
		return 0, st, false
	}
	if f == 0 {
		return 0, numOK, true // -0 becomes 0
	}
	return f, numOK, f == 1
}
