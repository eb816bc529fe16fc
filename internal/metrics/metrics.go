// Package metrics defines every symscore_* Prometheus metric in one place, in one registry
// per server (never the global one, so that several servers can run in one test process).
// The registry also holds the Go runtime (go_*) and process (process_*) collectors.
//
// Children on hot paths (per endpoint and status, per WebSocket path) are resolved once,
// by Endpoint and Route, so that counting a message allocates nothing. Everything here is
// safe for concurrent use.
package metrics

import (
	"strconv"

	"github.com/gobwas/ws"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/symscore/symscore/buildinfo"
)

// Names of the limits in symscore_refusals_total: the configuration key without
// "limits.", or a constant's name.
const (
	LimitMaxConnections   = "max_connections"
	LimitMaxFrameBytes    = "max_frame_bytes"
	LimitMaxMessageBytes  = "max_message_bytes"
	LimitMaxInflight      = "max_inflight"
	LimitOutboundQueue    = "outbound_queue_bytes"
	LimitHandshakeTimeout = "handshake_timeout"
	LimitHandshakeBytes   = "handshake_bytes"
	LimitUnverifiedBytes  = "max_unverified_bytes"
	LimitWriteTimeout     = "write_timeout"
	// LimitUnverifiedBytesPerAddress and LimitUnverifiedBytesPerConnection are
	// limits.max_unverified_bytes_per_address and _per_connection.
	LimitUnverifiedBytesPerAddress    = "max_unverified_bytes_per_address"
	LimitUnverifiedBytesPerConnection = "max_unverified_bytes_per_connection"
	// LimitUnauthenticatedConnections: a connection accepted past
	// limits.max_unauthenticated_connections.
	LimitUnauthenticatedConnections = "max_unauthenticated_connections"
	// LimitUnauthenticatedConnectionsPerAddress: past
	// limits.max_unauthenticated_connections_per_address.
	LimitUnauthenticatedConnectionsPerAddress = "max_unauthenticated_connections_per_address"
	// LimitAuthTimeout: a connection not authenticated within limits.auth_timeout, or a
	// REST body not received within it.
	LimitAuthTimeout = "auth_timeout"
	// LimitInflightBytes and LimitInflightBytesPerCustomer are limits.max_inflight_bytes
	// and limits.max_inflight_bytes_per_customer.
	LimitInflightBytes            = "max_inflight_bytes"
	LimitInflightBytesPerCustomer = "max_inflight_bytes_per_customer"
	// LimitQueuedWork: a build or exploration refused because its customer has the most
	// work waiting for the compute pool (a constant, ops.MaxQueuedWork).
	LimitQueuedWork = "max_queued_work"
	// LimitRunningBuilds: a build refused because its customer has the most builds
	// running (a constant, not a configuration key).
	LimitRunningBuilds = "max_running_builds"
	LimitMaxRows       = "max_rows"
	LimitMaxColumns    = "max_columns"
	LimitMaxAttributes = "max_attributes"
	LimitMaxPartitions = "max_partitions"
	LimitMaxProjectMem = "max_project_bytes"
	LimitMaxProjects   = "max_projects"
	LimitMaxModels     = "max_models"
	LimitMaxNameBytes  = "max_name_bytes"
	// LimitMaxNewAttributes is limits.max_new_attributes_per_message.
	LimitMaxNewAttributes = "max_new_attributes_per_message"
	// LimitMaxCustomerBytes and LimitMaxExploreWork are limits.max_customer_bytes and
	// limits.max_explore_work.
	LimitMaxCustomerBytes = "max_customer_bytes"
	LimitMaxExploreWork   = "max_explore_work"
	// LimitMaxSubscriptions is limits.max_subscriptions (per connection).
	LimitMaxSubscriptions = "max_subscriptions"
	// Bulk uploads: limits.max_upload_bytes, limits.max_uploads and
	// limits.max_upload_disk_bytes.
	LimitMaxUploadBytes     = "max_upload_bytes"
	LimitMaxUploads         = "max_uploads"
	LimitMaxUploadDiskBytes = "max_upload_disk_bytes"
)

