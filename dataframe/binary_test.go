package dataframe

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/symscore/symscore/internal/testenv"
)

// binaryFrame builds a Binary of the given names, types and rows.
func binaryFrame(names, types string, rows [][]float64) *Binary {
	b := &Binary{Rows: len(rows)}
	for _, n := range strings.Split(names, ",") {
		if n != "" {
			b.Names = append(b.Names, []byte(n))
		}
	}
	for _, t := range types {
		b.Types = append(b.Types, []byte{byte(t)})
	}
	for _, row := range rows {
		for _, v := range row {
			b.Data = binary.LittleEndian.AppendUint64(b.Data, math.Float64bits(v))
		}
	}
	return b
}

// jsonOf is the JSON DataFrame of the same names, types and values: numbers as strings in
// shortest round-trip form, NaN as null, ±Inf as the text "Inf".
func jsonOf(b *Binary) []byte {
	var sb strings.Builder
	list := func(items [][]byte) {
		sb.WriteByte('[')
		for i, it := range items {
			if i > 0 {
				sb.WriteByte(',')
			}
			q, _ := json.Marshal(string(it)) // JSON's escapes (invalid UTF-8 becomes U+FFFD, which names refuse too)
			sb.Write(q)
		}
		sb.WriteByte(']')
	}
	sb.WriteString(`{"attributeNames":`)
	list(b.Names)
	sb.WriteString(`,"attributeTypes":`)
	list(b.Types)
	sb.WriteString(`,"data":[`)
	w := len(b.Names)
	for r := range b.Rows {
		if r > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('[')
		for c := range w {
			if c > 0 {
				sb.WriteByte(',')
			}
			x := math.Float64frombits(binary.LittleEndian.Uint64(b.Data[8*(r*w+c):]))
			switch {
			case x != x:
				sb.WriteString("null")
			case math.IsInf(x, 0):
				sb.WriteString(`"Inf"`)
			default:
				sb.WriteString(strconv.Quote(strconv.FormatFloat(x, 'g', -1, 64)))
			}
		}
		sb.WriteByte(']')
	}
	sb.WriteString(`],"errorHandling":` + strconv.Itoa(b.ErrorHandling) + `}`)
	return []byte(sb.String())
}

// sameFrames compares two Frames: names, kinds, bases, rows, skipped rows and values to
// the bit (NaN as NaN).
func sameFrames(t testing.TB, got, want *Frame) {
	t.Helper()
	if got.Rows != want.Rows || got.Skipped != want.Skipped || len(got.Names) != len(want.Names) ||
		len(got.SkippedRows) != len(want.SkippedRows) || got.ErrorHandling != want.ErrorHandling {
		t.Fatalf("shape: rows %d/%d skipped %v/%v names %d/%d", got.Rows, want.Rows, got.SkippedRows, want.SkippedRows, len(got.Names), len(want.Names))
	}
	for i := range got.Names {
		if string(got.Names[i]) != string(want.Names[i]) || got.Kinds[i] != want.Kinds[i] || got.Base[i] != want.Base[i] {
			t.Fatalf("column %d: %q %c %d, want %q %c %d", i, got.Names[i], got.Kinds[i], got.Base[i], want.Names[i], want.Kinds[i], want.Base[i])
		}
	}
	for i := range got.SkippedRows {
		if got.SkippedRows[i] != want.SkippedRows[i] {
			t.Fatalf("skipped rows %v, want %v", got.SkippedRows, want.SkippedRows)
		}
	}
	for i := range got.Vals {
		g, w := got.Vals[i], want.Vals[i]
		if math.Float64bits(g) != math.Float64bits(w) && !(g != g && w != w) {
			t.Fatalf("value %d: %v, want %v", i, g, w)
		}
	}
}

