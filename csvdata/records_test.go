package csvdata

import (
	"reflect"
	"testing"
)

// TestRecordsLines: lines are physical — quoted newlines, CRLF and blank lines count.
func TestRecordsLines(t *testing.T) {
	text := "a,b\r\n1,\"x\r\ny\"\r\n\r\n2,\"say \"\"hi\"\"\"\n3,\"p\n\nq\"\n4,z"
	recs, err := readAll(open(t, text), open(t, text).Whole())
	if err != nil {
		t.Fatal(err)
	}
	want := []record{{2, []string{"1", "x\ny"}}, {5, []string{"2", `say "hi"`}}, {6, []string{"3", "p\n\nq"}}, {9, []string{"4", "z"}}}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("records %v\nwant %v", recs, want)
	}
}

func TestRecordsRefuseBadRows(t *testing.T) {
	for text, want := range map[string]string{
		"a,b\n1,2\n3\n":              "f.csv:3: the row has a different number of fields than the header's 2",
		"a,b\n1,2\n3,4,5\n":          "f.csv:3: the row has a different number of fields than the header's 2",
		"a,b\n1,\"x\ny\"\n2,\"3\n":   `f.csv:4: extraneous or missing " in quoted-field (byte 6 of the line; a quote inside a quoted field is written twice)`,
		"a,b\n1,2\n3,x\"y\n":         `f.csv:3: bare " in non-quoted-field (byte 4 of the line; a quote inside a quoted field is written twice)`,
		"a,b\n1,\"two\nlines\",\xff": "f.csv:2: the row has a different number of fields than the header's 2",
		"a,b\n\"two\nlines\",\xfe\n": `f.csv:3:2: column "b": not valid UTF-8: "\xfe"`,
	} {
		f := open(t, text)
		_, err := readAll(f, f.Whole())
		wantError(t, err, want)
		// Every later Read repeats the error.
		r := f.Records(f.Whole())
		for {
			if _, _, e := r.Read(); e != nil {
				if _, _, again := r.Read(); again != e {
					t.Errorf("%q: Read after %v returned %v", text, e, again)
				}
				break
			}
		}
	}
}

func TestFieldLine(t *testing.T) {
	rec := []string{"a\nb", "c", "d\n\ne", "f"}
	for i, want := range []int{10, 11, 11, 13} {
		if got := FieldLine(rec, 10, i); got != want {
			t.Errorf("FieldLine(%d) = %d, want %d", i, got, want)
		}
	}
}

func TestRecordsOffset(t *testing.T) {
	text := "a,b\n1,\"x\ny\"\n2,3\n"
	f := open(t, text)
	r := f.Records(f.Whole())
	for _, want := range []int64{12, 16} {
		if _, _, err := r.Read(); err != nil || r.Offset() != want {
			t.Fatalf("Offset %d, %v; want %d", r.Offset(), err, want)
		}
	}
}
