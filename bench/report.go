package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Report is the outcome of one load run. Latencies are round trips, write to reply read.
type Report struct {
	Name         string `json:"name"`
	Mode         string `json:"mode"`
	URL          string `json:"url"`
	Connections  int    `json:"connections"`
	Pipeline     int    `json:"pipeline"`
	MessageBytes int    `json:"message_bytes"`
	Rows         int    `json:"rows_per_message,omitempty"`

	Warmup  time.Duration `json:"warmup_ns"`
	Elapsed time.Duration `json:"elapsed_ns"` // from the end of warm-up to the last measured reply

	Count      int64  `json:"count"`  // measured round trips
	Errors     int64  `json:"errors"` // replies that failed their check, plus a broken connection
	FirstError string `json:"first_error,omitempty"`
	HitTimeCap bool   `json:"hit_time_cap,omitempty"` // a Count-bound run stopped at MaxRunTime

	Min  time.Duration `json:"min_ns"`
	P50  time.Duration `json:"p50_ns"`
	P90  time.Duration `json:"p90_ns"`
	P99  time.Duration `json:"p99_ns"`
	P999 time.Duration `json:"p999_ns"`
	Max  time.Duration `json:"max_ns"`
	Mean time.Duration `json:"mean_ns"`

	MsgsPerSec float64 `json:"msgs_per_sec"`
	RowsPerSec float64 `json:"rows_per_sec,omitempty"`
}

// Failed reports whether anything went wrong during the run.
func (r *Report) Failed() bool { return r.Errors > 0 }

func (l *load) report(results []connResult) (*Report, error) {
	cfg := l.cfg
	r := &Report{
		Name:         cfg.Name,
		Mode:         cfg.Mode,
		URL:          cfg.URL,
		Connections:  cfg.Connections,
		Pipeline:     cfg.Pipeline,
		MessageBytes: len(cfg.Message),
		Rows:         cfg.Rows,
		Warmup:       cfg.Warmup,
		HitTimeCap:   l.hitCap.Load(),
	}
	var last time.Duration
	for _, res := range results {
		r.Count += res.n
		last = max(last, res.last)
	}
	if r.Count > 0 {
		r.Elapsed = last - l.warmup
		r.setLatencies(l.rec.merged())
		if r.Elapsed > 0 {
			r.MsgsPerSec = float64(r.Count) / r.Elapsed.Seconds()
			r.RowsPerSec = r.MsgsPerSec * float64(cfg.Rows)
		}
	}
	l.mu.Lock()
	r.Errors = l.errs
	firstErr := l.firstErr
	l.mu.Unlock()
	if firstErr == nil && r.Count == 0 {
		firstErr = fmt.Errorf("no round trip completed after a warm-up of %v", cfg.Warmup)
		r.Errors++
	}
	if firstErr != nil {
		r.FirstError = firstErr.Error()
		return r, fmt.Errorf("%w: %s: %d errors, first: %w", ErrRunFailed, r.Name, r.Errors, firstErr)
	}
	return r, nil
}

func (r *Report) setLatencies(h *hdrhistogram.Histogram) {
	q := h.ValueAtPercentiles([]float64{50, 90, 99, 99.9})
	r.Min = time.Duration(h.Min())
	r.P50 = time.Duration(q[50])
	r.P90 = time.Duration(q[90])
	r.P99 = time.Duration(q[99])
	r.P999 = time.Duration(q[99.9])
	r.Max = time.Duration(h.Max())
	r.Mean = time.Duration(h.Mean())
}

// WriteText writes the report for a human: one header line and one line of figures.
func (r *Report) WriteText(w io.Writer) error {
	tw := newTable(w)
	tw.header()
	tw.row(r.Name, r)
	if r.Failed() {
		tw.line(fmt.Sprintf("FAILED: %d errors, first: %s", r.Errors, r.FirstError))
	}
	if r.HitTimeCap {
		tw.line(fmt.Sprintf("stopped at the %v cap before the count was reached", MaxRunTime))
	}
	return tw.flush()
}

// WriteJSON writes the report as one JSON object (durations in nanoseconds).
func (r *Report) WriteJSON(w io.Writer) error { return writeJSON(w, r) }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
