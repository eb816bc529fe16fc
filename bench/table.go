package bench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// table collects rows of cells and writes them aligned: the first column to the left, the
// others to the right, then free-text lines.
type table struct {
	w    io.Writer
	rows [][]string
	tail []string
}

func newTable(w io.Writer) *table { return &table{w: w} }

func (t *table) cells(cells ...string) { t.rows = append(t.rows, cells) }

var reportColumns = []string{"", "conns", "pipeline", "bytes", "count", "p50", "p90", "p99", "p99.9", "max", "mean", "msgs/s", "rows/s", "errors"}

func (t *table) header() { t.cells(reportColumns...) }

func (t *table) row(name string, r *Report) {
	rows := "-"
	if r.Rows > 0 {
		rows = formatRate(r.RowsPerSec)
	}
	t.cells(name, fmt.Sprint(r.Connections), fmt.Sprint(r.Pipeline), fmt.Sprint(r.MessageBytes),
		fmt.Sprint(r.Count), formatLatency(r.P50), formatLatency(r.P90), formatLatency(r.P99),
		formatLatency(r.P999), formatLatency(r.Max), formatLatency(r.Mean),
		formatRate(r.MsgsPerSec), rows, fmt.Sprint(r.Errors))
}

// ratioRow writes target/floor for every latency column and for msgs/s.
func (t *table) ratioRow(name string, q Ratios) {
	x := func(v float64) string { return fmt.Sprintf("%.2fx", v) }
	t.cells(name, "", "", "", "", x(q.P50), x(q.P90), x(q.P99), x(q.P999), x(q.Max), x(q.Mean), x(q.MsgsPerSec), "", "")
}

func (t *table) line(s string) { t.tail = append(t.tail, s) }

func (t *table) flush() error {
	var widths []int
	for _, row := range t.rows {
		for i, c := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	var b strings.Builder
	for _, row := range t.rows {
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			if i == 0 {
				b.WriteString(c + pad)
			} else {
				b.WriteString("  " + pad + c)
			}
		}
		b.WriteString("\n")
	}
	for _, s := range t.tail {
		b.WriteString(s + "\n")
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}

// formatLatency prints microseconds below 1 ms, milliseconds above.
func formatLatency(d time.Duration) string {
	if d < time.Millisecond {
		return fmt.Sprintf("%.1fµs", float64(d)/float64(time.Microsecond))
	}
	return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
}

func formatRate(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}
