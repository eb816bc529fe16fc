package csvdata

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

// infer reads every record of f into one Inference.
func infer(t *testing.T, f *File, known []dataframe.Type, maxCategories int) ([]dataframe.Type, error) {
	t.Helper()
	in := f.NewInference(known, maxCategories)
	recs, err := readAll(f, f.Whole())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		in.Add(r.fields, r.line)
	}
	return in.Types()
}

func typeString(types []dataframe.Type) string {
	s := make([]string, len(types))
	for i, t := range types {
		s[i] = t.String()
	}
	return strings.Join(s, ",")
}

func TestInferTypes(t *testing.T) {
	b, err := os.ReadFile("testdata/iris.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text  string
		known []dataframe.Type
		want  string
	}{
		{string(b), nil, "C,C,C,C,T,B,B,B"},
		{"bin,num,text,sci,empty\n0,1.5,a,1e3,\n1,-2,b, 2.5E-3 ,\n1.0,0,c,-0, \n0,3,d,.5,\n", nil, "B,C,T,C,T"},
		// A minority of numbers in a text column: T.
		{"k\na\nb\n1\n", nil, "T"},
		// Non-finite and out-of-range values are not numbers.
		{"k\nNaN\nInf\n1e999\nx\n", nil, "T"},
		// A known type wins: a 0/1 column the project knows as C, numbers it knows as T.
		{"x,k\n0,1\n1,2\n", []dataframe.Type{dataframe.TypeC, dataframe.TypeT}, "C,T"},
		{"x,k\n0,1\n1,2\n", []dataframe.Type{0, dataframe.TypeT}, "B,T"},
	} {
		types, err := infer(t, open(t, tc.text), tc.known, 1024)
		if err != nil || typeString(types) != tc.want {
			t.Errorf("%.40q: types %s, %v; want %s", tc.text, typeString(types), err, tc.want)
		}
	}
}

// TestInferRefusesAMostlyNumericColumn: one bad cell in a numeric column is placed at its
// physical line and field, and the suggestion types the column C.
func TestInferRefusesAMostlyNumericColumn(t *testing.T) {
	b, err := os.ReadFile("testdata/iris.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	f := strings.Split(lines[6], ",")
	f[1] = "abc"
	lines[6] = strings.Join(f, ",")
	types, err := infer(t, open(t, strings.Join(lines, "\n")), nil, 1024)
	wantError(t, err, `f.csv:7:2: column "sepal_width": "abc" is not a number, but 149 of the column's 150 values are: fix the cell, or type the column T (a category) or X (ignored)`)
	if typeString(types) != "C,C,C,C,T,B,B,B" {
		t.Errorf("suggested types %s", typeString(types))
	}
	// After a quoted newline the line is the physical one.
	text := "x,note\n1,\"two\nlines\"\n2,a\nabc,b\n3,c\n"
	_, err = infer(t, open(t, text), nil, 1024)
	wantError(t, err, `f.csv:5:1: column "x": "abc" is not a number, but 3 of the column's 4 values are: fix the cell, or type the column T (a category) or X (ignored)`)
}

// TestInferRefusesAnIDColumn: a column with more distinct values than the bound is
// refused with a suggestion of X; values equal once trimmed and lower-cased are one.
func TestInferRefusesAnIDColumn(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,y,k\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "u%d,%d,%s\n", i, i%2, []string{"a", " A", "b "}[i%3])
	}
	types, err := infer(t, open(t, b.String()), nil, 1024)
	wantError(t, err, `f.csv: column "id" has more than 1024 distinct values (an id?): as a category (T) each would become an attribute; type it X to ignore it`)
	if typeString(types) != "X,B,T" {
		t.Errorf("suggested types %s", typeString(types))
	}
	if types, err := infer(t, open(t, b.String()), nil, 0); err != nil || typeString(types) != "T,B,T" {
		t.Errorf("without a bound: %s, %v", typeString(types), err)
	}
	// Two columns that need a type are both named.
	two := strings.ReplaceAll(b.String(), ",a\n", ",a\nv0,oops,a\n")
	_, err = infer(t, open(t, strings.Replace(two, "id,y,k", "id,y,k", 1)), nil, 1024)
	if err == nil || !strings.Contains(err.Error(), "(columns that need a type: id, y)") {
		t.Errorf("two problems: %v", err)
	}
}

// TestInferMergeEqualsOneReader: inferring parts and merging them in order is inferring
// the whole file.
func TestInferMergeEqualsOneReader(t *testing.T) {
	defer func(m int64) { minPartBytes = m }(minPartBytes)
	minPartBytes = 64
	var b strings.Builder
	b.WriteString("a,b,c,d\n")
	for i := range 3000 {
		c := fmt.Sprint(i % 7)
		if i == 2500 {
			c = "oops"
		}
		fmt.Fprintf(&b, "%d,%d,%s,k%d\n", i%2, i, c, i%1500)
	}
	f := open(t, b.String())
	wantTypes, wantErr := infer(t, f, nil, 1024)
	parts, err := f.Split(5)
	if err != nil || len(parts) < 3 {
		t.Fatalf("Split: %d parts, %v", len(parts), err)
	}
	var all *Inference
	for _, p := range parts {
		in := f.NewInference(nil, 1024)
		recs, err := readAll(f, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			in.Add(r.fields, r.line)
		}
		if all == nil {
			all = in
		} else {
			all.Merge(in)
		}
	}
	types, err := all.Types()
	if typeString(types) != typeString(wantTypes) || fmt.Sprint(err) != fmt.Sprint(wantErr) {
		t.Errorf("merged: %s, %v\nwhole: %s, %v", typeString(types), err, typeString(wantTypes), wantErr)
	}
	if wantErr == nil || !strings.Contains(wantErr.Error(), "f.csv:2502:3:") {
		t.Errorf("whole: %v", wantErr)
	}
}

func TestKnownTypes(t *testing.T) {
	got := KnownTypes([]string{"x", "kind", "flag", "new", "k"},
		[]string{"x", "kind$a", "kind$b", "flag", "k$1"},
		[]dataframe.Type{dataframe.TypeC, dataframe.TypeB, dataframe.TypeB, dataframe.TypeB, dataframe.TypeB})
	want := []dataframe.Type{dataframe.TypeC, dataframe.TypeT, dataframe.TypeB, 0, dataframe.TypeT}
	if !slices.Equal(got, want) {
		t.Fatalf("KnownTypes = %v, want %v", got, want)
	}
}
