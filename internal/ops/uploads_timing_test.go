package ops

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/symscore/symscore/csvdata"
	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/protocol"
)

// finalizeBenchBytes is the size of BenchmarkFinalize's file: $SYMSCORE_BENCH_FINALIZE_BYTES,
// or 64 MiB (BENCHMARKS.md's figures are of 1 GiB: a run of minutes, out of make test and
// of make bench's default).
func finalizeBenchBytes() int64 {
	if v, err := strconv.ParseInt(os.Getenv("SYMSCORE_BENCH_FINALIZE_BYTES"), 10, 64); err == nil && v > 0 {
		return v
	}
	return 64 << 20
}

// benchTypes are the types of benchCSV's 15 columns: 13 continuous, a binary, a category of
// 5 values (19 attributes once expanded).
const benchTypes = "C,C,C,C,C,C,C,C,C,C,C,C,C,B,T"

// benchCSV writes a CSV file of about size bytes in dir: 15 columns (benchTypes), numbers
// of 6 significant digits. It returns its path, rows and size.
func benchCSV(b *testing.B, dir string, size int64) (string, int64, int64) {
	b.Helper()
	path := filepath.Join(dir, "bench.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	header := "c0,c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11,c12,flag,kind\n"
	w.WriteString(header)
	r := rand.New(rand.NewPCG(3, 4))
	var line []byte
	written, rows := int64(len(header)), int64(0)
	for written < size {
		line = line[:0]
		for j := range 13 {
			line = strconv.AppendFloat(line, r.NormFloat64()*float64(j+1)*10+float64(j)*100, 'g', 6, 64)
			line = append(line, ',')
		}
		line = strconv.AppendInt(line, int64(r.IntN(2)), 10)
		line = append(line, ",k"...)
		line = strconv.AppendInt(line, int64(r.IntN(5)), 10)
		line = append(line, '\n')
		w.Write(line)
		written += int64(len(line))
		rows++
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path, rows, written
}

// BenchmarkFinalize: the finalize of an uploaded 15-column CSV file (types given,
// durability none) with 1 and 2 cores (GOMAXPROCS: one part per core), next to learning
// the same file in process on one core the way `symscore learn` sends it (csvdata batches
// of 1000 rows through the DataFrame rules into the store, each logged as a delta record).
// One op is the whole file; rows/s is the metric. The upload's bytes are written before
// the timer runs. The file is generated in a temporary directory, removed afterwards.
func BenchmarkFinalize(b *testing.B) {
	path, rows, size := benchCSV(b, b.TempDir(), finalizeBenchBytes())
	cfg := testConfig(b)
	cfg.Durability = "none"
	cfg.Limits.MaxUploadBytes = 1 << 40
	cfg.Limits.MaxUploadDiskBytes = 1 << 40
	s, _ := open(b, cfg, nil)
	procs := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(procs)
	n := 0
	project := func(b *testing.B) string {
		n++
		pid := fmt.Sprintf("p%d", n)
		if err := s.Create(c1, pid, "", nil); err != nil {
			b.Fatal(err)
		}
		return pid
	}
	for _, cores := range []int{1, 2} {
		b.Run(fmt.Sprintf("finalize/cores=%d", cores), func(b *testing.B) {
			runtime.GOMAXPROCS(cores)
			defer runtime.GOMAXPROCS(procs)
			b.SetBytes(size)
			for b.Loop() {
				b.StopTimer()
				pid := project(b)
				id := benchUpload(b, s, pid, path, size)
				b.StartTimer()
				job, err := s.Finalize(c1, id, FinalizeArgs{Types: benchTypes})
				if err != nil {
					b.Fatal(err)
				}
				js, err := s.WaitJob(context.Background(), c1, job)
				if err != nil || js.Status != protocol.StatusOK || js.Rows.Applied != rows {
					b.Fatalf("job %+v, %v", js, err)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
	b.Run("learn/cores=1", func(b *testing.B) {
		runtime.GOMAXPROCS(1)
		defer runtime.GOMAXPROCS(procs)
		types, err := parseTypeCodes(benchTypes)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(size)
		for b.Loop() {
			b.StopTimer()
			pid := project(b)
			b.StartTimer()
			if got := benchLearn(b, s, pid, path, types); got != rows {
				b.Fatalf("%d rows learned, want %d", got, rows)
			}
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// benchUpload announces and writes the file at path for project pid.
func benchUpload(b *testing.B, s *Service, pid, path string, size int64) string {
	st, err := s.Announce(c1, AnnounceArgs{PID: pid, Name: "bench.csv", Format: "csv", Size: size})
	if err != nil {
		b.Fatal(err)
	}
	t, _, err := s.BindUpload(c1, st.ID)
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 16<<20)
	for pos := int64(0); ; {
		k, err := io.ReadFull(f, buf)
		if k > 0 {
			if _, err := s.WriteChunk(t, pos, buf[:k]); err != nil {
				b.Fatal(err)
			}
			pos += int64(k)
		}
		if err != nil {
			break
		}
	}
	return st.ID
}

// benchLearn learns the file at path into project pid as `symscore learn` would send it,
// in process: batches of 1000 rows through the DataFrame rules into the store.
func benchLearn(b *testing.B, s *Service, pid, path string, types []dataframe.Type) int64 {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	file, err := csvdata.Open(f, st.Size(), path)
	if err != nil {
		b.Fatal(err)
	}
	var parser dataframe.Parser
	batch := file.NewBatch(types)
	r := file.Records(file.Whole())
	opts := s.frameOptions(false, "")
	rows := int64(0)
	for {
		err := batch.Fill(r, 1000)
		if err == io.EOF {
			return rows
		}
		if err != nil {
			b.Fatal(err)
		}
		fr, err := parser.ParseCells(&batch.Cells, opts)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.applyFrame(c1, pid, fr, false); err != nil {
			b.Fatal(err)
		}
		rows += int64(fr.Rows)
	}
}
