package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/dataframe"
)

func init() {
	register(func() *cobra.Command { return newLoadCmd(false) })
	register(func() *cobra.Command { return newLoadCmd(true) })
}

// Defaults of learn and forget.
const (
	defaultFrameRows = 1000
	defaultWindow    = 16
)

type loadOptions struct {
	project       string
	types         string
	frameRows     int
	window        int
	maxCategories int
	quiet         bool
}

// loadVerbs names what learn and forget do, for messages.
type loadVerbs struct {
	name, past, undoPast string
}

var (
	learnVerbs  = loadVerbs{name: "learn", past: "learned", undoPast: "forgotten again"}
	forgetVerbs = loadVerbs{name: "forget", past: "forgot", undoPast: "learned again"}
)

func newLoadCmd(forget bool) *cobra.Command {
	var opts loadOptions
	var conn *connFlags
	v := learnVerbs
	short := "Learn the rows of a CSV file into a project"
	if forget {
		v = forgetVerbs
		short = "Forget the rows of a CSV file from a project"
	}
	cmd := &cobra.Command{
		Use:   v.name + " --project P FILE.csv",
		Short: short,
		Long: v.name + ` sends the rows of FILE.csv ("-": standard input) over one WebSocket connection,
--frame-rows rows per message, at most --window messages awaiting their reply. The file
is RFC 4180 CSV: a header row naming the columns, then one row per line; quoted fields
may hold commas, doubled quotes and newlines.

Column types come from --types (one of C, B, T, X, S per column, e.g. C,C,T,B), else
from the project for the columns it already knows, else they are inferred from every
row: a column whose values are all 0 or 1 is B, one whose values are all numbers is C,
anything else is T. Two columns are refused rather than guessed, with the --types that
would say what they are: a numeric column with a few cells that are not numbers (a typo
must not become categories), and a column with more than --max-categories distinct
values (an id: type it X, ignored, rather than thousands of attributes).

It is all or nothing. Every row is checked with the server's own DataFrame rules before
the first message is sent (and every message is compared with what was checked, so a file
changed meanwhile is caught): a bad cell (a C value that is not a number, an empty cell, a
B value other than 0 or 1) is reported as FILE:LINE:FIELD with its column's name and
nothing is sent. If the server still refuses a message (the project was frozen
meanwhile, a server limit, a shutdown) or the command is interrupted, the messages it had
applied are undone (forgotten after a learn, learned again after a forget), so the
project's row count and statistics are as before; the command says so, or says exactly
what could not be undone: attribute names new to the project stay (with zero
statistics), and so do the min and max of the uni exploration.

Progress goes to stderr from the first second, the check included: a bar when it is a
terminal, a line every 2s otherwise. Exit status 130 after an interrupt.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.project == "" {
				return usageError{errors.New("--project is required")}
			}
			if opts.frameRows <= 0 || opts.window <= 0 {
				return usageError{fmt.Errorf("--frame-rows and --window must be > 0")}
			}
			return runLoad(cmd.Context(), cmd, conn, opts, args[0], v, forget)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&opts.project, "project", "p", "", "project id (required)")
	fs.StringVar(&opts.types, "types", "", "column types, comma-separated (default: the project's, else inferred from the rows)")
	fs.IntVar(&opts.frameRows, "frame-rows", defaultFrameRows, "rows per WebSocket message")
	fs.IntVar(&opts.window, "window", defaultWindow, "most messages awaiting their reply at once")
	fs.IntVar(&opts.maxCategories, "max-categories", defaultMaxCategories, "most distinct values of an inferred T column")
	fs.BoolVarP(&opts.quiet, "quiet", "q", false, "no progress on stderr")
	conn = addConnFlags(fs)
	return cmd
}

func runLoad(ctx context.Context, cmd *cobra.Command, conn *connFlags, opts loadOptions, path string, v loadVerbs, forget bool) error {
	start := time.Now()
	c, err := conn.client()
	if err != nil {
		return err
	}
	nothing := func(err error) error { return fmt.Errorf("%s: nothing was %s: %w", v.name, v.past, err) }
	if st, err := os.Stat(path); err == nil && path != "-" {
		suggestUpload(cmd.ErrOrStderr(), opts, path, st.Size(), forget)
	}
	// Standard input is read before interrupts are caught: until then one ends the
	// process as usual.
	in, err := openCSVInput(path, cmd.InOrStdin())
	if err != nil {
		return nothing(err)
	}
	defer in.Close()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	before, err := c.ProjectInfo(ctx, opts.project)
	if err != nil {
		return fmt.Errorf("%s: project %s: %w", v.name, opts.project, err)
	}
	stderr := cmd.ErrOrStderr()
	clk := &progressClock{start: start, last: start}
	types, err := columnTypes(ctx, in, opts.types, projectAttrs{before.AttributeNames, before.AttributeTypes}, opts.maxCategories, stderr, opts.quiet, clk)
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) || errors.Is(err, errInterrupted) {
			return err
		}
		return nothing(err)
	}
	fr := &framer{f: in.File, types: types, rows: opts.frameRows, size: in.currentSize}
	check := newProgressUnit(stderr, "checked", true, in.Size(), opts.quiet, clk)
	rows, frames, err := fr.validate(ctx, dataframe.ModeLearn, before.PartitionColumn, check)
	check.finish()
	if err != nil {
		return nothing(err)
	}
	prog := newProgress(stderr, v.past, rows, opts.quiet, clk)
	acked, _, failure := sendFrames(ctx, c, fr, opts, forget, nil, prog)
	prog.finish()
	wasInterrupted := ctx.Err() != nil
	stop() // from here a second interrupt kills the process at once
	if failure != nil {
		err := undoLoad(c, fr, opts, forget, acked, v, failure, before)
		if wasInterrupted {
			return interruptedError{err}
		}
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(cmd.OutOrStdout(), "%s %d rows %s project %s in %s, %.2fs end to end, check included (%s rows/s); types %s\n",
		v.past, rows, map[bool]string{false: "into", true: "from"}[forget], opts.project, plural(frames, "message"),
		took.Seconds(), humanRate(rowsPerSecond(rows, took)), typesFlag(types))
	return nil
}

// uploadHintBytes is the file size from which learn and forget suggest upload.
const uploadHintBytes = 100e6

// suggestUpload tells, on stderr, the user of learn or forget with a file over
// uploadHintBytes that upload is the better way.
func suggestUpload(w io.Writer, opts loadOptions, path string, size int64, forget bool) {
	if opts.quiet || size < uploadHintBytes || path == "-" {
		return
	}
	flag := ""
	if forget {
		flag = " --forget"
	}
	fmt.Fprintf(w, "note: %s is %s MB: `symscore upload --project %s%s %s` sends it over several connections, resumes after a break and learns it as one change with every core of the server\n",
		path, megabytes(size), opts.project, flag, shellQuote(path))
}

// inflight is a message awaiting its reply.
type inflight struct {
	p     *client.Pending
	index int
	rows  int
	lines []int
}

// sendFrames sends the frames of fr (only those marked in which, unless which is nil)
// over one learn or forget session, at most opts.window awaiting their reply. It returns
// which frames the server applied, their rows, and the first failure (nil when all were
// applied). After a failure, or once ctx is done, it sends nothing more but still waits
// for the replies in flight, so acked is exact.
func sendFrames(ctx context.Context, c *client.Client, fr *framer, opts loadOptions, forget bool, which []bool, prog *progress) (acked []bool, rows int, failure error) {
	open := c.OpenLearn
	if forget {
		open = c.OpenForget
	}
	s, err := open(ctx, opts.project)
	if err != nil {
		return nil, 0, err
	}
	defer s.Close()
	var queue []inflight
	waitOldest := func() {
		m := queue[0]
		queue = queue[1:]
		_, err := m.p.Wait()
		switch {
		case err == nil:
			acked[m.index] = true
			rows += m.rows
			prog.add(m.rows)
		case failure == nil:
			failure = placeServerError(fr.f.Path, m.lines, err)
		}
	}
	errStop := errors.New("stop")
	var buf []byte
	seen := 0
	// The send loop watches ctx itself (it stops sending, then waits for the replies in
	// flight); reading the file goes on regardless.
	err = fr.each(context.Background(), func(fm *frame) error {
		seen++
		for fm.index >= len(acked) {
			acked = append(acked, false)
		}
		if which != nil && (fm.index >= len(which) || !which[fm.index]) {
			return nil
		}
		for len(queue) > 0 && (len(queue) >= opts.window || failure != nil) {
			waitOldest()
		}
		switch {
		case failure != nil:
			return errStop
		case ctx.Err() != nil:
			failure = errInterrupted
			return errStop
		}
		buf = fm.df.AppendJSON(buf[:0])
		if fr.changed(fm, buf) {
			failure = fmt.Errorf("%s changed after it was checked", fm.b.LineRange())
			return errStop
		}
		queue = append(queue, inflight{p: s.Send(buf), index: fm.index, rows: fm.df.Rows(), lines: fm.lines()})
		return nil
	})
	for len(queue) > 0 {
		waitOldest()
	}
	switch {
	case failure != nil:
	case err != nil && err != errStop:
		failure = err // the file could not be read again
	case err == nil && seen != len(fr.sums):
		failure = fmt.Errorf("%s changed after it was checked: %d messages now, %d then", fr.f.Path, seen, len(fr.sums))
	case err == nil && which == nil && fr.size != nil:
		if now, err := fr.size(); err != nil || now != fr.f.Size() {
			failure = fmt.Errorf("%s changed after it was checked: %d bytes now, %d then (%v)", fr.f.Path, now, fr.f.Size(), err)
		}
	}
	return acked, rows, failure
}

// undoLoad undoes the frames the server applied before failure, and returns the error
// that says what happened and what remains. before is the project as it was.
func undoLoad(c *client.Client, fr *framer, opts loadOptions, forget bool, acked []bool, v loadVerbs, failure error, before *client.ProjectInfo) error {
	applied := 0
	for _, a := range acked {
		if a {
			applied++
		}
	}
	if applied == 0 {
		return fmt.Errorf("%s: nothing was %s: %w", v.name, v.past, failure)
	}
	// A fresh context: an interrupt must not stop the undo.
	_, undone, err := sendFrames(context.Background(), c, fr, opts, !forget, acked, newProgress(io.Discard, "", 0, true, nil))
	if err != nil {
		return fmt.Errorf("%s failed: %w; undoing the %s applied before failed too (%v): the project holds part of the file",
			v.name, failure, plural(applied, "message"), err)
	}
	msg := fmt.Sprintf("%s: nothing was %s: %v; the %s (%d rows) applied before were %s", v.name, v.past, failure,
		plural(applied, "message"), undone, v.undoPast)
	after, err := c.ProjectInfo(context.Background(), opts.project)
	if err != nil {
		return fmt.Errorf("%s, but the project cannot be described to check it: %v", msg, err)
	}
	return errors.New(msg + ", " + remains(before, after))
}

// remains says how a project differs from what it was before an undone change.
func remains(before, after *client.ProjectInfo) string {
	had := make(map[string]bool, len(before.AttributeNames))
	for _, n := range before.AttributeNames {
		had[n] = true
	}
	var added []string
	for _, n := range after.AttributeNames {
		if !had[n] {
			added = append(added, n)
		}
	}
	var b strings.Builder
	if after.Rows != before.Rows {
		fmt.Fprintf(&b, "but the project holds %d rows, not the %d it had (another client changed it meanwhile?)", after.Rows, before.Rows)
	}
	if len(added) > 0 {
		if b.Len() == 0 {
			b.WriteString("so the project's rows and statistics are as before, but")
		} else {
			b.WriteString(", and")
		}
		shown := added
		if len(shown) > 10 {
			shown = shown[:10]
		}
		fmt.Fprintf(&b, " it keeps the %s the file added, with zero statistics: %s", plural(len(added), "attribute"), strings.Join(shown, ", "))
		if len(added) > len(shown) {
			fmt.Fprintf(&b, " and %d more", len(added)-len(shown))
		}
		b.WriteString(" (delete and recreate the project to remove them)")
	}
	if b.Len() == 0 {
		return "the project is as before"
	}
	return b.String()
}

var rowPrefix = regexp.MustCompile(`^row (\d+)(, |: )`)

// placeServerError names the file lines of a message the server refused, and the line of
// the row when the server's message names one.
func placeServerError(path string, lines []int, err error) error {
	var se *client.StatusError
	if errors.As(err, &se) {
		if m := rowPrefix.FindStringSubmatch(se.Message); m != nil {
			if r, _ := strconv.Atoi(m[1]); r < len(lines) {
				return fmt.Errorf("the server refused %s:%d: %s (%d): %s", path, lines[r], se.Status, se.HTTPCode, se.Message[len(m[0]):])
			}
		}
	}
	return fmt.Errorf("the server refused %s:%d-%d: %w", path, lines[0], lines[len(lines)-1], err)
}

// plural writes n and the noun, with an s unless n is 1.
func plural(n int, noun string) string { return strconv.Itoa(n) + " " + nouns(n, noun) }

// nouns is the noun with an s unless n is 1.
func nouns(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
