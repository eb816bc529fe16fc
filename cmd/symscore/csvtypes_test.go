package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

// TestCellNumberAgreesWithTheServer checks the inference's number rule against the
// server's DataFrame parser, cell by cell.
func TestCellNumberAgreesWithTheServer(t *testing.T) {
	var p dataframe.Parser
	for _, cell := range []string{
		"0", "1", "-0", "+1", "1.5", ".5", "5.", "1e3", "1E-3", " 2.5 ", "\t7\t", "1e400", "1e-400",
		"0x10", "1_000", "NaN", "Inf", "-Infinity", "1d", "1f", "abc", "1.2.3", "e5", "+", "-", ".", "1e", "١",
		"12345678901234567890123", "4.9406564584124654e-324",
	} {
		_, ok, empty := cellNumber(cell)
		_, err := p.Parse([]byte(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["`+strings.ReplaceAll(cell, "\t", `\t`)+`"]]}`),
			dataframe.Options{Mode: dataframe.ModeLearn})
		if server := err == nil; ok != server || empty {
			t.Errorf("cell %q: number %v, the server's parser says %v (%v)", cell, ok, server, err)
		}
	}
	if _, ok, empty := cellNumber("  "); ok || !empty {
		t.Errorf("blank cell: number %v, empty %v", ok, empty)
	}
}

func TestInferTypes(t *testing.T) {
	for _, tc := range []struct {
		name, content string
		want          []string
	}{
		{name: "binary", content: "a\n0\n1\n1.0\n", want: []string{"B"}},
		{name: "continuous", content: "a\n0\n1\n2\n", want: []string{"C"}},
		{name: "category", content: "a\n1\nx\n", want: []string{"T"}},
		{name: "empty cells ignored", content: "a,b\n,1\n0.5,\n", want: []string{"C", "B"}},
		{name: "no value at all", content: "a,b\n,1\n,0\n", want: []string{"T", "B"}},
		{name: "no rows", content: "a,b\n", want: []string{"T", "T"}},
		{name: "quoted numbers", content: "a,b\n\"1,5\",\"2\"\n", want: []string{"T", "C"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := openCSV(writeFile(t, "f.csv", tc.content))
			if err != nil {
				t.Fatal(err)
			}
			got, err := inferTypes(f)
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("types %v (%v), want %v", got, err, tc.want)
			}
		})
	}
}
