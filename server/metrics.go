package server

import (
	"runtime"
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the server's Prometheus metrics, registered in their own registry (never the
// global one, so several servers can run in one test process). Every metric symscore
// defines is named symscore_*; the registry also holds the Go runtime (go_*) and process
// (process_*) collectors. Safe for concurrent use.
//
// Code in this package that needs a metric of its own defines it next to its use and
// registers it with mustRegister from New (or a function New calls).
type Metrics struct {
	registry *prometheus.Registry
	// OpenConnections counts open WebSocket connections.
	OpenConnections prometheus.Gauge
	// Refusals counts requests refused by a limit, by limit name (the configuration key
	// without "limits.", e.g. "max_rows").
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
	reg.MustRegister(m.OpenConnections, m.Refusals, buildInfo())
	return m
}

// mustRegister adds collectors to the server's registry; it panics on a duplicate name,
// which is a programming error.
func (m *Metrics) mustRegister(cs ...prometheus.Collector) { m.registry.MustRegister(cs...) }

// registerServer adds the metrics that read the server's state.
func (m *Metrics) registerServer(s *Server) {
	m.mustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "symscore_ready", Help: "1 when the server takes traffic (as /readyz), else 0."},
		func() float64 {
			if s.Ready() {
				return 1
			}
			return 0
		}))
}

// buildInfo is a constant 1 labelled with the module version and the Go version.
func buildInfo() prometheus.Collector {
	version := "(unknown)"
	if bi, ok := debug.ReadBuildInfo(); ok {
		version = bi.Main.Version
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "symscore_build_info",
		Help:        "Always 1; labels say which build is running.",
		ConstLabels: prometheus.Labels{"version": version, "go_version": runtime.Version()},
	})
	g.Set(1)
	return g
}
