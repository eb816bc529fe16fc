package metrics

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// State is what the server holds, read once per scrape for the state gauges. Zero values
// are reported as they are (a server still recovering has no projects yet).
type State struct {
	// Projects and Models count the live projects of every customer and their models.
	Projects, Models int
	// WALBytes is the size on disk of the write-ahead log's segments.
	WALBytes int64
	// CheckpointAgeSeconds is the time since the last checkpoint that succeeded.
	CheckpointAgeSeconds float64
	// ReplayEntries is how many signatures the replay memory holds; ReplayFill how full
	// its fullest part is, from 0 to 1 (at 1 that part refuses signed messages).
	ReplayEntries int
	ReplayFill    float64
	// UploadDiskBytes is the disk the files of uploads in progress take.
	UploadDiskBytes int64
	// TLSCertNotAfter is when the main listener's certificate expires; zero without TLS
	// (then the gauge is not reported).
	TLSCertNotAfter time.Time
}

// stateCollector reports State as gauges, read through a function the server sets once it
// has something to read.
type stateCollector struct {
	read atomic.Pointer[func() State]

	projects, models, walBytes, checkpointAge, replayEntries, replayFill, uploadDisk, tlsNotAfter *prometheus.Desc
}

func newStateCollector() *stateCollector {
	d := func(name, help string) *prometheus.Desc { return prometheus.NewDesc(name, help, nil, nil) }
	return &stateCollector{
		projects:      d("symscore_projects", "Projects, over every customer."),
		models:        d("symscore_models", "Models, over every project."),
		walBytes:      d("symscore_wal_bytes", "Bytes of the write-ahead log's segment files: what a restart replays on top of the snapshots."),
		checkpointAge: d("symscore_checkpoint_age_seconds", "Seconds since the last checkpoint that succeeded (snapshots written, log truncated); since recovery before the first."),
		replayEntries: d("symscore_replay_memory_entries", "Signatures the replay memory holds (expired ones not yet dropped included)."),
		replayFill: d("symscore_replay_memory_fill_ratio",
			"How full the fullest part of the replay memory is, 0 to 1: at 1 that customer's signed messages are refused (503)."),
		uploadDisk: d("symscore_upload_disk_bytes", "Bytes of disk the files of uploads in progress take."),
		tlsNotAfter: d("symscore_tls_cert_not_after_seconds",
			"When the main listener's TLS certificate expires, in Unix seconds (reported with TLS only)."),
	}
}

// Describe implements prometheus.Collector.
func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.projects, c.models, c.walBytes, c.checkpointAge, c.replayEntries, c.replayFill, c.uploadDisk, c.tlsNotAfter} {
		ch <- d
	}
}

// Collect implements prometheus.Collector: one read of the state per scrape.
func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	var st State
	if f := c.read.Load(); f != nil {
		st = (*f)()
	}
	g := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	g(c.projects, float64(st.Projects))
	g(c.models, float64(st.Models))
	g(c.walBytes, float64(st.WALBytes))
	g(c.checkpointAge, st.CheckpointAgeSeconds)
	g(c.replayEntries, float64(st.ReplayEntries))
	g(c.replayFill, st.ReplayFill)
	g(c.uploadDisk, float64(st.UploadDiskBytes))
	if !st.TLSCertNotAfter.IsZero() {
		g(c.tlsNotAfter, float64(st.TLSCertNotAfter.Unix()))
	}
}

// SetState sets the function the state gauges read, once per scrape (the server sets it
// when it starts; until then they are 0). read must be safe for concurrent use.
func (s *Set) SetState(read func() State) { s.state.read.Store(&read) }
