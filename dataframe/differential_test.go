package dataframe

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// diffOutcome describes how two Parse results differ ("" if they do not): the same
// *Error (row, column, message, sentinel), or Frames equal field by field, values bit for
// bit.
func diffOutcome(f1 *Frame, e1 error, f2 *Frame, e2 error) string {
	if e1 != nil || e2 != nil {
		var a, b *Error
		if !errors.As(e1, &a) || !errors.As(e2, &b) {
			return fmt.Sprintf("error %v vs %v", e1, e2)
		}
		if a.Row != b.Row || a.Column != b.Column || a.Msg != b.Msg || a.Err != b.Err {
			return fmt.Sprintf("error (%d,%d,%v) %q vs (%d,%d,%v) %q", a.Row, a.Column, a.Err, a.Msg, b.Row, b.Column, b.Err, b.Msg)
		}
		if f1 != nil || f2 != nil {
			return "frame returned with an error"
		}
		return ""
	}
	switch {
	case fmt.Sprint(f1.SkippedRows) != fmt.Sprint(f2.SkippedRows) || len(f1.SkippedRows) != f1.Skipped:
		return fmt.Sprintf("skipped rows %v vs %v (skipped %d)", f1.SkippedRows, f2.SkippedRows, f1.Skipped)
	case f1.Rows != f2.Rows || f1.Skipped != f2.Skipped || f1.ErrorHandling != f2.ErrorHandling:
		return fmt.Sprintf("rows/skipped/errorHandling %d/%d/%d vs %d/%d/%d", f1.Rows, f1.Skipped, f1.ErrorHandling, f2.Rows, f2.Skipped, f2.ErrorHandling)
	case !sameBytesList(f1.Names, f2.Names):
		return fmt.Sprintf("names %q vs %q", f1.Names, f2.Names)
	case !sameBytesList(f1.SourceNames, f2.SourceNames):
		return fmt.Sprintf("source names %q vs %q", f1.SourceNames, f2.SourceNames)
	case fmt.Sprint(f1.Kinds, f1.Base, f1.SourceTypes) != fmt.Sprint(f2.Kinds, f2.Base, f2.SourceTypes):
		return fmt.Sprintf("kinds/base/types %v %v %v vs %v %v %v", f1.Kinds, f1.Base, f1.SourceTypes, f2.Kinds, f2.Base, f2.SourceTypes)
	case len(f1.Vals) != len(f2.Vals):
		return fmt.Sprintf("%d vs %d values", len(f1.Vals), len(f2.Vals))
	case (f1.Partition == nil) != (f2.Partition == nil) && len(f1.Partition)+len(f2.Partition) > 0:
		return fmt.Sprintf("partition %q vs %q", f1.Partition, f2.Partition)
	case !sameBytesList(f1.Partition, f2.Partition):
		return fmt.Sprintf("partition %q vs %q", f1.Partition, f2.Partition)
	}
	for i := range f1.Vals {
		if math.Float64bits(f1.Vals[i]) != math.Float64bits(f2.Vals[i]) {
			return fmt.Sprintf("value %d: %v vs %v", i, f1.Vals[i], f2.Vals[i])
		}
	}
	return ""
}

// sameBytesList compares element by element, nil apart from empty.
func sameBytesList(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) || (a[i] == nil) != (b[i] == nil) {
			return false
		}
	}
	return true
}

// frameGen writes random DataFrames: mostly valid, with every kind of cell, spelling,
// whitespace and key order the grammar allows, and a share of every refusal.
type frameGen struct {
	r   *rand.Rand
	b   strings.Builder
	bad int // per mille of cells, names, keys... that are wrong
}

func (g *frameGen) chance(perMille int) bool { return g.r.IntN(1000) < perMille }

func (g *frameGen) pick(s ...string) string { return s[g.r.IntN(len(s))] }

// ws writes JSON whitespace (now and then none, rarely a byte fastjson refuses).
func (g *frameGen) ws() {
	if g.chance(700) {
		return
	}
	for n := g.r.IntN(3); n >= 0; n-- {
		g.b.WriteString(g.pick(" ", "\t", "\n", "\r", "  "))
	}
	if g.chance(g.bad / 4) {
		g.b.WriteString(g.pick("\f", "\v", "\x00", "\u00a0"))
	}
}

