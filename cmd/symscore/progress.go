package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress reports rows done out of a total on stderr: a bar redrawn in place at most
// every 100ms when stderr is a terminal, else a plain line every few seconds. It is used
// from one goroutine.
type progress struct {
	w        io.Writer
	verb     string // "learned", "forgot", "scored"
	total    int
	tty      bool
	every    time.Duration
	start    time.Time
	last     time.Time
	done     int
	disabled bool
}

func newProgress(w io.Writer, verb string, total int, quiet bool) *progress {
	p := &progress{w: w, verb: verb, total: total, tty: isTerminal(w), start: time.Now(), disabled: quiet}
	p.every = 2 * time.Second
	if p.tty {
		p.every = 100 * time.Millisecond
	}
	p.last = p.start
	return p
}

// isTerminal reports whether w is a character device (a terminal), without a dependency.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// add counts n more rows done and redraws when it is time.
func (p *progress) add(n int) {
	p.done += n
	if p.disabled {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	p.draw(now)
}

func (p *progress) draw(now time.Time) {
	rate := rowsPerSecond(p.done, now.Sub(p.start))
	pct := 100.0
	if p.total > 0 {
		pct = 100 * float64(p.done) / float64(p.total)
	}
	if !p.tty {
		fmt.Fprintf(p.w, "%s %d/%d rows (%.0f%%), %s rows/s\n", p.verb, p.done, p.total, pct, humanRate(rate))
		return
	}
	const width = 30
	fill := int(pct / 100 * width)
	bar := strings.Repeat("=", fill) + strings.Repeat(" ", width-fill)
	if fill > 0 && fill < width {
		bar = bar[:fill-1] + ">" + bar[fill:]
	}
	fmt.Fprintf(p.w, "\r[%s] %3.0f%%  %d/%d rows  %s rows/s ", bar, pct, p.done, p.total, humanRate(rate))
}

// finish ends the bar's line (a terminal) so that what follows starts on its own.
func (p *progress) finish() {
	if p.disabled {
		return
	}
	if p.tty {
		p.draw(time.Now())
		fmt.Fprintln(p.w)
	}
}

// elapsed is the time since the progress started.
func (p *progress) elapsed() time.Duration { return time.Since(p.start) }

func rowsPerSecond(rows int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(rows) / d.Seconds()
}

// humanRate writes a rate with k or M.
func humanRate(r float64) string {
	switch {
	case r >= 1e6:
		return fmt.Sprintf("%.2fM", r/1e6)
	case r >= 1e4:
		return fmt.Sprintf("%.0fk", r/1e3)
	default:
		return fmt.Sprintf("%.0f", r)
	}
}
