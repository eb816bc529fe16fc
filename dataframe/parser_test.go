package dataframe

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/symscore/symscore/ident"
)

// learnPayload is the DataFrame of the vendor client's learn message (PROTOCOL.md 1.2).
const learnPayload = `{"attributeNames":["sepal_length","sepal_width","petal_length","petal_width","sepal_lengt_b1","sepal_lengt_b2","sepal_width_b1","sepal_width_b2","petal_length_b1","petal_length_b2","petal_width_b1","petal_width_b2","Iris_setosa","Iris_versicolor","Iris_virginica"],"data":[["4.3","3","1.1","0.1","1","0","0","1","1","0","1","0","1","0","0"],["4.8","3","1.4","0.1","1","0","0","1","1","0","1","0","1","0","0"]],"attributeTypes":["C","C","C","C","B","B","B","B","B","B","B","B","B","B","B"],"errorHandling":1}`

// predictPayload is the DataFrame of the predict known-answer vector (PROTOCOL.md 1.2).
const predictPayload = `{"attributeNames":["sepal_length","sepal_width","petal_length"],"data":[["4.3","3","1.1"]],"attributeTypes":["C","C","C"]}`

func names(f *Frame) []string {
	var s []string
	for _, n := range f.Names {
		s = append(s, string(n))
	}
	return s
}

func mustParse(t *testing.T, p *Parser, payload string, opts Options) *Frame {
	t.Helper()
	f, err := p.Parse([]byte(payload), opts)
	if err != nil {
		t.Fatalf("Parse(%s): %v", payload, err)
	}
	checkInvariants(t, f, opts)
	return f
}

func checkInvariants(t testing.TB, f *Frame, opts Options) {
	t.Helper()
	if len(f.Vals) != f.Rows*len(f.Names) || len(f.Kinds) != len(f.Names) || len(f.Base) != len(f.Names) {
		t.Fatalf("shape: rows %d names %d kinds %d base %d vals %d", f.Rows, len(f.Names), len(f.Kinds), len(f.Base), len(f.Vals))
	}
	if f.Partition != nil && len(f.Partition) != f.Rows {
		t.Fatalf("%d partition values for %d rows", len(f.Partition), f.Rows)
	}
	seen := map[string]bool{}
	for j, n := range f.Names {
		if seen[string(n)] {
			t.Fatalf("duplicate column %q", n)
		}
		seen[string(n)] = true
		if f.Kinds[j] != TypeC && f.Kinds[j] != TypeB {
			t.Fatalf("column %q kind %v", n, f.Kinds[j])
		}
		if b := f.Base[j]; b >= 0 && (b >= len(f.SourceNames) || f.SourceTypes[b] != TypeT) {
			t.Fatalf("column %q base %d", n, b)
		}
	}
	for r := 0; r < f.Rows; r++ {
		for j, x := range f.Row(r) {
			if math.IsNaN(x) {
				if opts.Mode == ModeLearn {
					t.Fatalf("row %d column %q: NaN in learn mode", r, f.Names[j])
				}
				continue
			}
			if math.IsInf(x, 0) {
				t.Fatalf("row %d column %q: %v", r, f.Names[j], x)
			}
			if f.Kinds[j] == TypeB && x != 0 && x != 1 {
				t.Fatalf("row %d B column %q: %v", r, f.Names[j], x)
			}
		}
	}
}