// TestParseBinaryLikeJSON: a binary frame and the JSON DataFrame of the same values give
// the same Frame, or are both refused, in both modes and both errorHandlings, on random
// frames with NaN, ±Inf, -0, non-binary B values and ordinary numbers.
func TestParseBinaryLikeJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	specials := []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 0, 1, 0.5, -3.25e-300, 1.7976931348623157e308, 5e-324}
	var bp, jp Parser
	accepted, refused := 0, 0
	for i := range 3000 {
		w := rng.IntN(4)
		types := ""
		names := make([]string, w)
		for c := range w {
			types += string("CB"[rng.IntN(2)])
			names[c] = "a" + strconv.Itoa(c)
		}
		rows := make([][]float64, rng.IntN(4))
		for r := range rows {
			rows[r] = make([]float64, w)
			for c := range rows[r] {
				switch rng.IntN(4) {
				case 0:
					rows[r][c] = specials[rng.IntN(len(specials))]
				case 1:
					rows[r][c] = float64(rng.IntN(2))
				default:
					rows[r][c] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))
				}
			}
		}
		b := binaryFrame(strings.Join(names, ","), types, rows)
		b.ErrorHandling = i % 2
		opts := Options{Mode: Mode(i / 2 % 2), MaxRows: 100, MaxColumns: 10}
		bf, berr := bp.ParseBinary(b, opts)
		jf, jerr := jp.Parse(jsonOf(b), opts)
		if (berr == nil) != (jerr == nil) {
			t.Fatalf("frame %d: binary error %v, JSON error %v\n%s", i, berr, jerr, jsonOf(b))
		}
		if berr != nil {
			refused++
			continue
		}
		accepted++
		sameFrames(t, bf, jf)
	}
	if accepted < 500 || refused < 500 {
		t.Fatalf("%d accepted, %d refused: the cases do not cover both", accepted, refused)
	}
}

// TestParseBinaryRefusals: every refusal of a binary frame, with its message.
func TestParseBinaryRefusals(t *testing.T) {
	ok := binaryFrame("x,y", "CB", [][]float64{{1.5, 1}})
	cases := []struct {
		name  string
		b     *Binary
		opts  Options
		want  string
		limit error
	}{
		{"names and types differ", &Binary{Names: [][]byte{[]byte("x")}}, Options{}, "1 attributeNames but 0 attributeTypes", nil},
		{"empty name", &Binary{Names: [][]byte{{}}, Types: [][]byte{[]byte("C")}}, Options{Mode: ModePredict}, "attributeNames[0] must be a non-empty string", nil},
		{"T column", &Binary{Names: [][]byte{[]byte("k")}, Types: [][]byte{[]byte("T")}, Rows: 1, Data: make([]byte, 8)}, Options{}, "C and B columns only", nil},
		{"unknown type", &Binary{Names: [][]byte{[]byte("k")}, Types: [][]byte{[]byte("CC")}, Rows: 1, Data: make([]byte, 8)}, Options{}, "C and B columns only", nil},
		{"bad name", binaryFrame("a\x01b", "C", [][]float64{{1}}), Options{}, "attribute name", nil},
		{"name twice", binaryFrame("x,x", "CC", [][]float64{{1, 2}}), Options{}, "appears twice", nil},
		{"name too long", binaryFrame(strings.Repeat("n", 9), "C", [][]float64{{1}}), Options{MaxNameBytes: 8}, "", ErrNameTooLong},
		{"too many columns", ok, Options{MaxColumns: 1}, "2 columns; the limit is 1", ErrTooManyColumns},
		{"too many rows", binaryFrame("x", "C", [][]float64{{1}, {2}}), Options{MaxRows: 1}, "2 rows; the limit is 1", ErrTooManyRows},
		{"negative rows", &Binary{Rows: -1}, Options{Mode: ModePredict}, `"rows" must not be negative`, nil},
		{"no rows in learn", binaryFrame("x", "C", nil), Options{}, "no rows", nil},
		{"short data", &Binary{Names: ok.Names, Types: ok.Types, Rows: 1, Data: ok.Data[:15]}, Options{}, `"data" holds 15 bytes`, nil},
		{"long data", &Binary{Names: ok.Names, Types: ok.Types, Rows: 1, Data: append(ok.Data, 0)}, Options{}, `"data" holds 17 bytes`, nil},
		{"rows overflow", &Binary{Names: ok.Names, Types: ok.Types, Rows: math.MaxInt / 8, Data: ok.Data}, Options{}, `"data" holds 16 bytes`, nil},
		{"too many cells", binaryFrame("x,y", "CC", [][]float64{{1, 2}, {3, 4}}), Options{MaxCells: 3}, "the limit is 3 cells", ErrTooManyColumns},
		{"NaN in learn", binaryFrame("x", "C", [][]float64{{math.NaN()}}), Options{}, `row 0, column "x": value is NaN`, nil},
		{"Inf in predict", binaryFrame("x", "C", [][]float64{{math.Inf(-1)}}), Options{Mode: ModePredict}, "-Inf is not a finite number", nil},
		{"B not 0 or 1", binaryFrame("x,y", "CB", [][]float64{{1, 2}}), Options{}, `column "y": "2" is not 0 or 1`, nil},
		{"errorHandling 2", &Binary{Names: ok.Names, Types: ok.Types, Rows: 1, Data: ok.Data, ErrorHandling: 2}, Options{}, `"errorHandling" must be the number 0 or 1`, nil},
		{"partition project", ok, Options{PartitionColumn: "species"}, "no partition column", nil},
	}
	var p Parser
	for _, c := range cases {
		_, err := p.ParseBinary(c.b, c.opts)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: error %v, want a *dataframe.Error", c.name, err)
			continue
		}
		if !strings.Contains(e.Msg, c.want) {
			t.Errorf("%s: %q, want it to say %q", c.name, e.Msg, c.want)
		}
		if c.limit != nil && !errors.Is(err, c.limit) {
			t.Errorf("%s: %v does not wrap %v", c.name, err, c.limit)
		}
	}
	// errorHandling 1 skips the bad rows and keeps their places.
	b := binaryFrame("x,y", "CB", [][]float64{{1, 0}, {2, 7}, {math.NaN(), 1}, {4, 1}})
	b.ErrorHandling = 1
	f, err := p.ParseBinary(b, Options{})
	if err != nil || f.Rows != 2 || f.Skipped != 2 || f.SkippedRows[0] != 1 || f.SkippedRows[1] != 2 || f.Vals[2] != 4 {
		t.Fatalf("errorHandling 1: %v %+v", err, f)
	}
}

