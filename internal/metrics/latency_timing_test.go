package metrics

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// BenchmarkLatencyObserve: one latency observation, against a prometheus.Histogram of the
// same buckets (the baseline), on one goroutine and on every P at once (parallel: the
// cache lines they share move between cores).
func BenchmarkLatencyObserve(b *testing.B) {
	d := 3700 * time.Nanosecond
	l := newLatencyVec("x", "x", "endpoint").with("ws_predict")
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "x", Help: "x", Buckets: latencyBuckets},
		[]string{"endpoint"}).WithLabelValues("ws_predict")
	b.Run("latency", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			l.Observe(d)
		}
	})
	b.Run("baseline_prometheus", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			h.Observe(d.Seconds())
		}
	})
	b.Run("latency/parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				l.Observe(d)
			}
		})
	})
	b.Run("baseline_prometheus/parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				h.Observe(d.Seconds())
			}
		})
	})
}
