package metrics

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/symscore/symscore/protocol"
)

// numStatuses is the size of the wire status table.
const numStatuses = int(protocol.StatusServiceUnavailable) + 1

// Endpoint counts the requests of one endpoint (a WebSocket endpoint such as "ws_learn", a
// REST operation such as "rest_build") by wire status, with their latency.
//
// The series of the statuses the endpoint can answer are made at once, so that they read
// 0 before the first such answer; a status it was not expected to answer gets its series
// when it first occurs (no zero series for a pair that cannot occur). Done allocates
// nothing but for such a first occurrence.
type Endpoint struct {
	vec      *prometheus.CounterVec
	name     string
	requests [numStatuses]atomic.Pointer[counter]
	latency  *Latency
}

// counter boxes a prometheus.Counter for an atomic.Pointer.
type counter struct{ prometheus.Counter }

// Endpoint resolves the metrics of endpoint name (the label of symscore_requests_total and
// symscore_request_duration_seconds) and makes the series of the statuses it can answer.
func (s *Set) Endpoint(name string, statuses ...protocol.Status) *Endpoint {
	e := &Endpoint{vec: s.requests, name: name, latency: s.latency.with(name)}
	for _, st := range statuses {
		e.resolve(st)
	}
	return e
}

// resolve returns the counter of st, making its series.
func (e *Endpoint) resolve(st protocol.Status) *counter {
	c := &counter{e.vec.WithLabelValues(e.name, st.String())}
	e.requests[st].Store(c)
	return c
}

// Done counts one request answered with st after took.
func (e *Endpoint) Done(st protocol.Status, took time.Duration) {
	if int(st) < numStatuses {
		c := e.requests[st].Load()
		if c == nil {
			c = e.resolve(st) // the same child if two race here
		}
		c.Inc()
	}
	e.latency.Observe(took)
}
