package server

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// Limits of the REST control plane in Metrics.Refusals, besides the main listener's.
const (
	// limitIdleTimeout: a request body not received within limits.idle_timeout.
	limitIdleTimeout = "idle_timeout"
	// limitRunningBuilds: a build refused because the customer has maxRunningBuilds
	// running (a constant, not a configuration key).
	limitRunningBuilds = "max_running_builds"
)

// restMetrics are the REST children of the service metrics, resolved once per operation
// and status.
type restMetrics struct {
	requests [numRESTOps][numStatuses]prometheus.Counter
	latency  [numRESTOps]prometheus.Observer
	builds   map[string][2]prometheus.Counter // by algorithm: ok, failed
}

func newRESTMetrics(sm *serviceMetrics) restMetrics {
	var m restMetrics
	for op, name := range restOpNames {
		for st := range numStatuses {
			m.requests[op][st] = sm.requests.WithLabelValues("rest_"+name, protocol.Status(st).String())
		}
		m.latency[op] = sm.latency.WithLabelValues("rest_" + name)
	}
	m.builds = make(map[string][2]prometheus.Counter, 8)
	for _, algo := range model.Algorithms() {
		m.builds[algo] = [2]prometheus.Counter{
			sm.builds.WithLabelValues(algo, "ok"),
			sm.builds.WithLabelValues(algo, "failed"),
		}
	}
	return m
}

// done counts one request of op answered with st after took.
func (m *restMetrics) done(op restOp, st protocol.Status, took time.Duration) {
	if int(st) < numStatuses {
		m.requests[op][st].Inc()
	}
	m.latency[op].Observe(took.Seconds())
}

// buildDone counts a finished build of a known algorithm.
func (m *restMetrics) buildDone(algo string, ok bool) {
	c, known := m.builds[algo]
	if !known {
		return
	}
	if ok {
		c[0].Inc()
	} else {
		c[1].Inc()
	}
}
