package server

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the server's Prometheus metrics, registered in their own registry (never the
// global one, so several servers can run in one test process).
type Metrics struct {
	registry *prometheus.Registry
	// OpenConnections counts open WebSocket connections.
	OpenConnections prometheus.Gauge
	// Refusals counts requests refused by a limit, by limit name.
	Refusals *prometheus.CounterVec
}

func newMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{
		registry: reg,
		OpenConnections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "symscore_open_connections", Help: "Open WebSocket connections."}),
		Refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "symscore_refusals_total", Help: "Requests refused by a limit."}, []string{"limit"}),
	}
	reg.MustRegister(m.OpenConnections, m.Refusals)
	return m
}
