package csvdata

import (
	"reflect"
	"strings"
	"testing"
)

func TestOpenReadsTheHeader(t *testing.T) {
	for _, tc := range []struct {
		text     string
		names    []string
		bodyLine int
	}{
		{"a,b\n1,2\n", []string{"a", "b"}, 2},
		{"\ufeff a , b\r\n1,2\r\n", []string{"a", "b"}, 2},
		{"a,\"b\nc\"\n1,2\n", []string{"a", "b\nc"}, 3},
		{"a,b", []string{"a", "b"}, 2},
		{"x,1\n", []string{"x", "1"}, 2},
	} {
		f := open(t, tc.text)
		if !reflect.DeepEqual(f.Names, tc.names) || f.Whole().Line != tc.bodyLine {
			t.Errorf("Open(%q): names %q, body line %d; want %q, %d", tc.text, f.Names, f.Whole().Line, tc.names, tc.bodyLine)
		}
	}
}

func TestOpenRefusesBadHeaders(t *testing.T) {
	for text, want := range map[string]string{
		"":               "f.csv: empty file: want a header row naming the columns",
		"\n\n":           "f.csv: empty file: want a header row naming the columns",
		"a,,c\n1,2,3\n":  "f.csv:1: column 2 of the header row has no name",
		"a, \n":          "f.csv:1: column 2 of the header row has no name",
		"a,b,a\n1,2,3\n": `f.csv:1: column 3 of the header row repeats the name "a" of column 1`,
		"1,2.5\n3,4\n":   `f.csv:1: the first row "1,2.5" holds only numbers: it must be a header row naming the columns`,
		"a,\xff\n":       `f.csv:1: column 2 of the header row is not valid UTF-8: "\xff"`,
		"a,\"b\n":        `f.csv:1: extraneous or missing " in quoted-field (byte 6 of the line; a quote inside a quoted field is written twice)`,
		"a,b\"c\n":       `f.csv:1: bare " in non-quoted-field (byte 4 of the line; a quote inside a quoted field is written twice)`,
	} {
		_, err := Open(strings.NewReader(text), int64(len(text)), "f.csv")
		wantError(t, err, want)
	}
}