func TestParseVendorLearnMessage(t *testing.T) {
	var p Parser
	f := mustParse(t, &p, learnPayload, Options{})
	if f.Rows != 2 || len(f.Names) != 15 || f.ErrorHandling != 1 || f.Skipped != 0 || f.Partition != nil {
		t.Fatalf("rows %d cols %d eh %d skipped %d", f.Rows, len(f.Names), f.ErrorHandling, f.Skipped)
	}
	if string(f.Names[0]) != "sepal_length" || string(f.Names[14]) != "Iris_virginica" || f.Kinds[0] != TypeC || f.Kinds[4] != TypeB {
		t.Fatalf("names %q kinds %v", names(f), f.Kinds)
	}
	want := []float64{4.8, 3, 1.4, 0.1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0}
	for j, x := range f.Row(1) {
		if x != want[j] {
			t.Fatalf("row 1 = %v, want %v", f.Row(1), want)
		}
	}
	f = mustParse(t, &p, predictPayload, Options{Mode: ModePredict})
	if f.Rows != 1 || len(f.Names) != 3 || f.Vals[0] != 4.3 || f.ErrorHandling != 0 {
		t.Fatalf("predict frame: %+v", f)
	}
}

func TestParseCategories(t *testing.T) {
	var p Parser
	f := mustParse(t, &p, `{"attributeNames":["a","kind","b","color"],"attributeTypes":["C","T","B","T"],
		"data":[["1.5"," X ","0","red"],["2","y","1","Blue"],["3","x","1","RED "],["4","Ü","0","blue"]]}`, Options{})
	want := []string{"a", "b", "kind$x", "color$red", "kind$y", "color$blue", "kind$ü"}
	if got := names(f); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("names %q, want %q", got, want)
	}
	rows := [][]float64{
		{1.5, 0, 1, 1, 0, 0, 0},
		{2, 1, 0, 0, 1, 1, 0},
		{3, 1, 1, 1, 0, 0, 0},
		{4, 0, 0, 0, 0, 1, 1},
	}
	for r, want := range rows {
		for j, x := range f.Row(r) {
			if x != want[j] {
				t.Fatalf("row %d = %v, want %v", r, f.Row(r), want)
			}
		}
	}
	if f.Base[2] != 1 || f.Base[3] != 3 || f.Base[0] != -1 || string(f.SourceNames[f.Base[5]]) != "color" {
		t.Fatalf("base %v", f.Base)
	}
}

func TestParseSkipsBadRowsAndTheirColumns(t *testing.T) {
	var p Parser
	f := mustParse(t, &p, `{"attributeNames":["a","k"],"attributeTypes":["C","T"],"errorHandling":1,
		"data":[["1","x"],["2","new","extra"],["3","y"],["bad","z"],["5","x"],7]}`, Options{})
	if f.Rows != 3 || f.Skipped != 3 || fmt.Sprint(f.SkippedRows) != "[1 3 5]" {
		t.Fatalf("rows %d skipped %d %v", f.Rows, f.Skipped, f.SkippedRows)
	}
	if got := strings.Join(names(f), ","); got != "a,k$x,k$y" {
		t.Fatalf("names %s: a skipped row's category must not become a column", got)
	}
	if f.Vals[6] != 5 || f.Vals[7] != 1 {
		t.Fatalf("vals %v", f.Vals)
	}
	// The same value refused with errorHandling 0: the whole message.
	_, err := p.Parse([]byte(`{"attributeNames":["a","k"],"attributeTypes":["C","T"],"data":[["1","x"],["bad","z"]]}`), Options{})
	var e *Error
	if !errors.As(err, &e) || e.Row != 1 || e.Column != 0 || e.Msg != `row 1, column "a": "bad" is not a number` {
		t.Fatalf("err %#v", err)
	}
}

// TestParseAcceptsNumbersAndSpaces: JSON number cells are accepted next to string cells
// (README, protocol decisions) and read from their JSON text, as strings are.
func TestParseAcceptsNumbersAndSpaces(t *testing.T) {
	var p Parser
	f := mustParse(t, &p, `{"attributeNames":["a","b","k","ign"],"attributeTypes":["C","B","T","X"],
		"data":[[1.5, 1, 3, {"any":"thing"}],[" 2.5 ","1.0","3",null],["-1E-5","0.0",4,[1]]]}`, Options{})
	if got := strings.Join(names(f), ","); got != "a,b,k$3,k$4" {
		t.Fatalf("names %s", got)
	}
	want := []float64{1.5, 1, 1, 0, 2.5, 1, 1, 0, -1e-5, 0, 0, 1}
	for i, x := range f.Vals {
		if x != want[i] {
			t.Fatalf("vals %v, want %v", f.Vals, want)
		}
	}
}

