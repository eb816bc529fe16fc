package dataframe

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestParseNumber(t *testing.T) {
	ok := func(in string, want float64) {
		t.Helper()
		got, st := parseNumber([]byte(in))
		if st != numOK || math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("parseNumber(%q) = %v, %d; want %v", in, got, st, want)
		}
	}
	bad := func(in string, want numStatus) {
		t.Helper()
		if _, st := parseNumber([]byte(in)); st != want {
			t.Errorf("parseNumber(%q) status %d, want %d", in, st, want)
		}
	}
	ok("4.3", 4.3)
	ok("1.0E-5", 1e-5)
	ok("3", 3)
	ok("-0", math.Copysign(0, -1))
	ok("+4.3", 4.3)
	ok(".5", 0.5)
	ok("5.", 5)
	ok(" 4.3 ", 4.3)
	ok("\t12\n", 12)
	ok("00012", 12)
	ok("1.7976931348623157E308", math.MaxFloat64)
	ok("4.9E-324", 5e-324)
	ok("1e-400", 0) // underflow: 0, as Java
	ok("0.1000000000000000055511151231257827", 0.1)
	ok("123456789012345678901234567890", 123456789012345678901234567890)
	ok("9007199254740993", 9007199254740992) // 2^53+1 rounds to even
	ok("1e22", 1e22)
	ok("1e23", 1e23)
	ok("0.000000000000000000000000000001", 1e-30)
	bad("", numEmpty)
	bad("   ", numEmpty)
	bad("abc", numSyntax)
	bad("1_000", numSyntax)
	bad("0x1p3", numSyntax)
	bad("1.0d", numSyntax)
	bad("1e", numSyntax)
	bad("1e+", numSyntax)
	bad("1..2", numSyntax)
	bad("--1", numSyntax)
	bad(".", numSyntax)
	bad("1 2", numSyntax)
	bad("NaN", numNonFinite)
	bad("-Infinity", numNonFinite)
	bad("inf", numNonFinite)
	bad("+INF", numNonFinite)
	bad("1e400", numRange)
	bad("-1e309", numRange)
	bad("1e99999999999", numRange)
}

// TestParseNumberMatchesStrconv checks the fast path against strconv on random decimals
// in the forms clients send (Java's Double.toString and short decimals).
func TestParseNumberMatchesStrconv(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		var s string
		switch i % 4 {
		case 0:
			s = strconv.FormatFloat(r.NormFloat64()*math.Pow(10, float64(r.IntN(40)-20)), 'g', -1, 64)
		case 1:
			s = strconv.FormatFloat(r.Float64()*1000, 'f', r.IntN(6), 64)
		case 2:
			s = strconv.FormatFloat(math.Float64frombits(r.Uint64()), 'e', r.IntN(20), 64)
		default:
			s = strconv.FormatInt(r.Int64N(1<<62)-1<<61, 10) + "." + strconv.Itoa(r.IntN(1000000)) + "E" + strconv.Itoa(r.IntN(60)-30)
		}
		want, err := strconv.ParseFloat(s, 64)
		got, st := parseNumber([]byte(s))
		if err != nil || math.IsInf(want, 0) || math.IsNaN(want) {
			if st == numOK {
				t.Fatalf("parseNumber(%q) accepted %v; strconv: %v %v", s, got, want, err)
			}
			continue
		}
		if st != numOK || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("parseNumber(%q) = %v (%d), strconv %v", s, got, st, want)
		}
	}
}

func TestParseBinary(t *testing.T) {
	for _, in := range []string{"0", "1", "0.0", "1.0", " 1 ", "-0", "1e0"} {
		if _, st, ok := parseBinary([]byte(in)); st != numOK || !ok {
			t.Errorf("parseBinary(%q) refused", in)
		}
	}
	for _, in := range []string{"2", "0.5", "-1", "true", "", "NaN"} {
		if _, st, ok := parseBinary([]byte(in)); st == numOK && ok {
			t.Errorf("parseBinary(%q) accepted", in)
		}
	}
	if v, _, _ := parseBinary([]byte("-0")); math.Signbit(v) {
		t.Error("-0 must read as +0")
	}
}

