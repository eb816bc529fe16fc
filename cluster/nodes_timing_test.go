package cluster_test

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/testserver"
)

// The end-to-end figures of BENCHMARKS.md ("Cluster"): one WebSocket connection over
// loopback to a single node (its local write-ahead log) and to a cluster node whose bus is
// its embedded NATS server, each under the same durability, in the same run.
//
//	go test -run '^$' -bench 'ClusterLearn|ClusterPredict' -count 8 ./cluster/ > out.txt
//	benchstat -col /log out.txt; benchstat -col /node out.txt

// benchNode starts a server for a benchmark: a single node, or a cluster node with the
// embedded bus, under durability.
func benchNode(b *testing.B, cluster bool, durability string) *testserver.Server {
	b.Helper()
	cfg := testkit.Config()
	cfg.Durability = durability
	cfg.Log.Level = "error"
	if cluster {
		cfg.Cluster.EmbeddedNATS = true
		cfg.Cluster.EmbeddedListen = "127.0.0.1:0"
	}
	return testserver.Start(b, cfg)
}

// percentiles reports the 50th and 99th percentiles of lat, in µs.
func percentiles(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	at := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))]) / 1e3 }
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}

// BenchmarkClusterLearn: learn frames of 1 and 100 rows (15 columns) acknowledged one after
// the other on one connection: per message, the time to its acknowledgement, and rows/s.
func BenchmarkClusterLearn(b *testing.B) {
	ds := testkit.NewDataset(5, 100_000, 14)
	for _, durability := range []string{"always", "none"} {
		for _, rows := range []int{1, 100} {
			frames := make([]string, 0, 256)
			for i := range cap(frames) {
				frames = append(frames, ds.FrameJSON(i*rows%(100_000-rows), i*rows%(100_000-rows)+rows))
			}
			for _, cl := range []bool{false, true} {
				name := "local"
				if cl {
					name = "jetstream"
				}
				b.Run(fmt.Sprintf("durability=%s/rows=%d/log=%s", durability, rows, name), func(b *testing.B) {
					s := benchNode(b, cl, durability)
					s.REST(testenv.CID1, testenv.Secret1).Create("p")
					ws := s.Sym("/symetry/ws/learn", testenv.CID1, testenv.Secret1)
					ws.Signed(frames[0], "p")
					ws.Expect("OK")
					lat := make([]time.Duration, 0, b.N)
					b.ResetTimer()
					start := time.Now()
					for i := range b.N {
						t0 := time.Now()
						ws.Bare(frames[i%len(frames)])
						if e := ws.Reply(); e.StatusCode != "OK" {
							b.Fatalf("%s %s", e.StatusCode, e.StatusString)
						}
						lat = append(lat, time.Since(t0))
					}
					b.ReportMetric(float64(b.N*rows)/time.Since(start).Seconds(), "rows/s")
					percentiles(b, lat)
				})
			}
		}
	}
}

// BenchmarkClusterLearnSigned: 1-row learns each signed anew (no session frames), one after
// the other on one connection: each signature is logged with its change (a cluster node
// publishes it and waits for JetStream's answer: the cluster-wide replay refusal).
func BenchmarkClusterLearnSigned(b *testing.B) {
	ds := testkit.NewDataset(5, 100_000, 14)
	frames := make([]string, 0, 256)
	for i := range cap(frames) {
		frames = append(frames, ds.FrameJSON(i, i+1))
	}
	for _, cl := range []bool{false, true} {
		name := "local"
		if cl {
			name = "jetstream"
		}
		b.Run("durability=always/log="+name, func(b *testing.B) {
			s := benchNode(b, cl, "always")
			s.REST(testenv.CID1, testenv.Secret1).Create("p")
			ws := s.Sym("/symetry/ws/learn", testenv.CID1, testenv.Secret1)
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				t0 := time.Now()
				ws.Signed(frames[i%len(frames)], "p")
				if e := ws.Reply(); e.StatusCode != "OK" {
					b.Fatalf("%s %s", e.StatusCode, e.StatusString)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			percentiles(b, lat)
		})
	}
}

// BenchmarkClusterLearnParallel: 100-row frames on 16 connections at once into one
// project: rows/s, and per message the time to its acknowledgement.
func BenchmarkClusterLearnParallel(b *testing.B) {
	const conns, rows = 16, 100
	ds := testkit.NewDataset(6, 100_000, 14)
	frames := make([]string, 0, 256)
	for i := range cap(frames) {
		frames = append(frames, ds.FrameJSON(i*rows, i*rows+rows))
	}
	for _, durability := range []string{"always", "none"} {
		for _, cl := range []bool{false, true} {
			name := "local"
			if cl {
				name = "jetstream"
			}
			b.Run("durability="+durability+"/log="+name, func(b *testing.B) {
				s := benchNode(b, cl, durability)
				s.REST(testenv.CID1, testenv.Secret1).Create("p")
				var clients []*testkit.SymClient
				for range conns {
					ws := s.Sym("/symetry/ws/learn", testenv.CID1, testenv.Secret1)
					ws.Signed(frames[0], "p")
					ws.Expect("OK")
					clients = append(clients, ws)
				}
				lats := make([][]time.Duration, conns)
				b.ResetTimer()
				start := time.Now()
				var wg sync.WaitGroup
				for c, ws := range clients {
					wg.Go(func() {
						for i := c; i < b.N; i += conns {
							t0 := time.Now()
							ws.Bare(frames[i%len(frames)])
							if e := ws.Reply(); e.StatusCode != "OK" {
								b.Errorf("%s %s", e.StatusCode, e.StatusString)
								return
							}
							lats[c] = append(lats[c], time.Since(t0))
						}
					})
				}
				wg.Wait()
				b.ReportMetric(float64(b.N*rows)/time.Since(start).Seconds(), "rows/s")
				percentiles(b, slices.Concat(lats...))
			})
		}
	}
}

// BenchmarkClusterPredict: 1-row LDA predictions, one after the other on one connection
// (session frames), on a single node and on a cluster node: the predict path never touches
// the bus, so the two should be the same.
func BenchmarkClusterPredict(b *testing.B) {
	rows := testkit.IrisRows(b)
	var in [][]string
	for _, r := range rows {
		in = append(in, r[:4])
	}
	var frames []string
	for i := range in {
		frames = append(frames, string(testkit.FrameJSON(testkit.IrisNames[:4], testkit.IrisTypes[:4], in[i:i+1], -1)))
	}
	for _, cl := range []bool{false, true} {
		name := "single"
		if cl {
			name = "cluster"
		}
		b.Run("node="+name, func(b *testing.B) {
			s := benchNode(b, cl, config.DefaultDurability)
			c := s.REST(testenv.CID1, testenv.Secret1)
			c.Create("iris")
			c.Learn("iris", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, rows, -1))
			c.Build("iris", "lda", "m", ctxLDA).Expect(b, http.StatusOK, "Job is finished")
			ws := s.Sym("/symetry/ws/predict", testenv.CID1, testenv.Secret1)
			ws.Signed(frames[0], "iris", "m")
			ws.Expect("OK")
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				t0 := time.Now()
				ws.Bare(frames[i%len(frames)])
				if e := ws.Reply(); e.StatusCode != "OK" {
					b.Fatalf("%s %s", e.StatusCode, e.StatusString)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			percentiles(b, lat)
		})
	}
}