var (
	genNames = []string{"a", "b", "x", "sepal_length", "Iris_setosa", "species", "kind", "k$x", "kind$x", "é", "Ü",
		`caf\u00e9`, `q\"uote`, `back\\slash`, `sl\/ash`, `\ud83d\ude00`, `\u0041`}
	genBadNames = []string{"", `\x`, `\ud83d`, `\ude00x`, `\u12`, `\u12g4`, `\ud83d\u0041`, `tab\tname`, `a\u0000b`,
		`new\nline`, "\u202e", `\\ud800`, "\xff", strings.Repeat("n", 300)}
	genNumbers = []string{"4.3", "3", "0", "1", "-0", "+4.3", ".5", "5.", " 4.3 ", "\\t12\\n", "00012", "1.0E-5", "1e22", "1e23",
		"1.7976931348623157E308", "4.9E-324", "1e-400", "0.1000000000000000055511151231257827", "123456789012345678901234567890",
		"9007199254740993", "-1E-5", "1.0", "0.0", "1e0", "-1", "2.5e+3", "7E2", "\\u0034.5", "1\\u0030"}
	genBadNumbers = []string{"", " ", "abc", "1_000", "0x10", "1.0d", "1e", "1e+", "1..2", "--1", ".", "1 2", "NaN", "-Infinity",
		"inf", "+INF", "1e400", "-1e309", "1e99999999999", "x1", strings.Repeat("9", 50) + "x"}
	genJSONNumbers    = []string{"1.5", "-2", "3", "0", "1", "1e5", "1E-5", "-0", "0.0", "1.0", "12345678901234567890", "2.5e+3"}
	genBadJSONNumbers = []string{"1e999", "-1e309", "NaN", "-inf", "Inf", "1.2.3", "--1", "1e", "+1", "-", "1ee2", "nan", "-NaN"}
	genCategories     = []string{"x", "X", " x ", "y", "Setosa", "setosa", "SETOSA ", "Ü", "ü", "É", "\\u00dc", "a\\\"b",
		"\\ud83d\\ude00", "7", "k", "", " ", "\\t"}
	genBadCategories = []string{"a\\nb", "\\u0000", "x\\u2028", "\u202ey", `\\udfff`, "\\ud800", "\\q", strings.Repeat("v", 300),
		strings.Repeat("\u212a", 300)}
	genAny = []string{`{}`, `[]`, `{"a":[1,{"b":null}]}`, `[1,"2",[3]]`, `true`, `false`, `null`, `"s"`, `1.5`, `-1e999`,
		`"\ud83d\ude00"`, `"\\x"`, `{"k":"v","k":"w"}`, `[[[[[[[[[[]]]]]]]]]]`, `"` + strings.Repeat("z", 60) + `"`}
	genOddAny = []string{`NaN`, `-inf`, `nan`, `Infinity`, `+1`, `-`, `1.2.3`, `tru`, `nul`, `[1,]`, `{"a"}`, `{1:2}`, "\"\x00\xff\"",
		`"\ud800"`, `"\x"`, `"\udc00\ud800"`}
)

// str writes a JSON string of the (already escaped) body s.
func (g *frameGen) str(s string) {
	g.b.WriteByte('"')
	g.b.WriteString(s)
	g.b.WriteByte('"')
}

func (g *frameGen) anyValue(depth int) {
	if depth > 0 && g.chance(300) {
		if g.chance(500) {
			g.b.WriteByte('[')
			for i := g.r.IntN(3); i > 0; i-- {
				g.anyValue(depth - 1)
				if i > 1 {
					g.b.WriteByte(',')
				}
			}
			g.b.WriteByte(']')
		} else {
			g.b.WriteString(`{"k":`)
			g.anyValue(depth - 1)
			g.b.WriteByte('}')
		}
		return
	}
	if g.chance(20) {
		g.b.WriteString(g.pick(genOddAny...))
		return
	}
	g.b.WriteString(g.pick(genAny...))
}