// latencyBuckets are round bounds from 5 µs to 10 s, 1-2.5-5 per decade: WebSocket
// predictions take microseconds, builds and large learns seconds.
var latencyBuckets = []float64{
	5e-6, 10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 500e-6,
	1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3, 250e-3, 500e-3,
	1, 2.5, 5, 10,
}

// Set is one server's metrics.
type Set struct {
	registry *prometheus.Registry

	// OpenConnections counts open WebSocket connections.
	OpenConnections prometheus.Gauge
	// Live holds the metrics of live subscriptions.
	Live Live

	refusals     *prometheus.CounterVec // by limit
	requests     *prometheus.CounterVec // by endpoint and status
	latency      *latencyVec            // by endpoint
	rows         *prometheus.CounterVec // by operation: learned, forgotten, predicted
	authFailures *prometheus.CounterVec // by reason
	builds       *prometheus.CounterVec // by algorithm and result

	wsFrames, wsMessages, wsSent *prometheus.CounterVec // by endpoint path
	wsCloses                     *prometheus.CounterVec // by status code
	wsHandshakes                 *prometheus.CounterVec // by HTTP status

	state *stateCollector // the state gauges (SetState)
}

// New makes a Set in a registry of its own.
func New() *Set {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	counters := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	}
	s := &Set{
		registry: reg,
		OpenConnections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "symscore_open_connections", Help: "Open WebSocket connections."}),
		refusals: counters("symscore_refusals_total", "Requests refused by a limit.", "limit"),
		requests: counters("symscore_requests_total",
			"Requests (WebSocket messages and REST calls) answered, by endpoint and wire status.", "endpoint", "status"),
		latency: newLatencyVec("symscore_request_duration_seconds",
			"Time from a whole request read to its reply handed to the writer, by endpoint.", "endpoint"),
		rows:         counters("symscore_rows_total", "DataFrame rows learned, forgotten and predicted.", "op"),
		authFailures: counters("symscore_auth_failures_total", "Requests refused by authentication, by reason.", "reason"),
		builds:       counters("symscore_builds_total", "Model builds finished, by algorithm and result (ok or failed).", "algo", "result"),
		wsFrames: counters("symscore_ws_frames_received_total",
			"WebSocket frames received (data and control), by endpoint path.", "endpoint"),
		wsMessages: counters("symscore_ws_messages_received_total",
			"Complete WebSocket data messages received, by endpoint path.", "endpoint"),
		wsSent: counters("symscore_ws_messages_sent_total", "WebSocket reply messages sent, by endpoint path.", "endpoint"),
		wsCloses: counters("symscore_ws_close_frames_sent_total",
			"Close frames the server sent or tried to send, by status code (\"none\" for an empty close frame).", "code"),
		wsHandshakes: counters("symscore_ws_handshakes_total",
			"WebSocket upgrade requests answered, by HTTP status (101 when upgraded).", "status"),
		state: newStateCollector(),
	}
	s.Live = Live{
		Subscribers: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "symscore_subscriber_connections", Help: "Connections watching a project (live subscriptions); one watching several projects counts once per project."}),
		Subscriptions: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "symscore_subscriptions", Help: `Live subscriptions (names, pairs and topics; "*" counts as one).`}),
		Sent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "symscore_subscribe_messages_sent_total", Help: "Messages sent to subscribers."}),
		Coalesced: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "symscore_subscribe_values_coalesced_total",
			Help: "Versions a subscription's data message skipped: states replaced by a later one before they were sent."}),
	}
	reg.MustRegister(s.OpenConnections, s.refusals, buildInfo(buildinfo.Read()), s.requests, s.latency, s.rows,
		s.authFailures, s.builds, s.wsFrames, s.wsMessages, s.wsSent, s.wsCloses, s.wsHandshakes, s.state,
		s.Live.Subscribers, s.Live.Subscriptions, s.Live.Sent, s.Live.Coalesced)
	return s
}

