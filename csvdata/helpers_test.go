package csvdata

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// open opens text as a file named "f.csv".
func open(t testing.TB, text string) *File {
	t.Helper()
	f, err := Open(strings.NewReader(text), int64(len(text)), "f.csv")
	if err != nil {
		t.Fatalf("Open(%q): %v", text, err)
	}
	return f
}

// record is a record with its line, as Read returned it.
type record struct {
	line   int
	fields []string
}

// readAll reads every record of part p; err is the first error other than io.EOF.
func readAll(f *File, p Part) (recs []record, err error) {
	r := f.Records(p)
	for {
		rec, line, err := r.Read()
		if errors.Is(err, io.EOF) {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, record{line, append([]string(nil), rec...)})
	}
}

// wantError checks that err is an *Error whose text is want.
func wantError(t *testing.T, err error, want string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want *Error %q", err, err, want)
	}
	if err.Error() != want {
		t.Fatalf("error\n %s\nwant\n %s", err, want)
	}
}