// cell writes a cell for a column of type typ.
func (g *frameGen) cell(typ byte) {
	g.ws()
	if g.chance(g.bad) {
		switch g.r.IntN(6) {
		case 0:
			g.str(g.pick(genBadNumbers...))
		case 1:
			g.b.WriteString(g.pick(genBadJSONNumbers...))
		case 2:
			g.anyValue(3)
		case 3:
			g.b.WriteString(g.pick("null", `""`, `" "`))
		case 4:
			g.str(g.pick("2", "0.5", "-1", "true", "1.5", "01", "1.0000001"))
		default:
			g.str(g.pick(append(genCategories, genBadCategories...)...))
		}
		g.ws()
		return
	}
	switch typ {
	case 'C':
		switch {
		case g.chance(100):
			g.b.WriteString(g.pick(genJSONNumbers...))
		case g.chance(500):
			g.str(strconv.FormatFloat(float64(g.r.IntN(100000))/float64(1+g.r.IntN(1000)), 'f', -1, 64))
		case g.chance(300):
			g.str(strconv.FormatFloat(g.r.NormFloat64()*math.Pow(10, float64(g.r.IntN(40)-20)), g.pick("e", "E", "g")[0], -1, 64))
		default:
			g.str(g.pick(genNumbers...))
		}
	case 'B':
		switch {
		case g.chance(100):
			g.b.WriteString(g.pick("0", "1", "0.0", "1.0", "-0", "1e0"))
		case g.chance(800):
			g.str(g.pick("0", "1"))
		default:
			g.str(g.pick("0.0", "1.0", " 1 ", "-0", "1e0", "\\u0031", "0E5"))
		}
	case 'T', 'S':
		if g.chance(100) {
			g.b.WriteString(g.pick(genJSONNumbers...))
		} else {
			g.str(g.pick(genCategories...))
		}
	case 'X':
		g.anyValue(4)
	default:
		g.str(g.pick(genNumbers...))
	}
	g.ws()
}

// frame writes a DataFrame of rows rows over the columns names/types (JSON string
// bodies), with keys in a random order.
func (g *frameGen) frame(names, types []string, rows int) string {
	g.b.Reset()
	keys := []string{"attributeNames", "data", "attributeTypes"} // the order clients use
	if g.chance(400) {
		g.r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	}
	insert := func(k string) {
		i := g.r.IntN(len(keys) + 1)
		keys = append(keys[:i], append([]string{k}, keys[i:]...)...)
	}
	if g.chance(500) {
		if g.chance(500) {
			keys = append(keys, "errorHandling")
		} else {
			insert("errorHandling")
		}
	}
	for n := g.r.IntN(3); n > 0 && g.chance(g.bad); n-- { // unknown keys are refused
		insert(g.pick("future", "extra", "dat", "Data", "attributeNames ", ""))
	}
	if g.chance(g.bad / 2) {
		insert(g.pick("data", "attributeNames", "attributeTypes", "errorHandling"))
	}
	if g.chance(g.bad / 2) {
		i := g.r.IntN(len(keys)) // a required key missing, now and then
		keys = append(keys[:i], keys[i+1:]...)
	}
	g.ws()
	g.b.WriteByte('{')
	for k, key := range keys {
		if k > 0 {
			g.b.WriteByte(',')
		}
		g.ws()
		if g.chance(50) {
			g.str(strings.Replace(key, "a", `\u0061`, 1)) // the same key, spelled with an escape
		} else {
			g.str(key)
		}
		g.ws()
		g.b.WriteByte(':')
		g.ws()
		switch key {
		case "attributeNames":
			g.strArray(names)
		case "attributeTypes":
			g.strArray(types)
		case "errorHandling":
			if g.chance(g.bad) {
				g.b.WriteString(g.pick(`"1"`, "2", "1.0", "0e0", "-0", "true", "null", "0.5", "-1", "01", "1e0"))
			} else {
				g.b.WriteString(g.pick("0", "1", "1"))
			}
		case "data":
			g.data(types, rows)
		default:
			g.anyValue(3)
		}
		g.ws()
	}
	g.b.WriteByte('}')
	g.ws()
	return g.b.String()
}

func (g *frameGen) strArray(items []string) {
	g.b.WriteByte('[')
	for i, s := range items {
		if i > 0 {
			g.b.WriteByte(',')
		}
		g.ws()
		if g.chance(g.bad / 10) {
			g.b.WriteString(g.pick("3", "null", "[]", `{"a":"b"}`))
		} else {
			g.str(s)
		}
		g.ws()
	}
	if g.chance(g.bad / 10) {
		g.b.WriteString(`,"extra"`)
	}
	g.b.WriteByte(']')
}

