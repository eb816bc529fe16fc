package csvdata

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

// FuzzFile: whatever the bytes, Open, inference, batches and ParseCells never panic,
// every refusal is an *Error placed within the file's lines, and the inferred types are
// never X (only a suggestion on refusal is).
func FuzzFile(f *testing.F) {
	iris, err := os.ReadFile("testdata/iris.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(iris[:2000]))
	f.Add("x,note,b\n1,\"two\nlines\",0\n2,ok,1\n3,\"a\nb\",2\n")
	f.Add("\ufeffa,b\r\n1,abc\r\n2,3\r\n4,5\r\n")
	f.Add("id\nu1\nu2\nu3\nu4\n")
	f.Fuzz(func(t *testing.T, text string) {
		file, err := Open(strings.NewReader(text), int64(len(text)), "f.csv")
		if err != nil {
			checkPlaced(t, err, text)
			return
		}
		in := file.NewInference(nil, 2)
		r := file.Records(file.Whole())
		for {
			rec, line, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				checkPlaced(t, err, text)
				return
			}
			in.Add(rec, line)
		}
		types, err := in.Types()
		if err != nil {
			checkPlaced(t, err, text)
			return
		}
		for _, typ := range types {
			if typ == dataframe.TypeX {
				t.Fatalf("inferred X: %v", types)
			}
		}
		b := file.NewBatch(types)
		var p dataframe.Parser
		rr := file.Records(file.Whole())
		for {
			err := b.Fill(rr, 3)
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				t.Fatalf("a second read failed where the first did not: %v", err)
			}
			if _, err := p.ParseCells(&b.Cells, dataframe.Options{}); err != nil {
				checkPlaced(t, b.Place(err), text)
			}
		}
	})
}

// checkPlaced fails unless err is an *Error whose line is within text.
func checkPlaced(t *testing.T, err error, text string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	if lines := strings.Count(text, "\n") + 1; e.Line < 0 || e.Line > lines {
		t.Fatalf("error %v: line %d of a %d-line file", err, e.Line, lines)
	}
}
