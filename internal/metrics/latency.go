package metrics

import (
	"math/bits"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// numLatencyBuckets is len(latencyBuckets).
const numLatencyBuckets = 20

// latencyBounds are latencyBuckets in nanoseconds: bucket i holds a duration d of at most
// latencyBounds[i], exactly the durations whose d.Seconds() is at most latencyBuckets[i].
// latencyStart[n] is the first bucket whose bound is at least 2^(n-1): the first bucket
// that can hold a duration of bit length n.
var latencyBounds, latencyStart = latencyTables()

func latencyTables() (bounds [numLatencyBuckets]int64, start [65]uint8) {
	if len(latencyBuckets) != numLatencyBuckets {
		panic("metrics: numLatencyBuckets is not len(latencyBuckets)")
	}
	for i, b := range latencyBuckets {
		n := int64(b * 1e9)
		for time.Duration(n+1).Seconds() <= b {
			n++
		}
		for time.Duration(n).Seconds() > b {
			n--
		}
		bounds[i] = n
	}
	for n := 1; n < len(start); n++ {
		i := 0
		for i < numLatencyBuckets && bounds[i] < int64(1)<<(n-1) {
			i++
		}
		start[n] = uint8(i)
	}
	return bounds, start
}

// latencyBucket is the bucket of d: the first whose bound d does not exceed, or
// numLatencyBuckets (+Inf). The bounds grow by 2 to 2.5 from one to the next, so that from
// the first bucket that can hold d's bit length, at most two steps remain.
func latencyBucket(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	i := int(latencyStart[bits.Len64(uint64(d))])
	for i < numLatencyBuckets && int64(d) > latencyBounds[i] {
		i++
	}
	return i
}

// latencyVec is symscore_request_duration_seconds, by endpoint: the exposition of a
// prometheus.HistogramVec with latencyBuckets, observed more cheaply. A
// prometheus.Histogram takes four atomic additions, a compare-and-swap loop on its float
// sum and a search of the bounds in float per observation; Latency.Observe takes two
// atomic additions in integer nanoseconds (its bucket, the sum) and finds the bucket from
// the duration's bit length. Its count is the sum of the buckets, read at collection; its
// sum is exact up to 292 years of observed time. Safe for concurrent use.
type latencyVec struct {
	desc *prometheus.Desc

	mu       sync.Mutex // guards children
	children map[string]*Latency
}

func newLatencyVec(name, help, label string) *latencyVec {
	return &latencyVec{
		desc:     prometheus.NewDesc(name, help, []string{label}, nil),
		children: make(map[string]*Latency),
	}
}

// with returns the child of label value v, made on first use.
func (lv *latencyVec) with(v string) *Latency {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	l := lv.children[v]
	if l == nil {
		l = &Latency{value: v, created: time.Now()}
		lv.children[v] = l
	}
	return l
}

// Describe implements prometheus.Collector.
func (lv *latencyVec) Describe(ch chan<- *prometheus.Desc) { ch <- lv.desc }

// Collect implements prometheus.Collector: one histogram per child, as a
// prometheus.HistogramVec writes it (cumulative buckets, the count as the +Inf bucket, the
// sum in seconds, the child's creation as its created timestamp).
func (lv *latencyVec) Collect(ch chan<- prometheus.Metric) {
	lv.mu.Lock()
	children := make([]*Latency, 0, len(lv.children))
	for _, l := range lv.children {
		children = append(children, l)
	}
	lv.mu.Unlock()
	for _, l := range children {
		buckets := make(map[float64]uint64, numLatencyBuckets)
		var cum uint64
		for i, b := range latencyBuckets {
			cum += l.counts[i].Load()
			buckets[b] = cum
		}
		count := cum + l.counts[numLatencyBuckets].Load()
		sum := time.Duration(l.sumNanos.Load()).Seconds()
		ch <- prometheus.MustNewConstHistogramWithCreatedTimestamp(lv.desc, count, sum, buckets, l.created, l.value)
	}
}

// Latency is the histogram of one label value of a latencyVec. Safe for concurrent use;
// Observe allocates nothing.
type Latency struct {
	counts   [numLatencyBuckets + 1]atomic.Uint64 // per bucket, not cumulative; the last is +Inf
	sumNanos atomic.Int64
	value    string
	created  time.Time
}

// Observe counts one duration.
func (l *Latency) Observe(d time.Duration) {
	l.counts[latencyBucket(d)].Add(1)
	l.sumNanos.Add(int64(d))
}
