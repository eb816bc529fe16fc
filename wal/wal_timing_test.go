package wal_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/symscore/symscore/wal"
)

// benchDir is where benchmark logs live: $WAL_BENCH_DIR (to measure another disk, e.g.
// /dev/shm for the cost of the code without the device), else a temporary directory.
func benchDir(b *testing.B) string {
	if d := os.Getenv("WAL_BENCH_DIR"); d != "" {
		dir, err := os.MkdirTemp(d, "walbench")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(dir) })
		return dir
	}
	return b.TempDir()
}

// BenchmarkAppend: Append throughput by mode, record size and number of concurrent
// appenders (GOMAXPROCS × parallelism goroutines). One op is one Append.
func BenchmarkAppend(b *testing.B) {
	for _, mode := range []wal.Mode{wal.ModeAlways, wal.ModeInterval, wal.ModeNone} {
		for _, size := range []int{1 << 10, 64 << 10} {
			for _, par := range []int{1, 32} {
				name := fmt.Sprintf("mode=%v/size=%dKiB/appenders=%d", mode, size>>10, par)
				b.Run(name, func(b *testing.B) { benchAppend(b, mode, size, par) })
			}
		}
	}
}

func benchAppend(b *testing.B, mode wal.Mode, size, appenders int) {
	dir := benchDir(b)
	l, err := wal.Open(dir, wal.Options{Mode: mode})
	if err != nil {
		b.Fatal(err)
	}
	if err := l.Replay(0, func(uint64, []byte) error { return nil }); err != nil {
		b.Fatal(err)
	}
	rec := make([]byte, size)
	for i := range rec {
		rec[i] = byte(i)
	}
	var appended atomic.Int64
	b.ReportAllocs()
	b.SetBytes(int64(size))
	b.ResetTimer()
	if appenders == 1 {
		for range b.N {
			if _, err := l.Append(rec); err != nil {
				b.Fatal(err)
			}
		}
		appended.Add(int64(b.N))
	} else {
		b.SetParallelism((appenders + 1) / max(1, runtimeProcs()))
		b.RunParallel(func(pb *testing.PB) {
			n := int64(0)
			for pb.Next() {
				if _, err := l.Append(rec); err != nil {
					b.Error(err)
					return
				}
				n++
			}
			appended.Add(n)
		})
	}
	b.StopTimer()
	if got := l.NextLSN() - 1; got != uint64(appended.Load()) {
		b.Fatalf("log holds %d records, %d appended", got, appended.Load())
	}
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
	// The log must replay exactly what was appended.
	l, err = wal.Open(dir, wal.Options{Mode: wal.ModeNone})
	if err != nil {
		b.Fatal(err)
	}
	var n int64
	err = l.Replay(0, func(_ uint64, r []byte) error {
		if len(r) != size || r[size-1] != rec[size-1] {
			return fmt.Errorf("record %d differs", n)
		}
		n++
		return nil
	})
	if err != nil || n != appended.Load() {
		b.Fatalf("replay: %d records, %v; want %d", n, err, appended.Load())
	}
	l.Close()
	os.RemoveAll(dir)
}

// BenchmarkReplay: reading a 64 MiB log of 1 KiB records (page cache warm). One op is one
// full replay.
func BenchmarkReplay(b *testing.B) {
	for _, size := range []int{128, 1 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("size=%dB", size), func(b *testing.B) {
			dir := benchDir(b)
			l, err := wal.Open(dir, wal.Options{Mode: wal.ModeNone, SegmentBytes: 16 << 20})
			if err != nil {
				b.Fatal(err)
			}
			l.Replay(0, func(uint64, []byte) error { return nil })
			rec := make([]byte, size)
			total := int64(64<<20) / int64(size)
			for range total {
				if _, err := l.Append(rec); err != nil {
					b.Fatal(err)
				}
			}
			l.Close()
			b.ReportAllocs()
			b.SetBytes(total * int64(size))
			b.ResetTimer()
			for range b.N {
				l, err := wal.Open(dir, wal.Options{Mode: wal.ModeNone})
				if err != nil {
					b.Fatal(err)
				}
				var n int64
				if err := l.Replay(0, func(uint64, []byte) error { n++; return nil }); err != nil || n != total {
					b.Fatalf("replay: %d records, %v; want %d", n, err, total)
				}
				l.Close()
			}
		})
	}
}

// BenchmarkBaselineWriteSync is the standard-library baseline: one os.File.Write and one
// Sync per 1 KiB record, no batching: what ModeAlways would cost without group commit.
func BenchmarkBaselineWriteSync(b *testing.B) {
	f, err := os.Create(filepath.Join(benchDir(b), "baseline"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rec := make([]byte, 1<<10)
	b.ReportAllocs()
	b.SetBytes(int64(len(rec)))
	for b.Loop() {
		if _, err := f.Write(rec); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }
