package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/dataframe"
)

func init() { register(newPredictCmd) }

type predictOptions struct {
	project, model, types, format string
	impute                        bool
	frameRows, window             int
}

func newPredictCmd() *cobra.Command {
	var opts predictOptions
	var conn *connFlags
	cmd := &cobra.Command{
		Use:   "predict --project P --model M FILE.csv",
		Short: "Score the rows of a CSV file with a model; write them with their predictions",
		Long: `predict scores every row of FILE.csv (a header row, then rows, as learn reads them) with
model M and writes to stdout the input columns followed by one column per prediction
key, in the model's order (docs/statistics.md: res, prob, one column per class, ...), each
value as the server sent it; a null prediction is an empty cell.

Rows go over one WebSocket connection, --frame-rows per message, pipelined; an empty
input cell is imputed with the project mean. With --impute they go over REST instead,
and a missing input is imputed by the model's regression of it on the inputs present.
Column types come from --types or are inferred as learn infers them. --format table
writes an aligned table instead, numbers cut to 6 significant digits (it holds the whole
output in memory).`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case opts.project == "" || opts.model == "":
				return usageError{errors.New("--project and --model are required")}
			case opts.frameRows <= 0 || opts.window <= 0:
				return usageError{errors.New("--frame-rows and --window must be > 0")}
			case opts.format != "csv" && opts.format != "table":
				return usageError{fmt.Errorf("--format %q: want csv or table", opts.format)}
			}
			return runPredict(cmd.Context(), cmd.OutOrStdout(), conn, opts, args[0])
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&opts.project, "project", "p", "", "project id (required)")
	fs.StringVarP(&opts.model, "model", "m", "", "model id (required)")
	fs.BoolVar(&opts.impute, "impute", false, "impute missing inputs with the model's regressions (over REST)")
	fs.StringVar(&opts.types, "types", "", "column types, comma-separated (default: inferred from the rows)")
	fs.StringVar(&opts.format, "format", "csv", "output format: csv or table")
	fs.IntVar(&opts.frameRows, "frame-rows", defaultFrameRows, "rows per message")
	fs.IntVar(&opts.window, "window", defaultWindow, "most WebSocket messages awaiting their reply at once")
	conn = addConnFlags(fs)
	return cmd
}

func runPredict(ctx context.Context, stdout io.Writer, conn *connFlags, opts predictOptions, path string) error {
	c, err := conn.client()
	if err != nil {
		return err
	}
	f, err := openCSV(path)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	var types []string
	if opts.types != "" {
		types, err = parseTypes(opts.types, f.header)
	} else if types, err = inferTypes(f); err != nil {
		err = fmt.Errorf("predict: %w", err)
	}
	if err != nil {
		return err
	}
	fr := framer{f: f, types: types, rows: opts.frameRows}
	if _, _, err := fr.validate(dataframe.ModePredict, ""); err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	out := newPredictionWriter(stdout, f.header, opts.format)
	var s *client.Session // nil: over REST, one message at a time
	if !opts.impute {
		if s, err = c.OpenPredict(ctx, opts.project, opts.model); err != nil {
			return fmt.Errorf("predict: %w", err)
		}
		defer s.Close()
	}
	type scored struct {
		p    *client.Pending
		recs [][]string
		fm   []int
	}
	var queue []scored
	var failure error
	var buf []byte
	waitOldest := func() {
		m := queue[0]
		queue = queue[1:]
		r, err := m.p.Wait()
		if err == nil {
			err = out.write(r, m.recs)
		}
		if err != nil && failure == nil {
			failure = placeServerError(path, m.fm, err)
		}
	}
	err = fr.each(true, func(fm *frame) error {
		buf = fm.df.AppendJSON(buf[:0])
		if s == nil {
			r, err := c.PredictReply(ctx, opts.project, opts.model, buf, opts.impute)
			if err == nil {
				err = out.write(r, fm.recs)
			}
			if err != nil {
				return placeServerError(path, fm.lines, err)
			}
			return nil
		}
		for len(queue) > 0 && (len(queue) >= opts.window || failure != nil) {
			waitOldest()
		}
		if failure != nil {
			return failure
		}
		queue = append(queue, scored{p: s.Send(buf), recs: fm.recs, fm: append([]int(nil), fm.lines...)})
		return nil
	})
	for len(queue) > 0 {
		waitOldest()
	}
	if err == nil {
		err = failure
	}
	if err != nil {
		return fmt.Errorf("predict with model %s of project %s: %w", opts.model, opts.project, err)
	}
	return out.flush()
}

// predictionWriter writes input rows with their predictions, as CSV or as a table. The
// prediction columns are the keys of the first reply, in its order.
type predictionWriter struct {
	header []string
	keys   []string
	csv    *csv.Writer
	table  [][]string // format table: every row, written by flush
	w      io.Writer
	row    []string
}

func newPredictionWriter(w io.Writer, header []string, format string) *predictionWriter {
	pw := &predictionWriter{header: header, w: w}
	if format == "csv" {
		pw.csv = csv.NewWriter(w)
	}
	return pw
}

// write writes one reply's predictions with the rows they score.
func (pw *predictionWriter) write(r *client.Reply, recs [][]string) error {
	preds, err := r.Predictions()
	if err != nil {
		return err
	}
	if len(preds) != len(recs) {
		return fmt.Errorf("%d predictions for %d rows", len(preds), len(recs))
	}
	if pw.keys == nil {
		if pw.keys, err = r.PredictionKeys(); err != nil {
			return err
		}
		if err := pw.emit(append(append([]string(nil), pw.header...), pw.keys...)); err != nil {
			return err
		}
	}
	for i, rec := range recs {
		pw.row = append(pw.row[:0], rec...)
		for _, k := range pw.keys {
			v := preds[i][k]
			if pw.csv == nil { // a table is for reading: 6 significant digits
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					v = formatFloat(f)
				}
			}
			pw.row = append(pw.row, v)
		}
		if err := pw.emit(pw.row); err != nil {
			return err
		}
	}
	return nil
}

func (pw *predictionWriter) emit(row []string) error {
	if pw.csv != nil {
		return pw.csv.Write(row)
	}
	pw.table = append(pw.table, append([]string(nil), row...))
	return nil
}

// flush writes what is buffered.
func (pw *predictionWriter) flush() error {
	if pw.csv != nil {
		pw.csv.Flush()
		return pw.csv.Error()
	}
	tw := tabwriter.NewWriter(pw.w, 0, 4, 2, ' ', 0)
	for _, row := range pw.table {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}
