package cluster

import "github.com/prometheus/client_golang/prometheus"

// Metrics are what a node updates (package internal/metrics defines them). A nil field is
// replaced by a collector nobody reads.
type Metrics struct {
	// AppliedSeq is the stream sequence of the last record this node delivered to its
	// store.
	AppliedSeq prometheus.Gauge
	// Lag is how many records the stream held after it when it was delivered.
	Lag prometheus.Gauge
	// Applied counts the records delivered: its rate is the apply rate.
	Applied prometheus.Counter
	// Publish observes the seconds from a publish to JetStream's acknowledgement.
	Publish prometheus.Observer
	// Connected is 1 while the bus connection is up, else 0.
	Connected prometheus.Gauge
	// SnapshotTime is the Unix time (seconds) the newest snapshot on the bus was
	// published, SnapshotCovered the stream sequence it covers; both 0 while there is none.
	SnapshotTime, SnapshotCovered prometheus.Gauge
}

// filled returns m (or a new Metrics) with every nil field set.
func (m *Metrics) filled() *Metrics {
	var out Metrics
	if m != nil {
		out = *m
	}
	if out.AppliedSeq == nil {
		out.AppliedSeq = prometheus.NewGauge(prometheus.GaugeOpts{Name: "unused"})
	}
	if out.Lag == nil {
		out.Lag = prometheus.NewGauge(prometheus.GaugeOpts{Name: "unused"})
	}
	if out.Applied == nil {
		out.Applied = prometheus.NewCounter(prometheus.CounterOpts{Name: "unused"})
	}
	if out.Publish == nil {
		out.Publish = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "unused"})
	}
	if out.Connected == nil {
		out.Connected = prometheus.NewGauge(prometheus.GaugeOpts{Name: "unused"})
	}
	if out.SnapshotTime == nil {
		out.SnapshotTime = prometheus.NewGauge(prometheus.GaugeOpts{Name: "unused"})
	}
	if out.SnapshotCovered == nil {
		out.SnapshotCovered = prometheus.NewGauge(prometheus.GaugeOpts{Name: "unused"})
	}
	return &out
}
