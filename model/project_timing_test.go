package model

import (
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/internal/testkit/frames"
)

// BenchmarkLearnFrame: parse + learn of a 1000-row × 15-column DataFrame into a project,
// the in-process learn path (goal ≥ 1 M rows/s on one core, 0 allocations). Learn and
// forget alternate so the project stays the same size. One op is one message.
func BenchmarkLearnFrame(b *testing.B) {
	payload := []byte(frames.Learn1000x15())
	p := newTestProject(b, "", nil)
	var parser dataframe.Parser
	b.Run("parse+learn", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(payload)))
		i := 0
		for b.Loop() {
			f, err := parser.Parse(payload, dataframe.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if i++; i%2 == 1 {
				err = p.Learn(f)
			} else {
				err = p.Forget(f)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "rows/s")
	})
	f, err := parser.Parse(payload, dataframe.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("learn", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if i++; i%2 == 1 {
				err = p.Learn(f)
			} else {
				err = p.Forget(f)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "rows/s")
	})
}

// BenchmarkUpdate: the cost of one row's update at d continuous attributes (d(d+1)/2
// double-double additions), by 100-row frames. One op is one row.
func BenchmarkUpdate(b *testing.B) {
	for _, d := range []int{15, 100, 1000} {
		b.Run("d="+strconv.Itoa(d), func(b *testing.B) {
			f := randomFrame(b, 100, d, 5)
			p := newTestProject(b, "", nil)
			if err := p.Learn(f); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if i%100 == 0 {
					var err error
					if (i/100)%2 == 0 {
						err = p.Forget(f)
					} else {
						err = p.Learn(f)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				i++
			}
		})
	}
}

// BenchmarkMerge: merging one project's statistics into another of d attributes.
func BenchmarkMerge(b *testing.B) {
	for _, d := range []int{15, 100, 1000} {
		b.Run("d="+strconv.Itoa(d), func(b *testing.B) {
			src := newTestProject(b, "", nil)
			if err := src.Learn(randomFrame(b, 10, d, 6)); err != nil {
				b.Fatal(err)
			}
			state := src.copyState()
			dst := newTestProject(b, "", nil)
			if err := dst.Learn(randomFrame(b, 10, d, 7)); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := dst.mergeFrom(state, Limits{}, Stamp{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkProjectMemory reports the heap a project of d continuous attributes holds.
func BenchmarkProjectMemory(b *testing.B) {
	for _, d := range []int{15, 100, 1000} {
		b.Run("d="+strconv.Itoa(d), func(b *testing.B) {
			f := randomFrame(b, 2, d, 8)
			var keep []*Project
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			for b.Loop() {
				p := newTestProject(b, "", nil)
				if err := p.Learn(f); err != nil {
					b.Fatal(err)
				}
				keep = append(keep, p)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(len(keep)), "bytes/project")
			runtime.KeepAlive(keep)
		})
	}
}

// randomFrame is a frame of rows × d continuous values.
func randomFrame(b testing.TB, rows, d int, seed uint64) *dataframe.Frame {
	r := rand.New(rand.NewPCG(seed, 2))
	names := make([]string, d)
	for j := range names {
		names[j] = "a" + strconv.Itoa(j)
	}
	data := make([][]float64, rows)
	for i := range data {
		data[i] = make([]float64, d)
		for j := range data[i] {
			data[i][j] = r.NormFloat64()
		}
	}
	return frame(b, dfJSON(names, strings.Repeat("C", d), numRows(data)), dataframe.Options{})
}
