package protocol

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// checkShortest compares appendShortest with strconv, the reference, for f.
func checkShortest(t testing.TB, f float64) {
	t.Helper()
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return
	}
	got := string(appendShortest([]byte("x"), f))
	if want := "x" + strconv.FormatFloat(f, 'g', -1, 64); got != want {
		t.Fatalf("%v (bits %#x): %q, strconv %q", f, math.Float64bits(f), got[1:], want[1:])
	}
}

// TestAppendShortestMatchesStrconv: the formatter writes strconv's 'g' −1 output for
// random bit patterns (every exponent, subnormals), the values models produce (normal
// deviates, probabilities, short decimals, integers), and every power of two and of ten
// with its neighbours (the edges of the algorithm's intervals and of the %e/%f choice).
func TestAppendShortestMatchesStrconv(t *testing.T) {
	n := 300_000
	if testing.Short() || raceEnabled {
		n = 50_000
	}
	r := rand.New(rand.NewPCG(51, 52))
	for range n {
		checkShortest(t, math.Float64frombits(r.Uint64()))
		checkShortest(t, r.NormFloat64())
		checkShortest(t, r.Float64())
		checkShortest(t, float64(r.IntN(10_000_000))/1000)
		checkShortest(t, float64(r.Int64()>>r.IntN(64)))
		checkShortest(t, math.Float64frombits(uint64(r.IntN(1<<20)))) // subnormal
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 0.2, 0.3, 1e-5, 1e-4, 0.0001234,
		99999.5, 999999, 1e6, 1e21, 123456, 1234567, 0.1 + 0.2, math.MaxFloat64, math.SmallestNonzeroFloat64,
		0x1p-1022, math.Pi, math.E, 5e-324, 2.2250738585072011e-308, 9007199254740993, 0x1p-77, 0x1p2, 0x1p3} {
		checkShortest(t, f)
		checkShortest(t, -f)
	}
	for e := -1075; e <= 1024; e++ {
		p := math.Ldexp(1, e)
		checkShortest(t, p)
		checkShortest(t, math.Nextafter(p, 0))
		checkShortest(t, math.Nextafter(p, math.Inf(1)))
	}
	for k := -325; k <= 309; k++ {
		p, _ := strconv.ParseFloat("1e"+strconv.Itoa(k), 64)
		for _, f := range []float64{p, math.Nextafter(p, 0), math.Nextafter(p, math.Inf(1)), 5 * p, 9.5 * p} {
			checkShortest(t, f)
		}
	}
}

// TestAppendFloatNonFinite: NaN and ±Inf are written null, quoted or not.
func TestAppendFloatNonFinite(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := string(AppendFloat(nil, f)); got != "null" {
			t.Errorf("AppendFloat(%v) = %s", f, got)
		}
		if got := string(AppendFloatString(nil, f)); got != "null" {
			t.Errorf("AppendFloatString(%v) = %s", f, got)
		}
	}
	if got := string(AppendFloatString(nil, -0.25)); got != `"-0.25"` {
		t.Errorf(`AppendFloatString(-0.25) = %s, want "-0.25"`, got)
	}
}

// FuzzAppendFloat: for any bit pattern, the formatter writes what strconv writes.
func FuzzAppendFloat(f *testing.F) {
	for _, v := range []float64{0.2929126883636288, -3.840891864408894, 1, 0, 1e-7, 1e21, 5e-324, math.MaxFloat64} {
		f.Add(math.Float64bits(v))
	}
	f.Fuzz(func(t *testing.T, bits uint64) {
		checkShortest(t, math.Float64frombits(bits))
	})
}
