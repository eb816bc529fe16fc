package dataframe

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// cellsJSON writes c as the DataFrame JSON a client would send (every cell a string).
func cellsJSON(c *Cells) []byte {
	types := make([]string, len(c.Types))
	for i, t := range c.Types {
		types[i] = string(rune(t))
	}
	rows := make([][]string, 0, c.Rows())
	for r := range c.Rows() {
		rows = append(rows, c.Data[r*len(c.Names):(r+1)*len(c.Names)])
	}
	b, err := json.Marshal(map[string]any{"attributeNames": c.Names, "attributeTypes": types, "data": rows, "errorHandling": c.ErrorHandling})
	if err != nil {
		panic(err)
	}
	return b
}

// checkCellsMatchParse parses c with ParseCells and its JSON with Parse, and fails on any
// difference.
func checkCellsMatchParse(t *testing.T, c *Cells, opts Options) {
	t.Helper()
	var p1, p2 Parser
	f1, e1 := p1.ParseCells(c, opts)
	f2, e2 := p2.Parse(cellsJSON(c), opts)
	if d := diffOutcome(f1, e1, f2, e2); d != "" {
		t.Fatalf("ParseCells and Parse differ: %s\ncells %q %q %q eh %d, options %+v", d, c.Names, c.Types, c.Data, c.ErrorHandling, opts)
	}
}

// randomCells makes a table whose cells are often valid and sometimes not.
func randomCells(r *rand.Rand) *Cells {
	n := 1 + r.IntN(5)
	c := &Cells{ErrorHandling: r.IntN(2)}
	for i := range n {
		c.Names = append(c.Names, "c"+strconv.Itoa(i))
		c.Types = append(c.Types, []Type{TypeC, TypeB, TypeT, TypeX, TypeC}[r.IntN(5)])
	}
	values := []string{"0", "1", "2.5", "-3e2", " 4 ", "", "abc", "NaN", "1e999", "A", "a ", "ß", "c0$x"}
	for range r.IntN(20) * n {
		c.Data = append(c.Data, values[r.IntN(len(values))])
	}
	return c
}

func TestParseCellsMatchesParse(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 3000 {
		c := randomCells(r)
		opts := Options{Mode: Mode(r.IntN(2))}
		if r.IntN(4) == 0 {
			opts.MaxColumns = 1 + r.IntN(6)
		}
		if r.IntN(4) == 0 {
			opts.MaxRows = r.IntN(10)
		}
		if r.IntN(5) == 0 {
			c.Types[0] = []Type{TypeS, TypeT}[r.IntN(2)]
			opts.PartitionColumn = c.Names[0]
		}
		checkCellsMatchParse(t, c, opts)
	}
}

// TestParseCellsReusedParserMatchesParse: one Parser reused for every table, and for JSON
// messages in between, gives what a fresh Parse gives: nothing of one message (T values
// resolved, rows dropped) leaks into the next.
func TestParseCellsReusedParserMatchesParse(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	var reused Parser
	for i := range 3000 {
		c := randomCells(r)
		opts := Options{Mode: Mode(r.IntN(2))}
		var fresh Parser
		want, wantErr := fresh.Parse(cellsJSON(c), opts)
		var got *Frame
		var err error
		if i%3 == 0 {
			got, err = reused.Parse(cellsJSON(c), opts)
		} else {
			got, err = reused.ParseCells(c, opts)
		}
		if d := diffOutcome(got, err, want, wantErr); d != "" {
			t.Fatalf("message %d: the reused parser differs from a fresh one: %s\ncells %q %q %q eh %d, options %+v",
				i, d, c.Names, c.Types, c.Data, c.ErrorHandling, opts)
		}
	}
}

