package upload

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/symscore/symscore/csvdata"
	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/model"
)

// genCSV writes n rows: x (C, far from 0), y (C), flag (B), kind (T, with values that
// first appear late in the file), note (X: quoted text with commas and newlines), grp
// (the partition column).
func genCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("x,y,flag,kind,note,grp\r\n")
	for i := range n {
		kind := fmt.Sprintf("k%d", i%5)
		if i > n/2 {
			kind = fmt.Sprintf("late%d", i%3)
		}
		fmt.Fprintf(&b, "%g,%g,%d,%s,\"a, \"\"quoted\"\"\nnote %d\",g%d\r\n", 1e6+float64(i)*1.25, float64(i%17)-8.5+float64(i%3)/7, i%2, kind, i, i%4)
	}
	return b.Bytes()
}

var genTypes = []dataframe.Type{dataframe.TypeC, dataframe.TypeC, dataframe.TypeB, dataframe.TypeT, dataframe.TypeX, dataframe.TypeS}

// sequential learns the file into a new project batch by batch, as `symscore learn` sends
// it, and returns the project.
func sequential(t *testing.T, f *csvdata.File, types []dataframe.Type, typ string, eh int) *model.Project {
	t.Helper()
	params := map[string]string(nil)
	opts := dataframe.Options{}
	if typ == model.TypePartition {
		params = map[string]string{"partitionSplit": "grp"}
		opts.PartitionColumn = "grp"
	}
	p, err := model.NewProject("seq", typ, params)
	must(t, err)
	var parser dataframe.Parser
	b := f.NewBatch(types)
	b.Cells.ErrorHandling = eh
	r := f.Records(f.Whole())
	for {
		err := b.Fill(r, 1000)
		if err == io.EOF {
			return p
		}
		must(t, err)
		fr, err := parser.ParseCells(&b.Cells, opts)
		must(t, err)
		if fr.Rows > 0 {
			must(t, p.Learn(fr))
		}
	}
}

// applied is an empty project of type typ after learning d.
func applied(t *testing.T, d *model.Delta, typ string) *model.Project {
	t.Helper()
	params := map[string]string(nil)
	if typ == model.TypePartition {
		params = map[string]string{"partitionSplit": "grp"}
	}
	p, err := model.NewProject("up", typ, params)
	must(t, err)
	must(t, p.ApplyDelta(d, 1, model.Unlimited, model.Stamp{}))
	return p
}

func openCSV(t *testing.T, data []byte) *csvdata.File {
	t.Helper()
	f, err := csvdata.Open(bytes.NewReader(data), int64(len(data)), "f.csv")
	must(t, err)
	return f
}

// TestSummariseEqualsSequentialLearn: the delta of a file summarised in parallel parts and
// merged, learned into an empty project, gives the statistics of learning the file's rows
// message by message, to 1e-12 relative, with the attributes in the same order; in a cpu
// and a partition project, with given and inferred types.
func TestSummariseEqualsSequentialLearn(t *testing.T) {
	data := genCSV(20000)
	f := openCSV(t, data)
	for _, typ := range []string{model.TypeCPU, model.TypePartition} {
		for _, parts := range []int{1, 3, 8} {
			t.Run(fmt.Sprintf("%s/%d parts", typ, parts), func(t *testing.T) {
				o := SummaryOptions{Types: genTypes, Parts: parts, MaxDeltaBytes: 1 << 30, Partitioned: typ == model.TypePartition}
				if o.Partitioned {
					o.Frame.PartitionColumn = "grp"
				} else {
					o.Types = append([]dataframe.Type(nil), genTypes...)
					o.Types[5] = dataframe.TypeX
				}
				var prog Progress
				s, err := Summarise(context.Background(), f, o, &prog)
				must(t, err)
				if s.Rows != 20000 || s.Skipped != 0 || prog.Rows.Load() != 20000 || prog.Bytes.Load() != f.Whole().End-f.Whole().Offset {
					t.Fatalf("rows %d skipped %d; progress %d rows %d bytes", s.Rows, s.Skipped, prog.Rows.Load(), prog.Bytes.Load())
				}
				want := sequential(t, f, o.Types, typ, 0).Snapshot()
				got := applied(t, s.Delta, typ).Snapshot()
				testkit.CloseSnapshots(t, got, want, 1e-12)
				if strings.Join(got.Names, ",") != strings.Join(want.Names, ",") {
					t.Fatalf("attributes in another order:\n%v\n%v", got.Names, want.Names)
				}
			})
		}
	}
	t.Run("inferred", func(t *testing.T) {
		var prog Progress
		s, err := Summarise(context.Background(), f, SummaryOptions{Parts: 4, MaxCategories: 100, MaxDeltaBytes: 1 << 30}, &prog)
		if err == nil {
			t.Fatalf("types %v: the note column of distinct texts was not refused", s.Types)
		}
		if !strings.Contains(err.Error(), `"note"`) || !strings.HasSuffix(err.Error(), `finalize with "types":"C,C,B,T,X,T"`) {
			t.Fatalf("refusal %v", err)
		}
		known := []dataframe.Type{0, 0, 0, 0, dataframe.TypeX, dataframe.TypeX}
		var prog2 Progress
		s, err = Summarise(context.Background(), f, SummaryOptions{Known: known, Parts: 4, MaxCategories: 100, MaxDeltaBytes: 1 << 30}, &prog2)
		must(t, err)
		want := []dataframe.Type{dataframe.TypeC, dataframe.TypeC, dataframe.TypeB, dataframe.TypeT, dataframe.TypeX, dataframe.TypeX}
		if fmt.Sprint(s.Types) != fmt.Sprint(want) {
			t.Fatalf("inferred %v, want %v", s.Types, want)
		}
		if prog2.Inferred.Load() != f.Whole().End-f.Whole().Offset {
			t.Fatalf("inference read %d bytes", prog2.Inferred.Load())
		}
	})
}