func (g *frameGen) data(types []string, rows int) {
	if g.chance(g.bad / 20) {
		g.anyValue(2)
		return
	}
	g.b.WriteByte('[')
	for r := range rows {
		if r > 0 {
			g.b.WriteByte(',')
		}
		g.ws()
		if g.chance(g.bad / 5) {
			g.b.WriteString(g.pick(`"row"`, "7", "null", "{}", `{"a":1}`))
			g.ws()
			continue
		}
		g.b.WriteByte('[')
		width := len(types)
		if g.chance(g.bad / 5) {
			width += g.r.IntN(3) - 1
		}
		for c := range width {
			if c > 0 {
				g.b.WriteByte(',')
			}
			typ := byte('C')
			if c < len(types) && len(types[c]) > 0 {
				typ = types[c][0]
			}
			g.cell(typ)
		}
		g.b.WriteByte(']')
		g.ws()
	}
	g.b.WriteByte(']')
}

// header picks the columns of a DataFrame.
func (g *frameGen) header() (names, types []string) {
	n := g.r.IntN(7)
	if g.chance(50) {
		n = 15 + g.r.IntN(10)
	}
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		name := g.pick(genNames...) + strconv.Itoa(i)
		switch {
		case g.chance(100):
			name = g.pick(genNames...) // may repeat, may collide with an expansion
		case g.chance(120):
			name = "species"
		case g.chance(g.bad / 5):
			name = g.pick(genBadNames...)
		}
		if seen[name] && !g.chance(g.bad) {
			continue
		}
		seen[name] = true
		names = append(names, name)
		typ := g.pick("C", "C", "C", "B", "B", "T", "X")
		if name == "species" && g.chance(800) || g.chance(g.bad/5) {
			typ = g.pick("S", "T")
		}
		if g.chance(g.bad / 5) {
			typ = g.pick("L", "c", "CC", "", "\\u0043", "Z", "S")
		}
		types = append(types, typ)
	}
	if g.chance(g.bad/5) && len(types) > 0 {
		types = types[:len(types)-1]
	}
	return names, types
}

// options picks Options: limits now and then, a partition column, either mode.
func (g *frameGen) options() Options {
	var o Options
	if g.chance(400) {
		o.Mode = ModePredict
	}
	if g.chance(200) {
		o.PartitionColumn = "species"
	}
	if g.chance(150) {
		o.MaxRows = g.r.IntN(8)
	}
	if g.chance(150) {
		o.MaxColumns = g.r.IntN(10)
	}
	if g.chance(150) {
		o.MaxCells = g.r.IntN(40)
	}
	return o
}

// mutate flips, drops or inserts a few bytes.
func (g *frameGen) mutate(s string) string {
	b := []byte(s)
	for n := 1 + g.r.IntN(3); n > 0 && len(b) > 0; n-- {
		i := g.r.IntN(len(b))
		switch g.r.IntN(3) {
		case 0:
			const alphabet = `{}[],:"\ 0123456789.eE+-ntfx`
			b[i] = alphabet[g.r.IntN(len(alphabet))]
		case 1:
			b = append(b[:i], b[i+1:]...)
		default:
			const alphabet = `{}[],:"\ 01.e-n`
			b = append(b[:i], append([]byte{alphabet[g.r.IntN(len(alphabet))]}, b[i:]...)...)
		}
	}
	return string(b)
}

// TestParseDifferential checks Parse against parseReference on random DataFrames, with one
// long-lived Parser (as a connection has) so that remembered headers are exercised.
func TestParseDifferential(t *testing.T) {
	n := 200000
	if testing.Short() || raceEnabled {
		n = 20000
	}
	g := &frameGen{r: rand.New(rand.NewPCG(7, 11))}
	var p, ref Parser
	var fast, fastErr, fellBack int
	var names, types []string
	var opts Options
	for i := 0; i < n; i++ {
		g.bad = []int{0, 0, 5, 30, 150}[i%5]
		switch {
		case i%4 == 0: // sessions repeat their header and options
			names, types = g.header()
			opts = g.options()
		case g.chance(100) && len(types) > 0: // same names, one column retyped
			types = append([]string(nil), types...)
			types[g.r.IntN(len(types))] = g.pick("C", "B", "T", "X")
		case g.chance(50):
			opts = g.options()
		}
		rows := 1 + g.r.IntN(5)
		if g.chance(30) {
			rows = 0 // refused in learn mode
		}
		payload := g.frame(names, types, rows)
		if g.chance(100) {
			payload = g.mutate(payload)
		}
		f, err, ok := p.parseFast([]byte(payload), &opts)
		switch {
		case !ok:
			fellBack++
			p.parseReference([]byte(payload), opts) // as Parse does
			continue
		case err != nil:
			fastErr++
			check(t, payload, opts, nil, err, &ref)
		default:
			fast++
			check(t, payload, opts, f, nil, &ref)
		}
	}
	t.Logf("%d frames: %d read by the fast path, %d refused by it (bad rows), %d fell back", n, fast, fastErr, fellBack)
	if fast < n/4 || fastErr < n/100 || fellBack < n/10 {
		t.Fatalf("the generator no longer exercises every path")
	}
}