// Live are the metrics of live subscriptions (package live).
type Live struct {
	Subscribers   prometheus.Gauge   // a connection watching one project
	Subscriptions prometheus.Gauge   // names, pairs and topics subscribed
	Sent          prometheus.Counter // messages delivered to subscribers
	Coalesced     prometheus.Counter // versions skipped by data messages
}

// Registry is the registry every metric of the set is in (for /metrics and tests).
func (s *Set) Registry() *prometheus.Registry { return s.registry }

// MustRegister adds collectors that read state owned elsewhere (gauge functions); it
// panics on a duplicate name, a programming error.
func (s *Set) MustRegister(cs ...prometheus.Collector) { s.registry.MustRegister(cs...) }

// Refusal is the counter of refusals by limit (a Limit constant).
func (s *Set) Refusal(limit string) prometheus.Counter { return s.refusals.WithLabelValues(limit) }

// Rows is the counter of DataFrame rows of op: "learned", "forgotten" or "predicted".
func (s *Set) Rows(op string) prometheus.Counter { return s.rows.WithLabelValues(op) }

// AuthFailure is the counter of authentication refusals for reason.
func (s *Set) AuthFailure(reason string) prometheus.Counter {
	return s.authFailures.WithLabelValues(reason)
}

// Build is the counter of finished builds of algo, successful or not.
func (s *Set) Build(algo string, ok bool) prometheus.Counter {
	result := "failed"
	if ok {
		result = "ok"
	}
	return s.builds.WithLabelValues(algo, result)
}

// CloseSent counts a close frame sent (not on a hot path: it formats the label).
func (s *Set) CloseSent(code ws.StatusCode) {
	label := "none"
	if code != 0 {
		label = strconv.Itoa(int(code))
	}
	s.wsCloses.WithLabelValues(label).Inc()
}

// Handshake counts an upgrade request answered with HTTP status code.
func (s *Set) Handshake(code int) { s.wsHandshakes.WithLabelValues(strconv.Itoa(code)).Inc() }

// Uploads registers the metrics of bulk uploads, read from their manager when scraped:
// symscore_upload_reserved_bytes and symscore_uploads (the disk reserved by, and the
// number of, unfinished uploads), and symscore_upload_bytes_total (chunk bytes written).
// Call it once per Set.
func (s *Set) Uploads(reserved func() (bytes int64, uploads int), written func() int64) {
	s.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "symscore_upload_reserved_bytes",
			Help: "Disk reserved by the files of unfinished uploads (limits.max_upload_disk_bytes bounds it)."},
			func() float64 { b, _ := reserved(); return float64(b) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "symscore_uploads",
			Help: "Unfinished uploads (receiving, finalizing or failed: holding a file)."},
			func() float64 { _, n := reserved(); return float64(n) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "symscore_upload_bytes_total",
			Help: "Upload chunk bytes written into upload files (repeated bytes are not written again)."},
			func() float64 { return float64(written()) }),
	)
}

// Route holds the counters of one WebSocket path, resolved once.
type Route struct {
	Frames, Messages, Sent prometheus.Counter
}

// Route resolves the counters of WebSocket path.
func (s *Set) Route(path string) *Route {
	return &Route{
		Frames:   s.wsFrames.WithLabelValues(path),
		Messages: s.wsMessages.WithLabelValues(path),
		Sent:     s.wsSent.WithLabelValues(path),
	}
}

// buildInfo is a constant 1 labelled with what package buildinfo says of the binary, as
// `symscore version` prints it: the module version, the VCS revision ("unknown" when the
// toolchain stamped none, e.g. built with -buildvcs=false; "-modified" appended for a work
// tree with changes) and the Go version.
func buildInfo(bi buildinfo.Info) prometheus.Collector {
	revision := bi.Revision
	if revision == "" {
		revision = "unknown"
	} else if bi.Modified {
		revision += "-modified"
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "symscore_build_info",
		Help:        "Always 1; labels say which build is running (as symscore version).",
		ConstLabels: prometheus.Labels{"version": bi.Version, "revision": revision, "go_version": bi.GoVersion},
	})
	g.Set(1)
	return g
}