func TestParsePartitionColumn(t *testing.T) {
	var p Parser
	opts := Options{PartitionColumn: "species"}
	f := mustParse(t, &p, `{"attributeNames":["x","species"],"attributeTypes":["C","S"],"data":[["1","Setosa"],["2","b"],["3",7]]}`, opts)
	if len(f.Names) != 1 || len(f.Partition) != 3 || string(f.Partition[0]) != "Setosa" || string(f.Partition[2]) != "7" {
		t.Fatalf("names %q partition %q", names(f), f.Partition)
	}
	f = mustParse(t, &p, `{"attributeNames":["x","species"],"attributeTypes":["C","T"],"data":[["1","Setosa"],["2","b"]]}`, opts)
	if got := strings.Join(names(f), ","); got != "x,species$setosa,species$b" || string(f.Partition[0]) != "Setosa" {
		t.Fatalf("names %s partition %q", got, f.Partition)
	}
	// Predict: the partition column may be absent.
	f = mustParse(t, &p, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`, Options{Mode: ModePredict, PartitionColumn: "species"})
	if f.Partition != nil {
		t.Fatalf("partition %q without a partition column", f.Partition)
	}
}

func TestParsePredictMissing(t *testing.T) {
	var p Parser
	f := mustParse(t, &p, `{"attributeNames":["a","b","k"],"attributeTypes":["C","B","T"],"data":[["","","x"],[null,"1",""],["2","0","y"]]}`, Options{Mode: ModePredict})
	r0, r1 := f.Row(0), f.Row(1)
	if !math.IsNaN(r0[0]) || !math.IsNaN(r0[1]) || r0[2] != 1 || r0[3] != 0 {
		t.Fatalf("row 0 %v", r0)
	}
	if !math.IsNaN(r1[0]) || r1[1] != 1 || !math.IsNaN(r1[2]) || !math.IsNaN(r1[3]) {
		t.Fatalf("row 1 %v: a missing category is NaN in every column of its attribute", r1)
	}
}

// TestParseRefusals covers every rule of PROTOCOL.md section 3 and the DataFrame shape.
func TestParseRefusals(t *testing.T) {
	const cb = `"attributeNames":["a","b"],"attributeTypes":["C","B"]`
	long := strings.Repeat("z", 100)
	tests := []struct {
		name, payload string
		opts          Options
		row, col      int
		msg           string
		sentinel      error
	}{
		{"not json", `{"attributeNames":`, Options{}, -1, -1, "DataFrame is not valid JSON", nil},
		{"not object", `[1,2]`, Options{}, -1, -1, "DataFrame must be a JSON object, not array", nil},
		{"missing data", `{` + cb + `}`, Options{}, -1, -1, `DataFrame needs "attributeNames", "attributeTypes" and "data"`, nil},
		{"duplicate key", `{` + cb + `,"data":[],"data":[]}`, Options{}, -1, -1, `DataFrame key "data" appears twice`, nil},
		{"errorHandling string", `{` + cb + `,"data":[],"errorHandling":"1"}`, Options{}, -1, -1, `"errorHandling" must be the number 0 or 1`, nil},
		{"errorHandling 2", `{` + cb + `,"data":[],"errorHandling":2}`, Options{}, -1, -1, `"errorHandling" must be the number 0 or 1`, nil},
		{"data not array", `{` + cb + `,"data":{}}`, Options{}, -1, -1, `"data" must be an array of rows`, nil},
		{"names not array", `{"attributeNames":"a","attributeTypes":["C"],"data":[]}`, Options{}, -1, -1, `must be arrays of strings`, nil},
		{"length mismatch", `{"attributeNames":["a","b"],"attributeTypes":["C"],"data":[]}`, Options{}, -1, -1, "DataFrame has 2 attributeNames but 1 attributeTypes", nil},
		{"empty name", `{"attributeNames":["a",""],"attributeTypes":["C","C"],"data":[]}`, Options{}, -1, 1, "attributeNames[1] must be a non-empty string", nil},
		{"name not string", `{"attributeNames":["a",3],"attributeTypes":["C","C"],"data":[]}`, Options{}, -1, 1, "attributeNames[1] must be a non-empty string", nil},
		{"duplicate name", `{"attributeNames":["a","a"],"attributeTypes":["C","B"],"data":[]}`, Options{}, -1, 1, `attribute name "a" appears twice`, nil},
		{"type L", `{"attributeNames":["a"],"attributeTypes":["L"],"data":[]}`, Options{}, -1, 0, `attribute "a" has type L (encoder input), which is not supported`, nil},
		{"type S", `{"attributeNames":["a"],"attributeTypes":["S"],"data":[]}`, Options{}, -1, 0, `attribute "a" has type S, which is allowed only for the partition column`, nil},
		{"type unknown", `{"attributeNames":["a"],"attributeTypes":["CC"],"data":[]}`, Options{}, -1, 0, `attribute "a" has type "CC"; types are C, B, T, X (and S for the partition column)`, nil},
		{"type lower", `{"attributeNames":["a"],"attributeTypes":["c"],"data":[]}`, Options{}, -1, 0, `has type "c"`, nil},
		{"partition typed C", `{"attributeNames":["p"],"attributeTypes":["C"],"data":[]}`, Options{PartitionColumn: "p"}, -1, 0, `partition column "p" must be typed T or S, not "C"`, nil},
		{"partition missing", `{` + cb + `,"data":[]}`, Options{PartitionColumn: "p"}, -1, -1, `DataFrame has no partition column "p"`, nil},
		{"partition empty", `{"attributeNames":["a","p"],"attributeTypes":["C","S"],"data":[["1"," "]]}`, Options{PartitionColumn: "p"}, 0, 1, `row 0, column "p": partition value is empty`, nil},
		{"not a number", `{` + cb + `,"data":[["1","0"],["1","1"],["x1","0"]]}`, Options{}, 2, 0, `row 2, column "a": "x1" is not a number`, nil},
		{"hex", `{` + cb + `,"data":[["0x10","0"]]}`, Options{}, 0, 0, `"0x10" is not a number`, nil},
		{"underscore", `{` + cb + `,"data":[["1_000","0"]]}`, Options{}, 0, 0, `"1_000" is not a number`, nil},
		{"NaN", `{` + cb + `,"data":[["NaN","0"]]}`, Options{}, 0, 0, `row 0, column "a": "NaN" is not a finite number`, nil},
		{"Infinity", `{` + cb + `,"data":[["-Infinity","0"]]}`, Options{}, 0, 0, `"-Infinity" is not a finite number`, nil},
		{"json nan", `{` + cb + `,"data":[[NaN,"0"]]}`, Options{}, 0, 0, `"NaN" is not a finite number`, nil},
		{"json inf", `{` + cb + `,"data":[[-inf,"0"]]}`, Options{}, 0, 0, `"-inf" is not a finite number`, nil},
		{"range", `{` + cb + `,"data":[["1e309","0"]]}`, Options{}, 0, 0, `"1e309" is out of float64 range`, nil},
		{"json range", `{` + cb + `,"data":[[1e999,"0"]]}`, Options{}, 0, 0, `"1e999" is out of float64 range`, nil},
		{"B 2", `{` + cb + `,"data":[["1","2"]]}`, Options{}, 0, 1, `row 0, column "b": "2" is not 0 or 1`, nil},
		{"B 0.5", `{` + cb + `,"data":[["1","0.5"]]}`, Options{}, 0, 1, `"0.5" is not 0 or 1`, nil},
		{"B true", `{` + cb + `,"data":[["1",true]]}`, Options{}, 0, 1, `cell is not a string or a number`, nil},
		{"empty C", `{` + cb + `,"data":[["","1"]]}`, Options{}, 0, 0, `row 0, column "a": cell is empty`, nil},
		{"null C", `{` + cb + `,"data":[[null,"1"]]}`, Options{}, 0, 0, `cell is empty`, nil},
		{"empty T", `{"attributeNames":["k"],"attributeTypes":["T"],"data":[[" "]]}`, Options{}, 0, 0, `row 0, column "k": cell is empty`, nil},
		{"short row", `{` + cb + `,"data":[["1"]]}`, Options{}, 0, -1, `row 0: row has 1 cells; the DataFrame has 2 attributes`, nil},
		{"long row", `{` + cb + `,"data":[["1","0","2"]]}`, Options{}, 0, -1, `row has 3 cells`, nil},
		{"row not array", `{` + cb + `,"data":["1"]}`, Options{}, 0, -1, `row 0: row is not an array`, nil},
		{"cell object", `{` + cb + `,"data":[[{},"1"]]}`, Options{}, 0, 0, `cell is not a string or a number`, nil},
		{"long value quoted", `{` + cb + `,"data":[["` + long + `","1"]]}`, Options{}, 0, 0, `"` + long[:40] + `..." is not a number`, nil},
		{"expansion collides", `{"attributeNames":["k$x","k"],"attributeTypes":["C","T"],"data":[["1","X"]]}`, Options{}, 0, 1, `value "X" makes attribute "k$x", which the DataFrame also sends as a column`, nil},
		{"too many rows", `{` + cb + `,"data":[["1","0"],["1","0"],["1","0"]],"errorHandling":1}`, Options{MaxRows: 2}, -1, -1, "DataFrame has 3 rows; the limit is 2", ErrTooManyRows},
		{"too many columns", `{` + cb + `,"data":[]}`, Options{MaxColumns: 1}, -1, -1, "DataFrame has 2 columns; the limit is 1", ErrTooManyColumns},
		{"too many expanded", `{"attributeNames":["a","k"],"attributeTypes":["C","T"],"errorHandling":1,"data":[["1","x"],["1","y"]]}`, Options{MaxColumns: 2}, 1, 1, `expands the DataFrame to 3 columns; the limit is 2`, ErrTooManyColumns},
		{"too many cells", `{"attributeNames":["a","k"],"attributeTypes":["C","T"],"data":[["1","x"],["1","y"]]}`, Options{MaxCells: 5}, -1, -1, `DataFrame expands to 2 rows × 3 columns; the limit is 5 cells`, ErrTooManyColumns},

		// One strictness for every JSON object (package jsonstrict).
		{"unknown key", `{` + cb + `,"data":[["1","0"]],"future":{"x":1}}`, Options{}, -1, -1, `DataFrame has unknown key "future"; its keys are attributeNames, attributeTypes, data, errorHandling`, nil},
		{"unknown key, predict", `{` + cb + `,"Data":[["1","0"]],"data":[]}`, Options{Mode: ModePredict}, -1, -1, `DataFrame has unknown key "Data"`, nil},
		{"duplicate escaped key", `{` + cb + `,"data":[["1","0"]],"d\u0061ta":[]}`, Options{}, -1, -1, `DataFrame key "data" appears twice`, nil},
		{"unknown escape in X cell", `{"attributeNames":["a","x"],"attributeTypes":["C","X"],"data":[["1",{"k":"\x"}]]}`, Options{}, -1, -1, `DataFrame is not valid JSON: bad string escape at byte 74: "\\x\"}]]}"`, nil},
		{"lone surrogate in name", `{"attributeNames":["a\ud800"],"attributeTypes":["C"],"data":[["1"]]}`, Options{}, -1, -1, `DataFrame is not valid JSON: bad string escape at byte 21`, nil},
		{"lone low surrogate in T cell", `{"attributeNames":["k"],"attributeTypes":["T"],"data":[["\udc00"]]}`, Options{}, -1, -1, `bad string escape`, nil},
		{"reversed surrogates", `{"attributeNames":["k"],"attributeTypes":["T"],"data":[["\ude00\ud83d"]],"errorHandling":1}`, Options{}, -1, -1, `bad string escape`, nil},
		{"no rows", `{` + cb + `,"data":[]}`, Options{}, -1, -1, `DataFrame has no rows ("data" is empty): learn and forget need at least one`, nil},
		{"no rows, errorHandling 1", `{` + cb + `,"data":[],"errorHandling":1}`, Options{}, -1, -1, `DataFrame has no rows`, nil},

		// One rule for every name (package ident).
		{"name NUL", `{"attributeNames":["a\u0000"],"attributeTypes":["C"],"data":[["1"]]}`, Options{}, -1, 0, `attribute name "a\x00" holds a NUL (U+0000) at byte 1`, nil},
		{"name newline", `{"attributeNames":["ok","a\nb"],"attributeTypes":["C","X"],"data":[["1","2"]]}`, Options{}, -1, 1, `attribute name "a\nb" holds a line break (U+000A) at byte 1`, nil},
		{"name bidi override", `{"attributeNames":["x\u202eY"],"attributeTypes":["T"],"data":[["1"]]}`, Options{}, -1, 0, `holds a bidirectional control (U+202E) at byte 1`, nil},
		{"name surrogate as text", `{"attributeNames":["a\\ud800"],"attributeTypes":["C"],"data":[["1"]]}`, Options{}, -1, 0, `attribute name "a\\ud800" holds a lone surrogate escape (\ud800) at byte 1`, nil},
		{"name invalid UTF-8", "{\"attributeNames\":[\"a\xff\"],\"attributeTypes\":[\"C\"],\"data\":[[\"1\"]]}", Options{}, -1, 0, `is not valid UTF-8 (byte 1 is 0xff)`, nil},
		{"name too long", `{"attributeNames":["abcdefghi"],"attributeTypes":["C"],"data":[["1"]]}`, Options{MaxNameBytes: 8}, -1, 0, `attribute name "abcdefghi" is 9 bytes long; the limit is 8`, ErrNameTooLong},
		{"name past the default", `{"attributeNames":["` + strings.Repeat("n", 257) + `"],"attributeTypes":["C"],"data":[["1"]]}`, Options{}, -1, 0, `is 257 bytes long; the limit is 256`, ErrNameTooLong},
		{"T value newline", `{"attributeNames":["a","k"],"attributeTypes":["C","T"],"data":[["1","x"],["2","a\nb"]]}`, Options{}, 1, 1, `row 1, column "k": value "a\nb" makes the attribute name "k$a\nb", which holds a line break (U+000A) at byte 3`, nil},
		{"T value C1 control", `{"attributeNames":["k"],"attributeTypes":["T"],"data":[["\u0085"]]}`, Options{}, 0, 0, `holds a line break (U+0085) at byte 2`, nil},
		{"T value too long", `{"attributeNames":["k"],"attributeTypes":["T"],"data":[["abcdefg"]],"errorHandling":1}`, Options{MaxNameBytes: 8}, 0, 0, `row 0, column "k": value "abcdefg" makes the attribute name "k$abcdefg", which is 9 bytes long; the limit is 8`, ErrNameTooLong},
		{"T value far too long", `{"attributeNames":["k"],"attributeTypes":["T"],"data":[["` + long + `"]],"errorHandling":1}`, Options{MaxNameBytes: 8}, 0, 0, `value "` + long[:40] + `..." makes an attribute name that is more than 8 bytes long, the limit`, ErrNameTooLong},
		{"T value too long in predict", `{"attributeNames":["k"],"attributeTypes":["T"],"data":[["abcdefg"]]}`, Options{Mode: ModePredict, MaxNameBytes: 8}, 0, 0, `is 9 bytes long; the limit is 8`, ErrNameTooLong},
		{"partition value bidi", `{"attributeNames":["a","p"],"attributeTypes":["C","S"],"data":[["1","\u2066x"]]}`, Options{PartitionColumn: "p"}, 0, 1, `row 0, column "p": partition value "\u2066x" holds a bidirectional control (U+2066) at byte 0`, nil},
		{"partition value too long", `{"attributeNames":["a","p"],"attributeTypes":["C","S"],"data":[["1","abcdefghi"]],"errorHandling":1}`, Options{PartitionColumn: "p", MaxNameBytes: 8}, 0, 1, `partition value "abcdefghi" is 9 bytes long; the limit is 8`, ErrNameTooLong},
	}
	var p Parser
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := p.Parse([]byte(tc.payload), tc.opts)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got frame %+v, err %v; want refusal %q", f, err, tc.msg)
			}
			if !strings.Contains(e.Msg, tc.msg) || e.Row != tc.row || e.Column != tc.col {
				t.Fatalf("got (%d,%d) %q; want (%d,%d) %q", e.Row, e.Column, e.Msg, tc.row, tc.col, tc.msg)
			}
			if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Fatalf("%v does not wrap %v", err, tc.sentinel)
			}
			if tc.sentinel == nil && (errors.Is(err, ErrTooManyRows) || errors.Is(err, ErrTooManyColumns) || errors.Is(err, ErrNameTooLong)) {
				t.Fatalf("%v wraps a limit sentinel", err)
			}
		})
	}
}

// TestParseErrorHandlingSkipsEveryBadRow: each row-level refusal above is a skip under
// errorHandling 1.
func TestParseErrorHandlingSkipsEveryBadRow(t *testing.T) {
	var p Parser
	f := mustParse(t, &p, `{"attributeNames":["a","b","k"],"attributeTypes":["C","B","T"],"errorHandling":1,"data":[
		["1","0","x"],["x1","0","x"],["NaN","0","x"],["1e309","0","x"],["1","2","x"],["","0","x"],["1","0",""],
		["1","0"],["1","0","x","y"],"row",[{},"0","x"],["2","1","y"]]}`, Options{})
	if f.Rows != 2 || f.Skipped != 10 || len(f.Names) != 4 {
		t.Fatalf("rows %d skipped %d names %q", f.Rows, f.Skipped, names(f))
	}
}

// TestParserReuse: a Parser's buffers are reused; a later frame must not see earlier data.
func TestParserReuse(t *testing.T) {
	var p Parser
	mustParse(t, &p, `{"attributeNames":["k","a"],"attributeTypes":["T","C"],"data":[["u","1"],["v","2"],["w","3"]]}`, Options{})
	f := mustParse(t, &p, `{"attributeNames":["a","k"],"attributeTypes":["C","T"],"data":[["5","w"]]}`, Options{})
	if got := strings.Join(names(f), ","); got != "a,k$w" || len(f.Vals) != 2 || f.Vals[0] != 5 || f.Vals[1] != 1 {
		t.Fatalf("names %s vals %v", got, f.Vals)
	}
	f = mustParse(t, &p, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[]}`, Options{Mode: ModePredict})
	if f.Rows != 0 || len(f.Vals) != 0 || len(f.Names) != 1 {
		t.Fatalf("empty frame %+v", f)
	}
}

func TestParseAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	payload := []byte(benchFrame(1000, 4, 11, false))
	var p Parser
	if _, err := p.Parse(payload, Options{}); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(20, func() {
		if _, err := p.Parse(payload, Options{}); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Fatalf("Parse allocates %v times per call after warm-up, want 0", n)
	}
	tpayload := []byte(benchFrame(200, 4, 0, true))
	p.Parse(tpayload, Options{})
	if n := testing.AllocsPerRun(20, func() { p.Parse(tpayload, Options{}) }); n != 0 {
		t.Fatalf("Parse of a T frame allocates %v times per call after warm-up, want 0", n)
	}
}

// TestParseAllocsSessionFrames: the shapes a session sends — learn frames in the client's
// key order, one-row predict frames, a T column — allocate nothing after warm-up, also
// when one Parser alternates between headers and so rebuilds its columns every time.
func TestParseAllocsSessionFrames(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	learn := []byte(clientOrder(benchFrame(1000, 4, 11, false)))
	tlearn := []byte(clientOrder(benchFrame(100, 4, 10, true)))
	predict := []byte(predictFrame5)
	popts := Options{Mode: ModePredict}
	var p Parser
	for _, tc := range []struct {
		name string
		run  func()
	}{
		{"learn", func() { p.Parse(learn, Options{}) }},
		{"predict", func() { p.Parse(predict, popts) }},
		{"T learn", func() { p.Parse(tlearn, Options{}) }},
		{"alternating", func() { p.Parse(learn, Options{}); p.Parse(predict, popts); p.Parse(tlearn, Options{}) }},
	} {
		tc.run()
		if n := testing.AllocsPerRun(20, tc.run); n != 0 {
			t.Errorf("%s: Parse allocates %v times per call after warm-up, want 0", tc.name, n)
		}
	}
	if _, err := p.Parse(learn, Options{}); err != nil {
		t.Fatal(err)
	}
}

// TestParseBadNamesUnderErrorHandling: a T value whose name breaks the rule is a bad cell
// (its row is skipped under errorHandling 1 and makes no column); one whose name is too
// long is a limit and refuses the message; in predict mode only the length counts.
func TestParseBadNamesUnderErrorHandling(t *testing.T) {
	var p Parser
	f := mustParse(t, &p, `{"attributeNames":["a","k"],"attributeTypes":["C","T"],"errorHandling":1,
		"data":[["1","x"],["2","bad\nvalue"],["3","\u202eevil"],["4","y"]]}`, Options{})
	if f.Rows != 2 || fmt.Sprint(f.SkippedRows) != "[1 2]" || strings.Join(names(f), ",") != "a,k$x,k$y" {
		t.Fatalf("rows %d skipped %v names %q", f.Rows, f.SkippedRows, names(f))
	}
	_, err := p.Parse([]byte(`{"attributeNames":["a","k"],"attributeTypes":["C","T"],"errorHandling":1,
		"data":[["1","x"],["2","`+strings.Repeat("v", 300)+`"]]}`), Options{})
	if !errors.Is(err, ErrNameTooLong) {
		t.Fatalf("a name past the limit under errorHandling 1: %v", err)
	}
	f = mustParse(t, &p, `{"attributeNames":["a","k"],"attributeTypes":["C","T"],"data":[["1","bad\nvalue"],["2","\u202e"]]}`, Options{Mode: ModePredict})
	if f.Rows != 2 || strings.Join(names(f), ",") != "a,k$bad\nvalue,k$\u202e" {
		t.Fatalf("predict: rows %d names %q", f.Rows, names(f))
	}
}

// TestParseNameRuleMatchesIdent: the DataFrame refuses exactly the attribute names package
// ident refuses, with its reason.
func TestParseNameRuleMatchesIdent(t *testing.T) {
	var p Parser
	for _, name := range []string{"ok", "a b", "é", "a\tb", "a\u2028b", "\u2069", "x\ufffd", `\uDBFF`, "a$b", strings.Repeat("x", 20)} {
		payload := `{"attributeNames":[` + strconv.Quote(name) + `],"attributeTypes":["C"],"data":[["1"]]}`
		_, err := p.Parse([]byte(payload), Options{MaxNameBytes: 16})
		want := ident.CheckName(name, 16)
		if (err == nil) != (want == nil) || want != nil && !strings.HasSuffix(err.Error(), want.Error()) {
			t.Errorf("name %q: Parse says %v, ident says %v", name, err, want)
		}
	}
}
