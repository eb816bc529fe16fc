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
	project   string
	types     string
	frameRows int
	window    int
	quiet     bool
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
		Long: v.name + ` sends the rows of FILE.csv (a header row naming the columns, then one row per
line; quoted fields may hold commas, doubled quotes and newlines) over one WebSocket
connection, --frame-rows rows per message, at most --window messages awaiting their reply.

Column types come from --types (one of C, B, T, X, S per column, e.g. C,C,T,B), or are
inferred from every row: a column whose values are all 0 or 1 is B, one whose values are
all numbers is C, anything else is T.

It is all or nothing. Every row is checked with the server's own DataFrame rules before
the first message is sent (and every message is compared with what was checked, so a file
changed meanwhile is caught): a bad cell (a C value that is not a number, an empty cell, a
B value other than 0 or 1) is reported with its line and nothing is sent. If the server
still refuses a message (the project was frozen meanwhile, a server limit, a shutdown)
or the command is interrupted, the messages it had applied are undone (forgotten after a
learn, learned again after a forget), so the project's row count and statistics are as
before; the command says so, or says what could not be undone. Only the min and max of
the uni exploration, and attribute names new to the project, survive an undone learn.

Progress goes to stderr: a bar when it is a terminal, a line every 2s otherwise.`,
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
	fs.StringVar(&opts.types, "types", "", "column types, comma-separated (default: inferred from the rows)")
	fs.IntVar(&opts.frameRows, "frame-rows", defaultFrameRows, "rows per WebSocket message")
	fs.IntVar(&opts.window, "window", defaultWindow, "most messages awaiting their reply at once")
	fs.BoolVarP(&opts.quiet, "quiet", "q", false, "no progress on stderr")
	conn = addConnFlags(fs)
	return cmd
}

func runLoad(ctx context.Context, cmd *cobra.Command, conn *connFlags, opts loadOptions, path string, v loadVerbs, forget bool) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := conn.client()
	if err != nil {
		return err
	}
	f, err := openCSV(path)
	if err != nil {
		return fmt.Errorf("%s: nothing was %s: %w", v.name, v.past, err)
	}
	var types []string
	if opts.types != "" {
		types, err = parseTypes(opts.types, f.header)
	} else if types, err = inferTypes(f); err != nil {
		err = fmt.Errorf("%s: nothing was %s: %w", v.name, v.past, err)
	}
	if err != nil {
		return err
	}
	info, err := c.ProjectInfo(ctx, opts.project)
	if err != nil {
		return fmt.Errorf("%s: project %s: %w", v.name, opts.project, err)
	}
	fr := framer{f: f, types: types, rows: opts.frameRows}
	rows, frames, err := fr.validate(dataframe.ModeLearn, info.PartitionColumn)
	if err != nil {
		return fmt.Errorf("%s: nothing was %s: %w", v.name, v.past, err)
	}
	stderr := cmd.ErrOrStderr()
	prog := newProgress(stderr, v.past, rows, opts.quiet)
	acked, _, failure := sendFrames(ctx, c, fr, opts, forget, nil, prog)
	prog.finish()
	stop() // from here a second interrupt kills the process at once
	if failure != nil {
		return undoLoad(c, fr, opts, forget, acked, v, failure)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s %d rows %s project %s in %s, %.2fs (%s rows/s); types %s\n",
		v.past, rows, map[bool]string{false: "into", true: "from"}[forget], opts.project, plural(frames, "message"),
		prog.elapsed().Seconds(), humanRate(rowsPerSecond(rows, prog.elapsed())), strings.Join(types, ","))
	return nil
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
func sendFrames(ctx context.Context, c *client.Client, fr framer, opts loadOptions, forget bool, which []bool, prog *progress) (acked []bool, rows int, failure error) {
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
			failure = placeServerError(fr.f.path, m.lines, err)
		}
	}
	errStop := errors.New("stop")
	var buf []byte
	seen := 0
	err = fr.each(false, func(fm *frame) error {
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
			failure = errors.New("interrupted")
			return errStop
		}
		buf = fm.df.AppendJSON(buf[:0])
		if fr.changed(fm, buf) {
			failure = fmt.Errorf("%s changed after it was checked", fr.f.lineRange(fm))
			return errStop
		}
		queue = append(queue, inflight{p: s.Send(buf), index: fm.index, rows: fm.df.Rows(), lines: append([]int(nil), fm.lines...)})
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
		failure = fmt.Errorf("%s changed after it was checked: %d messages now, %d then", fr.f.path, seen, len(fr.sums))
	}
	return acked, rows, failure
}

// undoLoad undoes the frames the server applied before failure, and returns the error
// that says what happened.
func undoLoad(c *client.Client, fr framer, opts loadOptions, forget bool, acked []bool, v loadVerbs, failure error) error {
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
	_, undone, err := sendFrames(context.Background(), c, fr, opts, !forget, acked, newProgress(io.Discard, "", 0, true))
	if err == nil {
		return fmt.Errorf("%s: nothing was %s: %w; the %s (%d rows) applied before were %s, the project is as before",
			v.name, v.past, failure, plural(applied, "message"), undone, v.undoPast)
	}
	return fmt.Errorf("%s failed: %w; undoing the %s applied before failed too (%v): the project holds part of the file",
		v.name, failure, plural(applied, "message"), err)
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
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
