package cluster

import (
	"slices"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/natstest"
	"github.com/symscore/symscore/store"
)

// timedLog is a Log whose deliveries of other nodes' records are timed: the time each was
// applied (Deliver applies a record from elsewhere before it returns) goes to applied.
type timedLog struct {
	*Log
	applied chan time.Time
}

func (l *timedLog) Start(deliver store.Deliver) {
	l.Log.Start(func(seq uint64, rec []byte, local any) {
		deliver(seq, rec, local)
		if local == nil {
			l.applied <- time.Now()
		}
	})
}

// BenchmarkReplicationLag: node A learns 1-row frames one after the other; each time, the
// time from A's acknowledgement (its Learn returning: published, stored, applied on A) to
// the record's application on node B, 0 when B applied it first. Two nodes in this process
// on one NATS server over loopback TCP; the clients' transport, the same for both nodes,
// is left out.
//
//	go test -run '^$' -bench ReplicationLag -count 8 ./cluster/
func BenchmarkReplicationLag(b *testing.B) {
	bus := natstest.Start(b)
	a := openNode(b, testOptions(bus.URL(), "a"))
	n, err := Open(testOptions(bus.URL(), "b"))
	must(b, err)
	tl := &timedLog{Log: n.Log(), applied: make(chan time.Time, 16)}
	st, err := store.Open(store.Options{Log: tl, DeltaRecords: true})
	must(b, err)
	b.Cleanup(func() { st.Close(); n.Close() })
	ds := testkit.NewDataset(9, 4096, 14)
	frames := make([]string, 0, 4096)
	for i := range cap(frames) {
		frames = append(frames, ds.FrameJSON(i, i+1))
	}
	must(b, a.st.Create("c1", "p", "", nil))
	<-tl.applied
	lag := make([]time.Duration, 0, b.N)
	first := 0 // learns B applied before A acknowledged them
	b.ResetTimer()
	for i := range b.N {
		f := testkit.ParseFrame(b, frames[i%len(frames)])
		if err := a.st.Learn("c1", "p", f); err != nil {
			b.Fatal(err)
		}
		acked := time.Now()
		d := (<-tl.applied).Sub(acked)
		if d <= 0 {
			first++
		}
		lag = append(lag, max(0, d))
	}
	b.StopTimer()
	slices.Sort(lag)
	b.ReportMetric(float64(lag[len(lag)/2])/1e3, "p50-µs")
	b.ReportMetric(float64(lag[len(lag)*99/100])/1e3, "p99-µs")
	b.ReportMetric(100*float64(first)/float64(b.N), "B-first-%")
}
