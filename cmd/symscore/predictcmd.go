package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/dataframe"
)

func init() { register(newPredictCmd) }

type predictOptions struct {
	project, model, types, format string
	impute, allowMissing, quiet   bool
	frameRows, window             int
}

func newPredictCmd() *cobra.Command {
	var opts predictOptions
	var conn *connFlags
	cmd := &cobra.Command{
		Use:   "predict --project P --model M FILE.csv",
		Short: "Score the rows of a CSV file with a model; write them with their predictions",
		Long: `predict scores every row of FILE.csv ("-": standard input; a header row, then rows, as
learn reads them) with model M and writes to stdout the input columns followed by one
column per prediction key, in the model's order (docs/statistics.md: res, prob, one column per
class, ...), each value as the server sent it; a null prediction is an empty cell.

Every input of the model must be a column of the file (a T attribute "k$v" needs column
k): an absent one is refused, naming it and the project attributes closest to the file's
unknown columns (a misspelt header), unless --allow-missing. A missing input — an absent
column with --allow-missing, or an empty cell — is imputed with the project mean; with
--impute the rows go over REST instead, and a missing input is imputed by the model's
regression of it on the inputs present. The count of imputed values goes to stderr.

Rows go over one WebSocket connection, --frame-rows per message, pipelined. Columns take
the project's types; columns the project does not know are sent as X (ignored), or give
--types. --format table writes an aligned table instead, numbers cut to 6 significant
digits (it holds the whole output in memory).`,
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
			return runPredict(cmd.Context(), cmd, conn, opts, args[0])
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&opts.project, "project", "p", "", "project id (required)")
	fs.StringVarP(&opts.model, "model", "m", "", "model id (required)")
	fs.BoolVar(&opts.impute, "impute", false, "impute missing inputs with the model's regressions (over REST)")
	fs.BoolVar(&opts.allowMissing, "allow-missing", false, "score even when inputs of the model are not columns of the file (imputed)")
	fs.StringVar(&opts.types, "types", "", "column types, comma-separated (default: the project's; X for columns it does not know)")
	fs.StringVar(&opts.format, "format", "csv", "output format: csv or table")
	fs.IntVar(&opts.frameRows, "frame-rows", defaultFrameRows, "rows per message")
	fs.IntVar(&opts.window, "window", defaultWindow, "most WebSocket messages awaiting their reply at once")
	fs.BoolVarP(&opts.quiet, "quiet", "q", false, "no progress and no imputation count on stderr")
	conn = addConnFlags(fs)
	return cmd
}

func runPredict(ctx context.Context, cmd *cobra.Command, conn *connFlags, opts predictOptions, path string) error {
	clk := newProgressClock()
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	c, err := conn.client()
	if err != nil {
		return err
	}
	in, err := openCSVInput(path, cmd.InOrStdin())
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	defer in.Close()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	info, err := c.ProjectInfo(ctx, opts.project)
	if err != nil {
		return fmt.Errorf("predict: project %s: %w", opts.project, err)
	}
	mi, err := c.ModelInfo(ctx, opts.project, opts.model)
	if err != nil {
		return fmt.Errorf("predict: model %s of project %s: %w", opts.model, opts.project, err)
	}
	var types []dataframe.Type
	if opts.types != "" {
		if types, err = parseTypes(opts.types, in.Names); err != nil {
			return err
		}
	} else {
		types = projectTypes(in.Names, info.AttributeNames, info.AttributeTypes)
		for i, t := range types {
			if t == 0 {
				types[i] = dataframe.TypeX
			}
		}
	}
	im := newImputeCounter(mi.AttributeNames, in.Names, types)
	if len(im.absent) > 0 && !opts.allowMissing {
		return missingInputsError(in.Path, opts, im.absent, in.Names, types, info.AttributeNames)
	}
	fr := &framer{f: in.File, types: types, rows: opts.frameRows}
	check := newProgressUnit(stderr, "checked", true, in.Size(), opts.quiet, clk)
	rows, _, err := fr.validate(ctx, dataframe.ModePredict, "", check)
	check.finish()
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	out := newPredictionWriter(stdout, in.Names, opts.format)
	var s *client.Session // nil: over REST, one message at a time
	if !opts.impute {
		if s, err = c.OpenPredict(ctx, opts.project, opts.model); err != nil {
			return fmt.Errorf("predict: %w", err)
		}
		defer s.Close()
	}
	prog := newProgress(stderr, "scored", rows, opts.quiet, clk)
	type scored struct {
		p     *client.Pending
		recs  [][]string
		lines []int
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
			failure = placeServerError(in.Path, m.lines, err)
		}
		if err == nil {
			prog.add(len(m.recs))
		}
	}
	err = fr.each(ctx, func(fm *frame) error {
		recs := make([][]string, fm.b.Rows())
		for i := range recs {
			recs[i] = append([]string(nil), fm.b.Row(i)...)
			im.count(recs[i])
		}
		buf = fm.df.AppendJSON(buf[:0])
		if s == nil {
			r, err := c.PredictReply(ctx, opts.project, opts.model, buf, opts.impute)
			if err == nil {
				err = out.write(r, recs)
			}
			if err != nil {
				return placeServerError(in.Path, fm.lines(), err)
			}
			prog.add(len(recs))
			return nil
		}
		for len(queue) > 0 && (len(queue) >= opts.window || failure != nil) {
			waitOldest()
		}
		if failure != nil {
			return failure
		}
		queue = append(queue, scored{p: s.Send(buf), recs: recs, lines: fm.lines()})
		return nil
	})
	for len(queue) > 0 {
		waitOldest()
	}
	prog.finish()
	if err == nil {
		err = failure
	}
	if err != nil {
		return fmt.Errorf("predict with model %s of project %s: %w", opts.model, opts.project, err)
	}
	if err := out.flush(); err != nil {
		return err
	}
	if !opts.quiet {
		im.report(stderr, opts.impute)
	}
	return nil
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
