package server

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/symscore/symscore/protocol"
)

// Endpoints as metric labels: the WebSocket endpoints by name, REST routes by operation.
const (
	epWSLearn = iota
	epWSForget
	epWSPredict
	numWSEndpoints
)

var wsEndpointNames = [numWSEndpoints]string{"ws_learn", "ws_forget", "ws_predict"}

// numStatuses is the size of the wire status table.
const numStatuses = int(protocol.StatusServiceUnavailable) + 1

// serviceMetrics count what the endpoints do. The WebSocket children are resolved once, so
// that counting a message allocates nothing.
type serviceMetrics struct {
	requests     *prometheus.CounterVec   // by endpoint and status
	latency      *prometheus.HistogramVec // by endpoint
	rows         *prometheus.CounterVec   // by operation: learned, forgotten, predicted
	authFailures *prometheus.CounterVec   // by reason
	builds       *prometheus.CounterVec   // by algorithm and result

	wsRequests [numWSEndpoints][numStatuses]prometheus.Counter
	wsLatency  [numWSEndpoints]prometheus.Observer
	learned    prometheus.Counter
	forgotten  prometheus.Counter
	predicted  prometheus.Counter
	authFailed map[string]prometheus.Counter
}

// latencyBuckets reach from 5 µs to 10 s: WebSocket predictions take microseconds.
var latencyBuckets = prometheus.ExponentialBucketsRange(5e-6, 10, 22)

func newServiceMetrics(m *Metrics) *serviceMetrics {
	sm := &serviceMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "symscore_requests_total",
			Help: "Requests (WebSocket messages and REST calls) answered, by endpoint and wire status.",
		}, []string{"endpoint", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "symscore_request_duration_seconds",
			Help:    "Time from a whole request read to its reply handed to the writer, by endpoint.",
			Buckets: latencyBuckets,
		}, []string{"endpoint"}),
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "symscore_rows_total",
			Help: "DataFrame rows learned, forgotten and predicted.",
		}, []string{"op"}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "symscore_auth_failures_total",
			Help: "Requests refused by authentication, by reason.",
		}, []string{"reason"}),
		builds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "symscore_builds_total",
			Help: "Model builds finished, by algorithm and result (ok or failed).",
		}, []string{"algo", "result"}),
		authFailed: make(map[string]prometheus.Counter),
	}
	m.mustRegister(sm.requests, sm.latency, sm.rows, sm.authFailures, sm.builds)
	for ep, name := range wsEndpointNames {
		for st := range numStatuses {
			sm.wsRequests[ep][st] = sm.requests.WithLabelValues(name, protocol.Status(st).String())
		}
		sm.wsLatency[ep] = sm.latency.WithLabelValues(name)
	}
	sm.learned = sm.rows.WithLabelValues("learned")
	sm.forgotten = sm.rows.WithLabelValues("forgotten")
	sm.predicted = sm.rows.WithLabelValues("predicted")
	for _, r := range authReasons {
		sm.authFailed[r] = sm.authFailures.WithLabelValues(r)
	}
	return sm
}

// wsDone counts one WebSocket message of endpoint ep answered with st after took.
func (sm *serviceMetrics) wsDone(ep int, st protocol.Status, took time.Duration) {
	if int(st) < numStatuses {
		sm.wsRequests[ep][st].Inc()
	}
	sm.wsLatency[ep].Observe(took.Seconds())
}

// authFailure counts a refusal by reason.
func (sm *serviceMetrics) authFailure(reason string) {
	if c, ok := sm.authFailed[reason]; ok {
		c.Inc()
	}
}
