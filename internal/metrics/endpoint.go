package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/symscore/symscore/protocol"
)

// numStatuses is the size of the wire status table.
const numStatuses = int(protocol.StatusServiceUnavailable) + 1

// Endpoint counts the requests of one endpoint (a WebSocket endpoint such as "ws_learn", a
// REST operation such as "rest_build") by wire status, with their latency. Its children
// are resolved once: Done allocates nothing.
type Endpoint struct {
	requests [numStatuses]prometheus.Counter
	latency  *Latency
}

// Endpoint resolves the metrics of endpoint name (the label of symscore_requests_total and
// symscore_request_duration_seconds).
func (s *Set) Endpoint(name string) *Endpoint {
	e := &Endpoint{latency: s.latency.with(name)}
	for st := range numStatuses {
		e.requests[st] = s.requests.WithLabelValues(name, protocol.Status(st).String())
	}
	return e
}

// Done counts one request answered with st after took.
func (e *Endpoint) Done(st protocol.Status, took time.Duration) {
	if int(st) < numStatuses {
		e.requests[st].Inc()
	}
	e.latency.Observe(took)
}