// check compares a Parse result with parseReference on a fresh Parser.
func check(t *testing.T, payload string, opts Options, f *Frame, err error, ref *Parser) {
	t.Helper()
	rf, rerr := ref.parseReference([]byte(payload), opts)
	if d := diffOutcome(f, err, rf, rerr); d != "" {
		t.Fatalf("payload %q opts %+v:\n%s", payload, opts, d)
	}
}

// TestParseDifferentialTestPayloads: every payload of parser_test.go, with its options
// and with the other mode, gives the same result through Parse as through
// parseReference, on a fresh Parser and on one that has just read the payload.
func TestParseDifferentialTestPayloads(t *testing.T) {
	const cb = `"attributeNames":["a","b"],"attributeTypes":["C","B"]`
	long := strings.Repeat("z", 100)
	tests := []struct {
		payload string
		opts    Options
	}{
		{`{"attributeNames":`, Options{}},
		{`[1,2]`, Options{}},
		{`{` + cb + `}`, Options{}},
		{`{` + cb + `,"data":[],"data":[]}`, Options{}},
		{`{` + cb + `,"data":[],"errorHandling":"1"}`, Options{}},
		{`{` + cb + `,"data":[],"errorHandling":2}`, Options{}},
		{`{` + cb + `,"data":{}}`, Options{}},
		{`{"attributeNames":"a","attributeTypes":["C"],"data":[]}`, Options{}},
		{`{"attributeNames":["a","b"],"attributeTypes":["C"],"data":[]}`, Options{}},
		{`{"attributeNames":["a",""],"attributeTypes":["C","C"],"data":[]}`, Options{}},
		{`{"attributeNames":["a",3],"attributeTypes":["C","C"],"data":[]}`, Options{}},
		{`{"attributeNames":["a","a"],"attributeTypes":["C","B"],"data":[]}`, Options{}},
		{`{"attributeNames":["a"],"attributeTypes":["L"],"data":[]}`, Options{}},
		{`{"attributeNames":["a"],"attributeTypes":["S"],"data":[]}`, Options{}},
		{`{"attributeNames":["a"],"attributeTypes":["CC"],"data":[]}`, Options{}},
		{`{"attributeNames":["a"],"attributeTypes":["c"],"data":[]}`, Options{}},
		{`{"attributeNames":["p"],"attributeTypes":["C"],"data":[]}`, Options{PartitionColumn: "p"}},
		{`{` + cb + `,"data":[]}`, Options{PartitionColumn: "p"}},
		{`{"attributeNames":["a","p"],"attributeTypes":["C","S"],"data":[["1"," "]]}`, Options{PartitionColumn: "p"}},
		{`{` + cb + `,"data":[["1","0"],["1","1"],["x1","0"]]}`, Options{}},
		{`{` + cb + `,"data":[["0x10","0"]]}`, Options{}},
		{`{` + cb + `,"data":[["1_000","0"]]}`, Options{}},
		{`{` + cb + `,"data":[["NaN","0"]]}`, Options{}},
		{`{` + cb + `,"data":[["-Infinity","0"]]}`, Options{}},
		{`{` + cb + `,"data":[[NaN,"0"]]}`, Options{}},
		{`{` + cb + `,"data":[[-inf,"0"]]}`, Options{}},
		{`{` + cb + `,"data":[["1e309","0"]]}`, Options{}},
		{`{` + cb + `,"data":[[1e999,"0"]]}`, Options{}},
		{`{` + cb + `,"data":[["1","2"]]}`, Options{}},
		{`{` + cb + `,"data":[["1","0.5"]]}`, Options{}},
		{`{` + cb + `,"data":[["1",true]]}`, Options{}},
		{`{` + cb + `,"data":[["","1"]]}`, Options{}},
		{`{` + cb + `,"data":[[null,"1"]]}`, Options{}},
		{`{"attributeNames":["k"],"attributeTypes":["T"],"data":[[" "]]}`, Options{}},
		{`{` + cb + `,"data":[["1"]]}`, Options{}},
		{`{` + cb + `,"data":[["1","0","2"]]}`, Options{}},
		{`{` + cb + `,"data":["1"]}`, Options{}},
		{`{` + cb + `,"data":[[{},"1"]]}`, Options{}},
		{`{` + cb + `,"data":[["` + long + `","1"]]}`, Options{}},
		{`{"attributeNames":["k$x","k"],"attributeTypes":["C","T"],"data":[["1","X"]]}`, Options{}},
		{`{` + cb + `,"data":[["1","0"],["1","0"],["1","0"]],"errorHandling":1}`, Options{MaxRows: 2}},
		{`{` + cb + `,"data":[]}`, Options{MaxColumns: 1}},
		{`{"attributeNames":["a","k"],"attributeTypes":["C","T"],"errorHandling":1,"data":[["1","x"],["1","y"]]}`, Options{MaxColumns: 2}},
		{`{"attributeNames":["a","k"],"attributeTypes":["C","T"],"data":[["1","x"],["1","y"]]}`, Options{MaxCells: 5}},
		{learnPayload, Options{}},
		{predictPayload, Options{Mode: ModePredict}},
		{`{"attributeNames":["a","kind","b","color"],"attributeTypes":["C","T","B","T"],
					"data":[["1.5"," X ","0","red"],["2","y","1","Blue"],["3","x","1","RED "],["4","Ü","0","blue"]]}`, Options{}},
		{`{"attributeNames":["a","k"],"attributeTypes":["C","T"],"errorHandling":1,
					"data":[["1","x"],["2","new","extra"],["3","y"],["bad","z"],["5","x"],7]}`, Options{}},
		{`{"attributeNames":["a","b","k","ign"],"attributeTypes":["C","B","T","X"],
					"data":[[1.5, 1, 3, {"any":"thing"}],[" 2.5 ","1.0","3",null],["-1E-5","0.0",4,[1]]],"future":{"x":1}}`, Options{}},
		{`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`, Options{Mode: ModePredict, PartitionColumn: "species"}},
		{`{"attributeNames":["a","b","k"],"attributeTypes":["C","B","T"],"data":[["","","x"],[null,"1",""],["2","0","y"]]}`, Options{Mode: ModePredict}},
		{`{"attributeNames":["a","b","k"],"attributeTypes":["C","B","T"],"errorHandling":1,"data":[
					["1","0","x"],["x1","0","x"],["NaN","0","x"],["1e309","0","x"],["1","2","x"],["","0","x"],["1","0",""],
					["1","0"],["1","0","x","y"],"row",[{},"0","x"],["2","1","y"]]}`, Options{}},
		{`{"attributeNames":["k","a"],"attributeTypes":["T","C"],"data":[["u","1"],["v","2"],["w","3"]]}`, Options{}},
		{`{"attributeNames":["a","k"],"attributeTypes":["C","T"],"data":[["5","w"]]}`, Options{}},
		{`{"attributeNames":["x"],"attributeTypes":["C"],"data":[]}`, Options{}},
		{`{"attributeNames":["a","k"],"attributeTypes":["C","T"],"data":[["1","x"],["bad","z"]]}`, Options{}},
		{`{"attributeNames":["x","species"],"attributeTypes":["C","S"],"data":[["1","Setosa"],["2","b"],["3",7]]}`, Options{PartitionColumn: "species"}},
		{`{"attributeNames":["x","species"],"attributeTypes":["C","T"],"data":[["1","Setosa"],["2","b"]]}`, Options{PartitionColumn: "species"}},
	}
	var ref Parser
	for _, tc := range tests {
		for _, opts := range []Options{tc.opts, {Mode: 1 - tc.opts.Mode, PartitionColumn: tc.opts.PartitionColumn}} {
			var p Parser
			for pass := range 2 {
				f, err := p.Parse([]byte(tc.payload), opts)
				rf, rerr := ref.parseReference([]byte(tc.payload), opts)
				if d := diffOutcome(f, err, rf, rerr); d != "" {
					t.Errorf("pass %d, %s %+v: %s", pass, tc.payload, opts, d)
				}
			}
		}
	}
	if len(tests) < 58 {
		t.Fatalf("%d payloads: the table lost some", len(tests))
	}
}