// TestParseBinaryAllocs: a warmed-up parser reads a binary frame without allocating.
func TestParseBinaryAllocs(t *testing.T) {
	testenv.SkipAllocs(t)
	rows := make([][]float64, 100)
	for r := range rows {
		rows[r] = []float64{float64(r), 0.5, 1}
	}
	b := binaryFrame("x,z,k", "CCB", rows)
	var p Parser
	for _, mode := range []Mode{ModeLearn, ModePredict} {
		p.ParseBinary(b, Options{Mode: mode})
		if n := testing.AllocsPerRun(100, func() {
			if _, err := p.ParseBinary(b, Options{Mode: mode}); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Fatalf("mode %d: %v allocations per frame", mode, n)
		}
	}
}

// FuzzParseBinary: ParseBinary never panics, its errors are *Error, every accepted Frame
// holds the Frame invariants, and it agrees with Parse on the JSON of the same values.
func FuzzParseBinary(f *testing.F) {
	f.Add("x,y", "CB", 2, []byte("\x00\x00\x00\x00\x00\x00\xf8?\x00\x00\x00\x00\x00\x00\xf0?\x00\x00\x00\x00\x00\x00\x00@\x00\x00\x00\x00\x00\x00\x00\x00"), uint8(0))
	f.Add("a", "C", 1, []byte("\x00\x00\x00\x00\x00\x00\xf8\x7f"), uint8(1))
	f.Add("a,b,c", "CBX", 0, []byte{}, uint8(3))
	f.Fuzz(func(t *testing.T, names, types string, rows int, data []byte, mode uint8) {
		b := &Binary{Rows: rows, Data: data, ErrorHandling: int(mode >> 1 & 1)}
		if names != "" {
			for _, n := range strings.Split(names, ",") {
				b.Names = append(b.Names, []byte(n))
			}
		}
		for i := range len(types) {
			b.Types = append(b.Types, []byte{types[i]})
		}
		opts := Options{Mode: Mode(mode & 1), MaxColumns: 64, MaxRows: 256}
		var p Parser
		fr, err := p.ParseBinary(b, opts)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Msg == "" {
				t.Fatalf("error %T %v is not a *dataframe.Error", err, err)
			}
			return
		}
		checkInvariants(t, fr, opts)
		var jp Parser
		jf, err := jp.Parse(jsonOf(b), opts)
		if err != nil {
			t.Fatalf("binary accepted, JSON refused: %v", err)
		}
		sameFrames(t, fr, jf)
	})
}

// TestCheckColumns: the names of a matrix follow the rules of a DataFrame's.
func TestCheckColumns(t *testing.T) {
	var p Parser
	names := func(ns ...string) [][]byte {
		out := make([][]byte, len(ns))
		for i, n := range ns {
			out[i] = []byte(n)
		}
		return out
	}
	if err := p.CheckColumns(names("x", "k$a", "y"), Options{MaxColumns: 3}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		names []string
		opts  Options
		want  string
	}{
		{[]string{"x", "x"}, Options{}, `attribute name "x" appears twice`},
		{[]string{""}, Options{}, "columns[0] must be a non-empty string"},
		{[]string{"a\x00b"}, Options{}, "attribute name"},
		{[]string{"x", "y"}, Options{MaxColumns: 1}, "2 columns; the limit is 1"},
		{[]string{"long"}, Options{MaxNameBytes: 3}, "attribute name"},
	} {
		err := p.CheckColumns(names(c.names...), c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.names, err, c.want)
		}
	}
}
