package ops

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/symscore/symscore/internal/metrics"
	"github.com/symscore/symscore/model"
)

// opsMetrics are the counters operations update, resolved once so that counting allocates
// nothing.
type opsMetrics struct {
	learned, forgotten, predicted prometheus.Counter
	authFailed                    map[string]prometheus.Counter
	refusals                      map[string]prometheus.Counter // by limit
	builds                        map[string][2]prometheus.Counter
}

func newOpsMetrics(m *metrics.Set) *opsMetrics {
	om := &opsMetrics{
		learned:    m.Rows("learned"),
		forgotten:  m.Rows("forgotten"),
		predicted:  m.Rows("predicted"),
		authFailed: make(map[string]prometheus.Counter, len(authReasons)),
		refusals:   make(map[string]prometheus.Counter, len(limitErrors)),
		builds:     make(map[string][2]prometheus.Counter),
	}
	for _, r := range authReasons {
		om.authFailed[r] = m.AuthFailure(r)
	}
	for _, l := range limitErrors {
		om.refusals[l.limit] = m.Refusal(l.limit)
	}
	for _, algo := range model.Algorithms() {
		om.builds[algo] = [2]prometheus.Counter{m.Build(algo, true), m.Build(algo, false)}
	}
	return om
}

func (m *opsMetrics) authFailure(reason string) {
	if c, ok := m.authFailed[reason]; ok {
		c.Inc()
	}
}

func (m *opsMetrics) refused(limit string) {
	if c, ok := m.refusals[limit]; ok {
		c.Inc()
	}
}

// buildDone counts a finished build of a known algorithm.
func (m *opsMetrics) buildDone(algo string, ok bool) {
	c, known := m.builds[algo]
	switch {
	case !known:
	case ok:
		c[0].Inc()
	default:
		c[1].Inc()
	}
}