func TestParseCellsRefusesBadShapes(t *testing.T) {
	var p Parser
	for _, tc := range []struct {
		c    Cells
		want string
	}{
		{Cells{Names: []string{"a"}, Types: []Type{TypeC, TypeC}}, "DataFrame has 1 attributeNames but 2 attributeTypes"},
		{Cells{Names: []string{"a", "b"}, Types: []Type{TypeC, TypeC}, Data: []string{"1"}}, "DataFrame has 1 cells, not a multiple of its 2 attributes"},
		{Cells{Data: []string{"1"}}, "DataFrame has 1 cells, not a multiple of its 0 attributes"},
		{Cells{Names: []string{""}, Types: []Type{TypeC}}, "attributeNames[0] must be a non-empty string"},
		{Cells{Names: []string{"a"}, Types: []Type{'L'}}, `attribute "a" has type L (encoder input), which is not supported`},
		{Cells{Names: []string{"a"}, Types: []Type{TypeC}, ErrorHandling: 2}, `"errorHandling" must be the number 0 or 1`},
	} {
		if _, err := p.ParseCells(&tc.c, Options{}); err == nil || err.Error() != tc.want {
			t.Errorf("%+v: %v, want %q", tc.c, err, tc.want)
		}
	}
}

func TestParseCellsAllocatesNothingAfterWarmUp(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under -race")
	}
	c := &Cells{Names: []string{"x", "y", "b"}, Types: []Type{TypeC, TypeC, TypeB}}
	for i := range 1000 {
		c.Data = append(c.Data, strconv.Itoa(i), "2.5", strconv.Itoa(i%2))
	}
	var p Parser
	if _, err := p.ParseCells(c, Options{}); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(20, func() { p.ParseCells(c, Options{}) }); n != 0 {
		t.Fatalf("ParseCells of a C/B table allocates %v times per call after warm-up, want 0", n)
	}
	c.Types[1] = TypeT
	p.ParseCells(c, Options{})
	if n := testing.AllocsPerRun(20, func() { p.ParseCells(c, Options{}) }); n != 0 {
		t.Fatalf("ParseCells of a table with a T column allocates %v times per call after warm-up, want 0", n)
	}
}

func TestNumberTextAndAppendCategory(t *testing.T) {
	for in, want := range map[string]string{"1.5": "1.5 true false", " -2e3 ": "-2000 true false", "": "0 false true",
		"\t ": "0 false true", "abc": "0 false false", "NaN": "0 false false", "1e999": "0 false false", "0x1p3": "0 false false"} {
		v, ok, empty := NumberText(in)
		if got := strconv.FormatFloat(v, 'g', -1, 64) + " " + strconv.FormatBool(ok) + " " + strconv.FormatBool(empty); got != want {
			t.Errorf("NumberText(%q) = %s, want %s", in, got, want)
		}
	}
	if got := string(AppendCategory([]byte("k$"), "  ÀbC \n")); got != "k$àbc" {
		t.Errorf("AppendCategory = %q", got)
	}
}

// FuzzParseCells: ParseCells never panics and agrees with Parse on the same table sent as
// JSON. Cells are separated by \x1f and rows by \x1e in data.
func FuzzParseCells(f *testing.F) {
	f.Add("x,k,b", "CTB", "1\x1fa\x1f0\x1e2\x1fB \x1f1", uint8(0))
	f.Add("x,k", "CT", "abc\x1fa\x1e\x1f\x1e", uint8(1))
	f.Add("p,y", "SC", "g1\x1f1\x1e\x1f2", uint8(6))
	f.Fuzz(func(t *testing.T, names, types, data string, flags uint8) {
		if !utf8.ValidString(names) || !utf8.ValidString(data) {
			return // JSON would carry other text
		}
		c := &Cells{Names: strings.Split(names, ","), ErrorHandling: int(flags & 1)}
		for i := range c.Names {
			typ := TypeC
			if i < len(types) {
				typ = Type(types[i])
			}
			if typ >= utf8.RuneSelf {
				return // JSON carries a code as UTF-8 text
			}
			c.Types = append(c.Types, typ)
		}
		for _, row := range strings.Split(data, "\x1e") {
			cells := strings.Split(row, "\x1f")
			for i := range c.Names {
				if i < len(cells) {
					c.Data = append(c.Data, cells[i])
				} else {
					c.Data = append(c.Data, "")
				}
			}
		}
		opts := Options{Mode: Mode(flags >> 1 & 1)}
		if flags&4 != 0 {
			opts.PartitionColumn = c.Names[0]
		}
		if flags&8 != 0 {
			opts.MaxColumns = 3
		}
		checkCellsMatchParse(t, c, opts)
	})
}
