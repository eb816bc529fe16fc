package csvdata

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

// benchCSV is a CSV of rows rows of 15 columns (12 C, 2 B, 1 T of 5 values), as the
// upload benchmarks of the server use.
func benchCSV(rows int) string {
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for i := range 12 {
		fmt.Fprintf(&b, "c%d,", i)
	}
	b.WriteString("b0,b1,kind\n")
	for range rows {
		for range 12 {
			fmt.Fprintf(&b, "%.4f,", r.NormFloat64()*10)
		}
		fmt.Fprintf(&b, "%d,%d,k%d\n", r.IntN(2), r.IntN(2), r.IntN(5))
	}
	return b.String()
}

// readParts reads every record of f in n parts, one goroutine each, and returns the
// record count; each part also parses its records into Frames, as learning would.
func readParts(b *testing.B, f *File, n int, parse bool) int {
	parts, err := f.Split(n)
	if err != nil {
		b.Fatal(err)
	}
	counts := make([]int, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		wg.Go(func() {
			r := f.Records(p)
			types := []dataframe.Type{}
			for range 14 {
				types = append(types, dataframe.TypeC)
			}
			types = append(types, dataframe.TypeT)
			batch := f.NewBatch(types)
			var dp dataframe.Parser
			for {
				err := batch.Fill(r, 1000)
				if errors.Is(err, io.EOF) {
					return
				}
				if err != nil {
					b.Error(err)
					return
				}
				if parse {
					if _, err := dp.ParseCells(&batch.Cells, dataframe.Options{}); err != nil {
						b.Error(err)
						return
					}
				}
				counts[i] += batch.Rows()
			}
		})
	}
	wg.Wait()
	total := 0
	for _, c := range counts {
		total += c
	}
	return total
}

// BenchmarkRead reads and converts a 20 MB file with 1 and 2 goroutines (parts); the
// baseline is reading the same bytes with no parsing at all (bytes.Count over the file).
func BenchmarkRead(b *testing.B) {
	const rows = 150_000
	text := benchCSV(rows)
	f, err := Open(strings.NewReader(text), int64(len(text)), "bench.csv")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("baseline=scan", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		for b.Loop() {
			if err := scanRange(strings.NewReader(text), 0, int64(len(text)), func([]byte) bool { return true }); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, parse := range []bool{false, true} {
		for _, n := range []int{1, 2} {
			b.Run(fmt.Sprintf("parse=%v/parts=%d", parse, n), func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				b.ReportAllocs()
				for b.Loop() {
					if got := readParts(b, f, n, parse); got != rows {
						b.Fatalf("%d records, want %d", got, rows)
					}
				}
			})
		}
	}
}

// BenchmarkInfer infers the types of the same file with one Inference.
func BenchmarkInfer(b *testing.B) {
	text := benchCSV(150_000)
	f, err := Open(strings.NewReader(text), int64(len(text)), "bench.csv")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		in := f.NewInference(nil, 1024)
		r := f.Records(f.Whole())
		for {
			rec, line, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			in.Add(rec, line)
		}
		if types, err := in.Types(); err != nil || types[14] != dataframe.TypeT || types[13] != dataframe.TypeB {
			b.Fatalf("types %v, %v", types, err)
		}
	}
}