// TestParseSimpleDecimal: the fast form gives parseNumber's general result bit for bit, and
// leaves everything else to it.
func TestParseSimpleDecimal(t *testing.T) {
	general := func(s string) float64 {
		// parseNumber without its fast path: through a leading space.
		f, st := parseNumber([]byte(" " + s))
		if st != numOK {
			t.Fatalf("parseNumber(%q) status %d", s, st)
		}
		return f
	}
	for _, s := range []string{"4.3", "0", "-0", "-0.0", "0.000", "00012", "1.5", "-12", "0.25", "999999999999999",
		"99999999.9999999", "0.00000000000001", "123456.789", "9007199254740"} {
		f, ok := parseSimpleDecimal([]byte(s))
		if !ok || math.Float64bits(f) != math.Float64bits(general(s)) {
			t.Errorf("parseSimpleDecimal(%q) = %v, %v; want %v", s, f, ok, general(s))
		}
	}
	for _, s := range []string{"", "-", ".", "5.", ".5", "-.5", "+1", "1e5", " 1", "1 ", "1..2", "1.2.3",
		"1234567890123456", "0.123456789012345", "0.000000000000001", "--1", "1-", "1_0", "NaN"} {
		if f, ok := parseSimpleDecimal([]byte(s)); ok {
			t.Errorf("parseSimpleDecimal(%q) = %v, want it left to the general path", s, f)
		}
	}
	r := rand.New(rand.NewPCG(8, 9))
	for range 200000 {
		s := strconv.FormatFloat(r.Float64()*math.Pow(10, float64(r.IntN(16))), 'f', r.IntN(12), 64)
		if r.IntN(2) == 0 {
			s = "-" + s
		}
		if f, ok := parseSimpleDecimal([]byte(s)); ok && math.Float64bits(f) != math.Float64bits(general(s)) {
			t.Fatalf("parseSimpleDecimal(%q) = %v, general path %v", s, f, general(s))
		}
	}
}

// TestScanSimpleDecimal: reading a cell's body up to its closing quote gives what
// parseSimpleDecimal gives for that body, bit for bit, and the quote's index; a body with a
// quote-less end, a backslash or any other byte is left to the general path. (A body holds
// no quote but after a backslash: the first quote ends the cell.)
func TestScanSimpleDecimal(t *testing.T) {
	check := func(body string) {
		t.Helper()
		cell := []byte(`"` + body + `",`)
		x, end, ok := scanSimpleDecimal(cell, 1)
		want, wantOK := parseSimpleDecimal([]byte(body))
		if strings.ContainsAny(body, `"\`) {
			wantOK = false
		}
		if ok != wantOK || ok && (math.Float64bits(x) != math.Float64bits(want) || end != len(body)+1) {
			t.Fatalf("scanSimpleDecimal(%q) = %v, %d, %v; want %v, %v", body, x, end, ok, want, wantOK)
		}
		if _, _, ok := scanSimpleDecimal([]byte(`"`+body), 1); ok {
			t.Fatalf("scanSimpleDecimal of the unterminated %q succeeded", body)
		}
	}
	for _, s := range []string{"4.3", "0", "-0", "-0.0", "0.000", "00012", "1.5", "-12", "0.25", "999999999999999",
		"99999999.9999999", "", "-", ".", "5.", ".5", "-.5", "+1", "1e5", " 1", "1 ", "1..2", "1.2.3",
		"1234567890123456", "0.123456789012345", "--1", "1-", `1\"`, `1\u0030`, "NaN"} {
		check(s)
	}
	r := rand.New(rand.NewPCG(10, 11))
	for range 100000 {
		s := strconv.FormatFloat(r.Float64()*math.Pow(10, float64(r.IntN(16))), 'f', r.IntN(12), 64)
		if r.IntN(2) == 0 {
			s = "-" + s
		}
		check(s)
	}
}
