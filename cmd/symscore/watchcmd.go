package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/symscore/symscore/client"
)

func init() { register(newWatchCmd) }

// redrawEvery bounds how often the table is redrawn on a terminal.
const redrawEvery = 100 * time.Millisecond

func newWatchCmd() *cobra.Command {
	var project string
	var pairFlags []string
	var asJSON bool
	var conn *connFlags
	cmd := &cobra.Command{
		Use:   "watch --project P [names...]",
		Short: "Watch a project learn: the live statistics of its attributes",
		Long: `watch subscribes to the project's attributes (docs/subscribe.md) and shows their
statistics as they change, until interrupted or until the project is deleted. Names are
attribute names, "*" for every attribute present and future, or the topics $project,
$models and $log; without names it watches "*" and $project. --pair a,b (repeatable)
adds the covariance and correlation of two attributes.

On a terminal it draws a table, redrawn as values arrive (at most every 100ms);
otherwise, or with --json, it prints every message the server sends, one JSON object
per line, as sent.`,
		RunE: func(cmd *cobra.Command, names []string) error {
			if project == "" {
				return usageError{errors.New("--project is required")}
			}
			pairs, err := parsePairs(pairFlags)
			if err != nil {
				return usageError{err}
			}
			if len(names) == 0 && len(pairs) == 0 {
				names = []string{"*", "$project"}
			}
			c, err := conn.client()
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			sub, err := c.Subscribe(ctx, project, names, pairs)
			if err != nil {
				return fmt.Errorf("watch project %s: %w", project, err)
			}
			defer sub.Close()
			out, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
			if asJSON || !isTerminal(out) {
				err = watchLines(ctx, sub, out, stderr)
			} else {
				err = watchTable(ctx, sub, project, out, stderr)
			}
			if ctx.Err() != nil {
				return interruptedError{errInterrupted}
			}
			return err
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&project, "project", "p", "", "project id (required)")
	fs.StringArrayVar(&pairFlags, "pair", nil, "a pair of attributes a,b to watch (covar, linCorr); repeatable")
	fs.BoolVar(&asJSON, "json", false, "one JSON line per message, even on a terminal")
	conn = addConnFlags(fs)
	return cmd
}

// parsePairs reads --pair values "a,b".
func parsePairs(flags []string) ([][2]string, error) {
	var pairs [][2]string
	for _, f := range flags {
		a, b, ok := strings.Cut(f, ",")
		if !ok || a == "" || b == "" || strings.Contains(b, ",") {
			return nil, fmt.Errorf("--pair %q: want two attribute names, a,b", f)
		}
		pairs = append(pairs, [2]string{a, b})
	}
	return pairs, nil
}

// watchLines prints every message as one JSON line until the subscription ends.
func watchLines(ctx context.Context, sub *client.Subscription, out, stderr io.Writer) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case m, ok := <-sub.Messages():
			if !ok {
				return watchEnd(sub, stderr)
			}
			if _, err := fmt.Fprintf(out, "%s\n", m.Raw); err != nil {
				return err
			}
		}
	}
}

// watchEnd is how a watch ends once the subscription has: nil after the project's
// deletion (said on stderr), the failure otherwise.
func watchEnd(sub *client.Subscription, stderr io.Writer) error {
	var ce *client.CloseError
	if errors.As(sub.Err(), &ce) && ce.Code == 1000 {
		fmt.Fprintf(stderr, "symscore: the subscription ended: %s\n", ce.Reason)
		return nil
	}
	return sub.Err()
}

// watchTable draws the table of the latest values, redrawn at most every redrawEvery.
func watchTable(ctx context.Context, sub *client.Subscription, project string, out, stderr io.Writer) error {
	t := &watchState{project: project, rows: map[string]*client.Message{}}
	tick := time.NewTicker(redrawEvery)
	defer tick.Stop()
	dirty := true
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			if dirty {
				t.draw(out)
				dirty = false
			}
		case m, ok := <-sub.Messages():
			if !ok {
				t.draw(out)
				return watchEnd(sub, stderr)
			}
			t.add(m)
			dirty = true
		}
	}
}

// watchState is what the table shows.
type watchState struct {
	project string
	order   []string                   // subscriptions, in the order their first value came
	rows    map[string]*client.Message // the latest data of each
	summary *client.Message            // the latest $project data
	pending []string
	last    string // the latest model event, log entry or error, described
}

func (t *watchState) add(m *client.Message) {
	switch m.Type {
	case "subscribed":
		t.pending = m.Pending
	case "data":
		if m.Name == "$project" {
			t.summary = m
			return
		}
		key := m.Name
		if key == "" {
			key = m.Pair[0] + "," + m.Pair[1]
		}
		if t.rows[key] == nil {
			t.order = append(t.order, key)
			t.pending = slices.DeleteFunc(t.pending, func(p string) bool { return p == key })
		}
		t.rows[key] = m
	case "model":
		t.last = fmt.Sprintf("model %s (%s) %s at version %d", m.ModelID, m.ModelType, m.Event, m.Version)
	case "log":
		if n := len(m.Entries); n > 0 {
			e := m.Entries[n-1]
			t.last = fmt.Sprintf("%s of %d rows at version %d (%d changes since the last log, %d not listed)", e.Op, e.Rows, e.Version, int64(n)+m.Dropped, m.Dropped)
		}
	case "error":
		t.last = "refused: " + m.Err.Error()
	case "closed":
		t.last = "closed: " + m.Reason
	}
}

// draw clears the terminal and writes the table.
func (t *watchState) draw(out io.Writer) {
	var b strings.Builder
	b.WriteString("\x1b[H\x1b[2J")
	fmt.Fprintf(&b, "project %s", t.project)
	if p := t.summary; p != nil && p.Project != nil {
		fmt.Fprintf(&b, "  version %d  rows %d  attributes %d  models %d  frozen %v  modified %s",
			p.Version, p.Project.Rows, p.Project.Attributes, p.Project.Models, p.Project.Frozen,
			p.Project.LastModificationDate.Format(time.RFC3339))
	}
	b.WriteString("\n\n")
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "attribute\tcount\tmean\tvariance\tstddev\tmin\tmax\tversion\t")
	for _, k := range t.order {
		m := t.rows[k]
		if m.Name == "" {
			continue
		}
		v := m.Values
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t\n", k, num(v["count"]), num(v["mean"]), num(v["variance"]),
			num(v["stddev"]), num(v["min"]), num(v["max"]), m.Version)
	}
	tw.Flush()
	pairs := false
	for _, k := range t.order {
		if m := t.rows[k]; m.Name == "" {
			if !pairs {
				b.WriteString("\n")
				fmt.Fprintln(tw, "pair\tcovar\tlinCorr\tversion\t")
				pairs = true
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t\n", k, num(m.Values["covar"]), num(m.Values["linCorr"]), m.Version)
		}
	}
	tw.Flush()
	if len(t.pending) > 0 {
		fmt.Fprintf(&b, "\nnot in the project yet: %s\n", strings.Join(t.pending, ", "))
	}
	if t.last != "" {
		fmt.Fprintf(&b, "\n%s\n", t.last)
	}
	io.WriteString(out, b.String())
}

// num formats a value with 6 significant digits (null when undefined).
func num(f float64) string { return formatFloatPrec(f, 6) }