// TestParseFastPathTaken: the frames clients send are read by the scanner, not handed to
// fastjson — including whitespace, escapes, JSON numbers, nulls, nested X cells,
// errorHandling, T and S columns and bad rows — on a fresh Parser and on one that remembers the
// header.
func TestParseFastPathTaken(t *testing.T) {
	tests := []struct {
		payload string
		opts    Options
	}{
		{learnPayload, Options{}},
		{predictPayload, Options{Mode: ModePredict}},
		{predictFrame5, Options{Mode: ModePredict}},
		{benchFrame(50, 4, 11, false), Options{}},
		{clientOrder(benchFrame(50, 4, 10, true)), Options{MaxRows: 50, MaxColumns: 30, MaxCells: 5000}},
		{" {\n\t\"attributeNames\" : [ \"a\" , \"b\" ] ,\r\n \"data\" : [ [ \" 1.5 \" , \"0\" ] ,\n [ 2 , 1 ] ] ,\n \"attributeTypes\" : [ \"C\" , \"B\" ] } \n", Options{}},
		{`{"attributeNames":["caf\u00e9","q\"","x"],"attributeTypes":["C","T","X"],"data":[["1\u002e5","\ud83d\ude00",{"a":[1,null,"\\x"]}],[-1E5,"x\/y",true]],"errorHandling":0}`, Options{}},
		{`{"attributeNames":["a","k"],"attributeTypes":["C","T"],"data":[["1","x"],["","y"],[null,"z"]]}`, Options{Mode: ModePredict}},
		{`{"attributeNames":["x","species"],"attributeTypes":["C","S"],"data":[["1","Setosa"],["2",7]]}`, Options{PartitionColumn: "species"}},
		{`{"attributeNames":["a","b"],"data":[["1","0"],["x","1"],"row",["1"],["2","1"]],"attributeTypes":["C","B"],"errorHandling":1}`, Options{}},
		{`{"attributeNames":["a","b"],"attributeTypes":["C","B"],"data":[["1","0"],["1","2"]]}`, Options{}}, // refused: bad row
	}
	for _, tc := range tests {
		var p Parser
		for pass := range 2 {
			if _, _, ok := p.parseFast([]byte(tc.payload), &tc.opts); !ok {
				t.Errorf("pass %d: fastjson read %s", pass, tc.payload)
			}
		}
	}
}