// TestSummariseFirstBadCell: with errorHandling 0 the error is the file's first bad cell,
// at its physical line and column, although later parts hold bad cells too; with
// errorHandling 1 the bad rows are skipped and counted, and the rest summarised.
func TestSummariseFirstBadCell(t *testing.T) {
	data := genCSV(20000)
	lines := bytes.Split(data, []byte("\r\n"))
	// Record r (0-based, after the header) is lines[1+r] and starts on physical line
	// 2 + 2r (its note holds a newline). Spoil y in records 3000, 9000 and 15000.
	for _, r := range []int{15000, 9000, 3000} {
		i := 1 + r
		fields := bytes.SplitN(lines[i], []byte(","), 3)
		lines[i] = bytes.Join([][]byte{fields[0], []byte("abc"), fields[2]}, []byte(","))
	}
	bad := bytes.Join(lines, []byte("\r\n"))
	f := openCSV(t, bad)
	types := append([]dataframe.Type(nil), genTypes...)
	types[5] = dataframe.TypeX
	for range 5 {
		_, err := Summarise(context.Background(), f, SummaryOptions{Types: types, Parts: 8, MaxDeltaBytes: 1 << 30}, nil)
		var ce *csvdata.Error
		if !errors.As(err, &ce) || ce.Line != 2+2*3000 || ce.Column != "y" || ce.Field != 2 {
			t.Fatalf("error %v, want line %d column y", err, 2+2*3000)
		}
	}
	s, err := Summarise(context.Background(), f, SummaryOptions{Types: types, Parts: 8, ErrorHandling: 1, MaxDeltaBytes: 1 << 30}, nil)
	must(t, err)
	if s.Rows != 19997 || s.Skipped != 3 {
		t.Fatalf("rows %d, skipped %d", s.Rows, s.Skipped)
	}
	want := sequential(t, f, types, model.TypeCPU, 1).Snapshot()
	testkit.CloseSnapshots(t, applied(t, s.Delta, model.TypeCPU).Snapshot(), want, 1e-12)
}

// TestSummariseStops: a cancelled context stops the work; a file that is not CSV is its
// csvdata error.
func TestSummariseStops(t *testing.T) {
	f := openCSV(t, genCSV(20000))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	types := append([]dataframe.Type(nil), genTypes...)
	types[5] = dataframe.TypeX
	if _, err := Summarise(ctx, f, SummaryOptions{Types: types, Parts: 4}, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	g := openCSV(t, []byte("a,b\n1,2\n3\n"))
	_, err := Summarise(context.Background(), g, SummaryOptions{Types: []dataframe.Type{dataframe.TypeC, dataframe.TypeC}}, nil)
	var ce *csvdata.Error
	if !errors.As(err, &ce) || ce.Line != 3 {
		t.Fatalf("a short row: %v", err)
	}
}
