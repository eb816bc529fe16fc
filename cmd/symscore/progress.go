package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progressClock is shared by the progress phases of one command (inference, the check
// pass, sending): the first line comes a second after the command started, not after the
// phase did, then a line every few seconds whichever phase runs. Used from one goroutine.
type progressClock struct {
	start time.Time // the command's start
	last  time.Time // the last line drawn by any phase; start before the first
	lines int       // lines drawn by every phase
}

// newProgressClock starts the clock of a command's progress now.
func newProgressClock() *progressClock {
	now := time.Now()
	return &progressClock{start: now, last: now}
}

// progress reports the work of one phase done out of a total on stderr: a bar redrawn in
// place at most every 100ms when stderr is a terminal, else a plain line after the
// command's first second and then every few seconds (its progressClock). Work is counted
// in rows or in bytes (the check pass, before the rows are counted); the rate is the
// phase's. It is used from one goroutine.
type progress struct {
	w        io.Writer
	verb     string // "checked", "learned", "forgot", "scored"
	bytes    bool   // the unit is bytes, not rows
	total    int64
	tty      bool
	first    time.Duration // the first line, from the command's start
	every    time.Duration
	clk      *progressClock
	start    time.Time // the phase's start, for its rate
	done     int64
	drawn    int64 // done at the last draw
	lines    int   // lines this phase drew
	disabled bool
	eta      bool  // show the time left, at the rate so far
	base     int64 // done before this run (a resumed upload's bytes): not in the rate
}

func newProgress(w io.Writer, verb string, total int, quiet bool, clk *progressClock) *progress {
	return newProgressUnit(w, verb, false, int64(total), quiet, clk)
}

// newProgressUnit is newProgress counting bytes when bytes is set. clk is the command's
// clock; nil starts one now.
func newProgressUnit(w io.Writer, verb string, bytes bool, total int64, quiet bool, clk *progressClock) *progress {
	if clk == nil {
		clk = newProgressClock()
	}
	p := &progress{w: w, verb: verb, bytes: bytes, total: total, tty: isTerminal(w), clk: clk, start: time.Now(), disabled: quiet}
	p.first, p.every = time.Second, 2*time.Second
	if p.tty {
		p.first, p.every = 100*time.Millisecond, 100*time.Millisecond
	}
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

// add counts n more units done and redraws when it is time.
func (p *progress) add(n int) { p.set(p.done + int64(n)) }

// set says how many units are done and redraws when it is time: the command's first
// line once its first second has passed, a later one every few seconds.
func (p *progress) set(done int64) {
	p.done = done
	if p.disabled {
		return
	}
	now := time.Now()
	if p.clk.lines == 0 {
		if now.Sub(p.clk.start) < p.first {
			return
		}
	} else if now.Sub(p.clk.last) < p.every {
		return
	}
	p.draw(now)
}

func (p *progress) draw(now time.Time) {
	p.lines++
	p.clk.lines++
	p.clk.last = now
	p.drawn = p.done
	rate := perSecond(p.done-p.base, now.Sub(p.start))
	pct := 100.0
	if p.total > 0 {
		pct = 100 * float64(p.done) / float64(p.total)
	}
	amount := fmt.Sprintf("%d/%d rows", p.done, p.total)
	speed := humanRate(rate) + " rows/s"
	if p.bytes {
		amount = fmt.Sprintf("%s/%s MB", megabytes(p.done), megabytes(p.total))
		speed = megabytes(int64(rate)) + " MB/s"
	}
	if p.eta && rate > 0 && p.total > p.done {
		speed += ", " + (time.Duration(float64(p.total-p.done)/rate) * time.Second).Round(time.Second).String() + " left"
	}
	if !p.tty {
		fmt.Fprintf(p.w, "%s %s (%.0f%%), %s\n", p.verb, amount, pct, speed)
		return
	}
	const width = 30
	fill := min(int(pct/100*width), width)
	bar := strings.Repeat("=", fill) + strings.Repeat(" ", width-fill)
	if fill > 0 && fill < width {
		bar = bar[:fill-1] + ">" + bar[fill:]
	}
	fmt.Fprintf(p.w, "\r%s [%s] %3.0f%%  %s  %s ", p.verb, bar, pct, amount, speed)
}

// finish ends the bar's line (a terminal) so that what follows starts on its own; a
// non-terminal that had progress lines gets the last one.
func (p *progress) finish() {
	if p.disabled {
		return
	}
	switch {
	case p.tty && p.lines > 0:
		p.draw(time.Now())
		fmt.Fprintln(p.w)
	case !p.tty && p.lines > 0 && p.drawn != p.done:
		p.draw(time.Now())
	}
}

func perSecond(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func rowsPerSecond(rows int, d time.Duration) float64 { return perSecond(int64(rows), d) }

// megabytes writes n bytes in MB (10^6) with one decimal.
func megabytes(n int64) string { return fmt.Sprintf("%.1f", float64(n)/1e6) }

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
