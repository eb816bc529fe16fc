package csvdata

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// genCSV writes rows records of 3 fields, some quoted with commas, doubled quotes and
// newlines (LF or CRLF) inside, and some blank lines.
func genCSV(seed uint64, rows int) string {
	r := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	eol := "\n"
	if r.IntN(2) == 0 {
		eol = "\r\n"
	}
	b.WriteString("id,text,x" + eol)
	for i := range rows {
		fmt.Fprintf(&b, "%d,", i)
		switch r.IntN(5) {
		case 0:
			b.WriteString(`"multi` + eol + `line, ""quoted""` + eol + `"`)
		case 1:
			b.WriteString(`"a,b"`)
		case 2:
			b.WriteString(`""`)
		default:
			fmt.Fprintf(&b, "t%d", r.IntN(100))
		}
		fmt.Fprintf(&b, ",%g%s", r.Float64(), eol)
		if r.IntN(20) == 0 {
			b.WriteString(eol)
		}
	}
	return b.String()
}

// checkSplit reads the parts of f in order and compares with reading it whole.
func checkSplit(t *testing.T, f *File, n int) []Part {
	t.Helper()
	whole, wholeErr := readAll(f, f.Whole())
	parts, err := f.Split(n)
	if err != nil {
		t.Fatalf("Split(%d): %v", n, err)
	}
	var got []record
	var gotErr error
	at, line := f.Whole().Offset, f.Whole().Line
	for _, p := range parts {
		if p.Offset != at || p.End <= p.Offset && len(parts) > 1 {
			t.Fatalf("parts %+v do not tile the body from %d", parts, f.Whole().Offset)
		}
		if p.Offset == f.Whole().Offset && p.Line != line {
			t.Fatalf("first part line %d, want %d", p.Line, line)
		}
		at = p.End
		recs, err := readAll(f, p)
		got = append(got, recs...)
		if err != nil {
			gotErr = err
			break
		}
	}
	if gotErr == nil && at != f.Size() {
		t.Fatalf("parts %+v end at %d, not at the file's end %d", parts, at, f.Size())
	}
	if (wholeErr == nil) != (gotErr == nil) {
		t.Fatalf("Split(%d) into %d parts: error %v; whole: error %v", n, len(parts), gotErr, wholeErr)
	}
	if wholeErr == nil && !reflect.DeepEqual(got, whole) {
		t.Fatalf("Split(%d) into %d parts: %d records, whole: %d; first difference at %d", n, len(parts), len(got), len(whole), firstDiff(got, whole))
	}
	if wholeErr != nil && (len(got) < len(whole) || !reflect.DeepEqual(got[:len(whole)], whole)) {
		t.Fatalf("Split(%d): the records before the error differ (%d parts, %d vs %d)", n, len(parts), len(got), len(whole))
	}
	return parts
}

func firstDiff(a, b []record) int {
	for i := range min(len(a), len(b)) {
		if !reflect.DeepEqual(a[i], b[i]) {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestSplitGivesTheRecordsOfTheWholeFile(t *testing.T) {
	defer func(m int64) { minPartBytes = m }(minPartBytes)
	minPartBytes = 64
	for seed := range uint64(20) {
		f := open(t, genCSV(seed, 300))
		for _, n := range []int{1, 2, 3, 7, 64, 1000} {
			parts := checkSplit(t, f, n)
			if n == 7 && len(parts) < 5 {
				t.Errorf("Split(7) of %d bytes made %d parts", f.Size(), len(parts))
			}
		}
	}
}

func TestSplitKeepsSmallFilesWhole(t *testing.T) {
	f := open(t, genCSV(1, 100))
	if parts, err := f.Split(8); err != nil || len(parts) != 1 || parts[0] != f.Whole() {
		t.Errorf("Split(8) of %d bytes: %+v, %v", f.Size(), parts, err)
	}
}

// TestSplitOfAFaultyFile: a quote never closed makes the rest of the file one field; the
// parts before it are exact and reading them in order fails.
func TestSplitOfAFaultyFile(t *testing.T) {
	defer func(m int64) { minPartBytes = m }(minPartBytes)
	minPartBytes = 64
	text := genCSV(3, 200)
	i := strings.Index(text[len(text)/3:], "\n") + len(text)/3
	for _, fault := range []string{"\n7,\"never closed,1\n", "\n7,bare\"quote,1\n", "\n7,\"a\"b,1\n"} {
		f := open(t, text[:i]+fault+text[i+1:])
		for _, n := range []int{2, 3, 5, 9} {
			checkSplit(t, f, n)
		}
	}
}

func FuzzSplit(f *testing.F) {
	f.Add(genCSV(1, 20), uint8(3))
	f.Add("a,b\n1,\"x\ny\"\n2,\"\"\"\n\"\n3,4", uint8(2))
	f.Add("a,b\r\n\"1\r\n\",2\r\n3,\"4\"\"\"\r\n", uint8(4))
	f.Add("a,b\n1,\"2\n3,4\n", uint8(2))
	f.Fuzz(func(t *testing.T, text string, n uint8) {
		defer func(m int64) { minPartBytes = m }(minPartBytes)
		minPartBytes = 1
		file, err := Open(strings.NewReader(text), int64(len(text)), "f.csv")
		if err != nil {
			return
		}
		checkSplit(t, file, int(n%16)+1)
	})
}
