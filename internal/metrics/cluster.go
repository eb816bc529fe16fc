package metrics

import "github.com/prometheus/client_golang/prometheus"

// Cluster are the metrics of a cluster node (package cluster updates them), registered by
// ClusterMetrics: a single node has none of them.
type Cluster struct {
	// AppliedSeq is symscore_cluster_applied_sequence: the stream sequence of the last
	// record this node applied (or handed to its change's waiter).
	AppliedSeq prometheus.Gauge
	// Lag is symscore_cluster_lag_records: how many records the stream held after it.
	Lag prometheus.Gauge
	// Applied is symscore_cluster_records_applied_total: its rate is the apply rate.
	Applied prometheus.Counter
	// Publish is symscore_cluster_publish_seconds: from a publish to JetStream's
	// acknowledgement.
	Publish prometheus.Histogram
	// Connected is symscore_cluster_connected: 1 while the bus connection is up.
	Connected prometheus.Gauge
	// SnapshotTime is symscore_cluster_snapshot_timestamp_seconds: when the newest
	// snapshot on the bus was published (its age: time() minus it).
	SnapshotTime prometheus.Gauge
	// SnapshotCovered is symscore_cluster_snapshot_covered_sequence: the stream sequence
	// it covers.
	SnapshotCovered prometheus.Gauge
}

// ClusterMetrics registers the metrics of a cluster node in the set. Call it once.
func (s *Set) ClusterMetrics() *Cluster {
	c := &Cluster{
		AppliedSeq: prometheus.NewGauge(prometheus.GaugeOpts{Name: "symscore_cluster_applied_sequence",
			Help: "Stream sequence of the last record of the cluster's stream this node applied."}),
		Lag: prometheus.NewGauge(prometheus.GaugeOpts{Name: "symscore_cluster_lag_records",
			Help: "Records on the cluster's stream after the last one this node applied, as of its delivery."}),
		Applied: prometheus.NewCounter(prometheus.CounterOpts{Name: "symscore_cluster_records_applied_total",
			Help: "Records of the cluster's stream this node applied (rate: the apply rate)."}),
		Publish: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "symscore_cluster_publish_seconds",
			Help: "Time from publishing a change on the cluster's stream to JetStream's acknowledgement.", Buckets: latencyBuckets}),
		Connected: prometheus.NewGauge(prometheus.GaugeOpts{Name: "symscore_cluster_connected",
			Help: "1 while this node's connection to the cluster's bus is up, else 0."}),
	}
	c.SnapshotTime = prometheus.NewGauge(prometheus.GaugeOpts{Name: "symscore_cluster_snapshot_timestamp_seconds",
		Help: "Unix time the newest snapshot on the cluster's bus was published (0: none); its age is time() minus it."})
	c.SnapshotCovered = prometheus.NewGauge(prometheus.GaugeOpts{Name: "symscore_cluster_snapshot_covered_sequence",
		Help: "Stream sequence the newest snapshot on the cluster's bus covers (0: none)."})
	s.registry.MustRegister(c.AppliedSeq, c.Lag, c.Applied, c.Publish, c.Connected, c.SnapshotTime, c.SnapshotCovered)
	return c
}
