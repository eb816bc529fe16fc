package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/wal"
)

// benchDir is where benchmark stores live: $STORE_BENCH_DIR (another disk), else a
// temporary directory.
func benchDir(b *testing.B) string {
	if d := os.Getenv("STORE_BENCH_DIR"); d != "" {
		dir, err := os.MkdirTemp(d, "storebench")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(dir) })
		return dir
	}
	return b.TempDir()
}

// benchFrame is a frame of rows × cols continuous values.
func benchFrame(b testing.TB, rows, cols int, seed uint64) *dataframe.Frame {
	r := rand.New(rand.NewPCG(seed, 1))
	var sb strings.Builder
	sb.WriteString(`{"attributeNames":[`)
	for j := range cols {
		if j > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `"c%d"`, j)
	}
	sb.WriteString(`],"attributeTypes":[`)
	for j := range cols {
		if j > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`"C"`)
	}
	sb.WriteString(`],"data":[`)
	for i := range rows {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('[')
		for j := range cols {
			if j > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(`"` + strconv.FormatFloat(r.NormFloat64(), 'g', 8, 64) + `"`)
		}
		sb.WriteByte(']')
	}
	sb.WriteString(`]}`)
	return parse(b, sb.String(), "")
}

// BenchmarkStoreLearn: learn throughput through the store by durability and number of
// concurrent learners into one project (100-row × 15-column frames, parsed once;
// learners is rounded to a multiple of GOMAXPROCS). With
// ModeAlways, concurrent learners share fsyncs (group commit). One op is one frame.
func BenchmarkStoreLearn(b *testing.B) {
	frame := benchFrame(b, 100, 15, 1)
	for _, mode := range []wal.Mode{wal.ModeNone, wal.ModeInterval, wal.ModeAlways} {
		for _, learners := range []int{1, 32} {
			b.Run(fmt.Sprintf("%s/learners=%d", mode, learners), func(b *testing.B) {
				s := open(b, Options{Dir: benchDir(b), Mode: mode, CheckpointInterval: -1})
				must(b, s.Create("c1", "p", "", nil))
				b.ReportAllocs()
				b.SetParallelism(max(1, learners/runtime.GOMAXPROCS(0)))
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := s.Learn("c1", "p", frame); err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)*100/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}

// BenchmarkStoreLearnRow: one-row frames of 15 columns (streaming), mode none, into one
// project: the cost of the change flow itself around the smallest learn; into a partition
// project too (one of 8 partition values a row, all known), whose learns hold a
// reservation of the customer's budget. One op is one frame.
func BenchmarkStoreLearnRow(b *testing.B) {
	frame := benchFrame(b, 1, 15, 1)
	for _, learners := range []int{1, 32} {
		b.Run(fmt.Sprintf("none/learners=%d", learners), func(b *testing.B) {
			s := open(b, Options{Dir: benchDir(b), Mode: wal.ModeNone, CheckpointInterval: -1})
			must(b, s.Create("c1", "p", "", nil))
			b.ReportAllocs()
			b.SetParallelism(max(1, learners/runtime.GOMAXPROCS(0)))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := s.Learn("c1", "p", frame); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
	b.Run("partition/none/learners=1", func(b *testing.B) {
		s := open(b, Options{Dir: benchDir(b), Mode: wal.ModeNone, CheckpointInterval: -1})
		must(b, s.Create("c1", "p", "partition", map[string]string{"partitionSplit": "k"}))
		var frames []*dataframe.Frame
		for g := range 8 {
			row := benchFrame(b, 1, 15, uint64(g))
			payload := `{"attributeNames":["c0","c1","k"],"attributeTypes":["C","C","S"],"data":[["` +
				strconv.FormatFloat(row.Vals[0], 'g', -1, 64) + `","` + strconv.FormatFloat(row.Vals[1], 'g', -1, 64) + `","g` + strconv.Itoa(g) + `"]]}`
			frames = append(frames, parse(b, payload, "k"))
			must(b, s.Learn("c1", "p", frames[g]))
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if err := s.Learn("c1", "p", frames[i%8]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkStoreLearnProjects: as StoreLearn with 32 learners, each into its own project
// (changes of different projects are applied in parallel; they share the log's fsyncs).
func BenchmarkStoreLearnProjects(b *testing.B) {
	frame := benchFrame(b, 100, 15, 1)
	for _, mode := range []wal.Mode{wal.ModeNone, wal.ModeAlways} {
		b.Run(fmt.Sprintf("%s/learners=32", mode), func(b *testing.B) {
			s := open(b, Options{Dir: benchDir(b), Mode: mode, CheckpointInterval: -1})
			for i := range 32 {
				must(b, s.Create("c1", fmt.Sprintf("p%d", i), "", nil))
			}
			var next atomic.Int64
			b.ReportAllocs()
			b.SetParallelism(max(1, 32/runtime.GOMAXPROCS(0)))
			b.RunParallel(func(pb *testing.PB) {
				pid := fmt.Sprintf("p%d", next.Add(1)%32)
				for pb.Next() {
					if err := s.Learn("c1", pid, frame); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)*100/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkRecovery: Open on a data directory holding (log) 1,000,000 learned rows of 15
// columns only in the log, in 1000-row records, or (snapshot) a project of d = 100
// attributes in its snapshot. One op is one Open and Close.
func BenchmarkRecovery(b *testing.B) {
	b.Run("log/rows=1M/d=15", func(b *testing.B) {
		dir := benchDir(b)
		s := open(b, Options{Dir: dir, Mode: wal.ModeNone, CheckpointInterval: -1})
		must(b, s.Create("c1", "p", "", nil))
		frame := benchFrame(b, 1000, 15, 2)
		for range 1000 {
			must(b, s.Learn("c1", "p", frame))
		}
		crash(b, s) // leave everything in the log
		recoverBench(b, dir, 1_000_000)
	})
	b.Run("snapshot/d=100", func(b *testing.B) {
		dir := benchDir(b)
		s := open(b, Options{Dir: dir, Mode: wal.ModeNone, CheckpointInterval: -1})
		must(b, s.Create("c1", "p", "", nil))
		must(b, s.Learn("c1", "p", benchFrame(b, 1000, 100, 3)))
		must(b, s.Close()) // checkpoints: the state is in the snapshot
		recoverBench(b, dir, 1000)
	})
}

func recoverBench(b *testing.B, dir string, rows int64) {
	b.ReportAllocs()
	for b.Loop() {
		s, err := Open(Options{Dir: dir, Mode: wal.ModeNone, CheckpointInterval: -1})
		if err != nil {
			b.Fatal(err)
		}
		p, err := s.Project("c1", "p")
		if err != nil || p.Rows() != rows {
			b.Fatalf("recovered %v rows, want %d (%v)", p, rows, err)
		}
		crash(b, s) // no checkpoint: the next Open replays the same log
	}
}

// BenchmarkStoreLogBytes: the bytes the log grows by per learned row, learning 100,000 rows
// of 15 continuous columns in 1000-row frames (and, for comparison, in 10-row frames, and
// 1000-row frames with one T column of 50 values). One op is the whole learn; the metric is
// log-bytes/row, from the size of the log's segment files.
func BenchmarkStoreLogBytes(b *testing.B) {
	for _, c := range []struct {
		name       string
		rows, cols int
		tValues    int
	}{
		{"frame=1000x15", 1000, 15, 0},
		{"frame=10x15", 10, 15, 0},
		{"frame=1000x15+T50", 1000, 15, 50},
	} {
		b.Run(c.name, func(b *testing.B) {
			frame := benchFrame(b, c.rows, c.cols, 4)
			if c.tValues > 0 {
				frame = benchFrameT(b, c.rows, c.cols, c.tValues, 4)
			}
			const total = 100_000
			var perRow float64
			b.ReportAllocs()
			for b.Loop() {
				dir := benchDir(b)
				s := open(b, Options{Dir: dir, Mode: wal.ModeNone, CheckpointInterval: -1, SegmentBytes: 1 << 30})
				must(b, s.Create("c1", "p", "", nil))
				base := logBytes(b, dir)
				for range total / c.rows {
					must(b, s.Learn("c1", "p", frame))
				}
				perRow = float64(logBytes(b, dir)-base) / total
				crash(b, s)
			}
			b.ReportMetric(perRow, "log-bytes/row")
		})
	}
}

// logBytes is the size of the log's segment files in dir.
func logBytes(b *testing.B, dir string) int64 { return logBytesOf(b, dir) }

// logBytesOf is the size of the log's segment files in dir.
func logBytesOf(b testing.TB, dir string) int64 {
	entries, err := os.ReadDir(filepath.Join(dir, "wal"))
	if err != nil {
		b.Fatal(err)
	}
	var n int64
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".wal") {
			fi, err := e.Info()
			if err != nil {
				b.Fatal(err)
			}
			n += fi.Size()
		}
	}
	return n
}

// benchFrameT is benchFrame with one more column, a T attribute of tValues values.
func benchFrameT(b testing.TB, rows, cols, tValues int, seed uint64) *dataframe.Frame {
	r := rand.New(rand.NewPCG(seed, 1))
	var sb strings.Builder
	sb.WriteString(`{"attributeNames":[`)
	for j := range cols {
		fmt.Fprintf(&sb, `"c%d",`, j)
	}
	sb.WriteString(`"kind"],"attributeTypes":[`)
	for range cols {
		sb.WriteString(`"C",`)
	}
	sb.WriteString(`"T"],"data":[`)
	for i := range rows {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('[')
		for range cols {
			sb.WriteString(`"` + strconv.FormatFloat(r.NormFloat64(), 'g', 8, 64) + `",`)
		}
		fmt.Fprintf(&sb, `"v%d"]`, r.IntN(tValues))
	}
	sb.WriteString(`]}`)
	return parse(b, sb.String(), "")
}
