package bench

import (
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Latencies are recorded in nanoseconds, 3 significant digits, up to maxLatency (larger
// values are recorded as maxLatency).
const (
	maxLatency = int64(2 * time.Minute)
	maxShards  = 16
)

func newHistogram() *hdrhistogram.Histogram { return hdrhistogram.New(1, maxLatency, 3) }

// recorder collects latencies from many connections. Connection i records into shard
// i % len(shards), so connections rarely wait for each other and memory does not grow with
// the number of connections.
type recorder struct {
	shards []shard
}

type shard struct {
	mu sync.Mutex // guards h
	h  *hdrhistogram.Histogram
	_  [48]byte // keeps shards on separate cache lines
}

func newRecorder(connections int) *recorder {
	r := &recorder{shards: make([]shard, min(connections, maxShards))}
	for i := range r.shards {
		r.shards[i].h = newHistogram()
	}
	return r
}

func (r *recorder) shard(conn int) *shard { return &r.shards[conn%len(r.shards)] }

func (s *shard) record(d time.Duration) {
	v := min(max(int64(d), 1), maxLatency)
	s.mu.Lock()
	s.h.RecordValue(v)
	s.mu.Unlock()
}

// merged is one histogram of everything recorded. Call it once recording has stopped.
func (r *recorder) merged() *hdrhistogram.Histogram {
	h := newHistogram()
	for i := range r.shards {
		h.Merge(r.shards[i].h)
	}
	return h
}