// TestParseReusesHeader: a repeated header is not rebuilt (a poisoned remembered name
// shows through), and a change of either array or of the options rebuilds it.
func TestParseReusesHeader(t *testing.T) {
	payload := clientOrder(benchFrame(3, 2, 1, true))
	parse := func(p *Parser, payload string, opts Options) string {
		t.Helper()
		f, err := p.Parse([]byte(payload), opts)
		if err != nil {
			t.Fatal(err)
		}
		return string(f.Names[0])
	}
	var p Parser
	parse(&p, payload, Options{})
	p.names.arena[0] = 'Z' // "c0" is the first name in the arena
	if got := parse(&p, payload, Options{}); got != "Z0" {
		t.Fatalf("Names[0] = %q: the header was rebuilt", got)
	}
	for _, tc := range []struct {
		payload string
		opts    Options
	}{
		{payload, Options{Mode: ModePredict}},
		{payload, Options{MaxColumns: 100}},
		{payload, Options{PartitionColumn: "kind"}},
		{strings.Replace(payload, `"c1"`, `"c9"`, 1), Options{}},
		{strings.Replace(payload, `"B"`, `"C"`, 1), Options{}},
	} {
		parse(&p, payload, Options{})
		p.names.arena[0] = 'Z'
		if got := parse(&p, tc.payload, tc.opts); got != "c0" {
			t.Fatalf("Names[0] = %q after a change (%+v): the header was not rebuilt", got, tc.opts)
		}
	}
}
