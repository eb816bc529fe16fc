package csvdata

import (
	"errors"
	"io"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

// TestBatchPlacesRefusals: ParseCells refusals come back at the file line and field of
// the cell, after multi-line records too (in an ignored column: a T value holding a line
// break would make an attribute name holding one, which is refused).
func TestBatchPlacesRefusals(t *testing.T) {
	text := "x,note,b\n1,\"two\nlines\",0\n2,ok,1\n3,\"a\nb\",2\n4,\"c\n\nd\",\n"
	f := open(t, text)
	types := []dataframe.Type{dataframe.TypeC, dataframe.TypeX, dataframe.TypeB}
	r := f.Records(f.Whole())
	b := f.NewBatch(types)
	var p dataframe.Parser
	var got []string
	for {
		err := b.Fill(r, 1)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.ParseCells(&b.Cells, dataframe.Options{}); err != nil {
			got = append(got, b.Place(err).Error())
		}
	}
	want := []string{
		`f.csv:6:3: column "b": "2" is not 0 or 1`,
		`f.csv:9:3: column "b": cell is empty`,
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("refusals %q\nwant %q", got, want)
	}
	// A refusal that names no row names the batch's lines.
	b.Reset()
	rr := f.Records(f.Whole())
	if err := b.Fill(rr, 10); err != nil {
		t.Fatal(err)
	}
	if got := b.Place(errors.New("refused")).Error(); got != "f.csv:2-9: refused" {
		t.Errorf("batch refusal %q", got)
	}
	_, err := p.ParseCells(&b.Cells, dataframe.Options{MaxRows: 2})
	if got := b.Place(err).Error(); got != "f.csv:2-9: DataFrame has 4 rows; the limit is 2" {
		t.Errorf("limit refusal %q", got)
	}
}

// TestBatchPlacesHeaderRefusals: a name of the header that ParseCells refuses comes back
// at the header's line and field.
func TestBatchPlacesHeaderRefusals(t *testing.T) {
	f := open(t, "x,b\x1c,y\n1,2,3\n")
	b := f.NewBatch([]dataframe.Type{dataframe.TypeC, dataframe.TypeC, dataframe.TypeC})
	if err := b.Fill(f.Records(f.Whole()), 10); err != nil {
		t.Fatal(err)
	}
	var p dataframe.Parser
	_, err := p.ParseCells(&b.Cells, dataframe.Options{})
	var e *Error
	if !errors.As(b.Place(err), &e) || e.Line != 1 || e.Field != 2 || e.Column != "b\x1c" {
		t.Fatalf("header refusal placed as %v (%+v)", b.Place(err), e)
	}
}

func TestTrimRowPrefix(t *testing.T) {
	for in, want := range map[string]string{
		`row 3, column "x": "abc" is not a number`:     `"abc" is not a number`,
		`row 12: row has 1 cells; the DataFrame has 2`: `row has 1 cells; the DataFrame has 2`,
		`row 0, column "a\"b: c": cell is empty`:       `cell is empty`,
		`DataFrame has 3 rows`:                         `DataFrame has 3 rows`,
	} {
		if got := trimRowPrefix(in); got != want {
			t.Errorf("trimRowPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}
