package cluster

import (
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/natstest"
	"github.com/symscore/symscore/store"
)

// joinState makes, through node a, a project of d = 100 attributes (96 continuous inputs,
// a binary target, a category of 3 values) holding 10⁷ rows: 100 learns of 1000 rows into
// a seed project (10⁵ rows, summary-delta records), then 100 merges of the seed into the
// project. The stream holds those 202 records; the state is two projects.
func joinState(b *testing.B, a node) {
	b.Helper()
	ds := testkit.NewDataset(1, 1000, 96)
	frame := ds.FrameJSON(0, 1000)
	must(b, a.st.Create("c1", "seed", "", nil))
	must(b, a.st.Create("c1", "p", "", nil))
	for range 100 {
		must(b, a.st.Learn("c1", "seed", testkit.ParseFrame(b, frame)))
	}
	for range 100 {
		must(b, a.st.Merge("c1", "p", "seed"))
	}
	p, err := a.st.Project("c1", "p")
	must(b, err)
	if s := p.Snapshot(); s.Total.N != 10_000_000 || len(s.Names) != 100 {
		b.Fatalf("%d rows of %d attributes", s.Total.N, len(s.Names))
	}
}

// BenchmarkJoin: the time for a new node to be ready (Open, Bootstrap, store.Open caught
// up: what /readyz waits for) on a cluster holding a d = 100 project of 10⁷ rows, from the
// newest snapshot on the bus (sub-benchmark snapshot) and, as the same-run baseline, by
// reading the whole stream (stream: no snapshot, the stream never purged); and (publish)
// the leader's work: the time to encode that state as a full snapshot and put it in the
// object store, and its size.
//
//	go test -run '^$' -bench Join -benchtime 10x -count 8 ./cluster/
func BenchmarkJoin(b *testing.B) {
	bus := natstest.Start(b)
	a := openNode(b, testOptions(bus.URL(), "a"))
	joinState(b, a)
	l := &leader{n: a.Node, src: a.st}
	b.Run("publish", func(b *testing.B) {
		var enc, put time.Duration
		var size uint64
		for b.Loop() {
			l.newest = &SnapshotInfo{} // the same snapshot again, under the same name
			ev, err := l.publish()
			must(b, err)
			enc, put, size = enc+ev.Encode, put+ev.Publish, ev.Size
		}
		b.ReportMetric(float64(enc.Microseconds())/1e3/float64(b.N), "ms-encode")
		b.ReportMetric(float64(put.Microseconds())/1e3/float64(b.N), "ms-put")
		b.ReportMetric(float64(size), "snapshot-bytes")
	})
	last := streamStateOf(b, a).LastSeq
	for _, mode := range []string{"snapshot", "stream"} {
		b.Run(mode, func(b *testing.B) {
			for b.Loop() {
				start := time.Now()
				n, err := Open(testOptions(bus.URL(), "new"))
				must(b, err)
				var snap []byte
				if mode == "snapshot" {
					snap, err = n.Bootstrap()
					must(b, err)
				}
				st, err := store.Open(store.Options{Log: n.Log(), DeltaRecords: true, Snapshot: snap})
				must(b, err)
				ready := time.Since(start)
				if n.Log().NextSeq() != last+1 {
					b.Fatalf("caught up to %d, the stream ends at %d", n.Log().NextSeq()-1, last)
				}
				b.ReportMetric(float64(ready.Microseconds())/1e3, "ms-to-ready")
				st.Close()
				n.Close()
			}
		})
	}
}
