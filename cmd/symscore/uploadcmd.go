package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/symscore/symscore/client"
)

func init() { register(newUploadCmd) }

type uploadOptions struct {
	project       string
	types         string
	forget        bool
	errorHandling int
	connections   int
	chunkSize     int
	resume        string
	node          string
	quiet         bool
}

func newUploadCmd() *cobra.Command {
	var opts uploadOptions
	var conn *connFlags
	cmd := &cobra.Command{
		Use:   "upload --project P FILE.csv",
		Short: "Upload a CSV file and learn (or forget) it as one change",
		Long: `upload sends FILE.csv (RFC 4180 CSV with a header row, as learn reads) to the server as a
bulk upload (docs/uploads.md): in chunks over --connections WebSocket connections, each
acknowledged once durable; then the server reads the whole file with every core and
learns it (--forget: forgets it) as one change, every row or none.

Column types come from --types (one of C, B, T, X, S per column, e.g. C,C,T,B), else the
server infers them from the whole file, as learn does: the project's types for the
columns it knows; 0/1 columns B, numeric ones C, others T. With --error-handling 0 (the
default) the first bad cell fails with its line and column and nothing is learned; with
1 bad rows are skipped and counted.

If the command stops before the file is finalized (the network, the server, an interrupt),
it says the upload's id: --resume ID sends only the bytes the server is missing (on a
cluster, the command also names the node that holds the upload: --node URL). A
finalize that failed (a bad cell) can be asked again the same way, e.g. with
--error-handling 1, without sending the file again. Uploads the server keeps: symscore
uploads.

Progress goes to stderr: a bar with MB/s and the time left while sending, another while
the server learns; a line every few seconds when stderr is not a terminal.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.project == "" {
				return usageError{errors.New("--project is required")}
			}
			if opts.errorHandling != 0 && opts.errorHandling != 1 {
				return usageError{errors.New("--error-handling must be 0 or 1")}
			}
			if opts.connections <= 0 || opts.chunkSize <= 0 {
				return usageError{errors.New("--connections and --chunk-size must be > 0")}
			}
			if opts.node != "" && opts.resume == "" {
				return usageError{errors.New("--node names the node holding the upload to resume: give --resume too")}
			}
			return runUpload(cmd, conn, opts, args[0])
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&opts.project, "project", "p", "", "project id (required)")
	fs.StringVar(&opts.types, "types", "", "column types, comma-separated (default: inferred by the server from the whole file)")
	fs.BoolVar(&opts.forget, "forget", false, "forget the file's rows instead of learning them")
	fs.IntVar(&opts.errorHandling, "error-handling", 0, "0: the first bad cell fails, nothing learned; 1: bad rows skipped and counted")
	fs.IntVar(&opts.connections, "connections", client.DefaultUploadConnections, "WebSocket connections sending chunks at once")
	fs.IntVar(&opts.chunkSize, "chunk-size", client.DefaultUploadChunkSize, "bytes per chunk")
	fs.StringVar(&opts.resume, "resume", "", "id of an upload of FILE to complete: only its missing bytes are sent")
	fs.StringVar(&opts.node, "node", "", "with --resume, on a cluster behind a load balancer: the URL of the node that holds the upload (the failed command says it)")
	fs.BoolVarP(&opts.quiet, "quiet", "q", false, "no progress on stderr")
	conn = addConnFlags(fs)
	return cmd
}

func runUpload(cmd *cobra.Command, conn *connFlags, opts uploadOptions, path string) error {
	start := time.Now()
	clk := &progressClock{start: start, last: start}
	c, err := conn.client()
	if err != nil {
		return err
	}
	if _, err := c.At(opts.node); err != nil {
		return usageError{fmt.Errorf("--node: %w", err)}
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stderr := cmd.ErrOrStderr()
	verb := "learned"
	if opts.forget {
		verb = "forgot"
	}
	var send, learn *progress
	var sendStart time.Time
	var sentAt time.Duration
	res, err := c.Upload(ctx, path, opts.project, client.UploadOptions{
		FinalizeOptions: client.FinalizeOptions{Forget: opts.forget, Types: opts.types, ErrorHandling: opts.errorHandling},
		Resume:          opts.resume,
		Node:            opts.node,
		Connections:     opts.connections,
		ChunkSize:       opts.chunkSize,
		Progress: func(p client.UploadProgress) {
			switch p.Phase {
			case "sending":
				if send == nil {
					sendStart = time.Now()
					send = newProgressUnit(stderr, "sent", true, p.Size, opts.quiet, clk)
					send.eta = true
					send.base = p.Received // a resume's earlier bytes do not count in the rate
				}
				send.set(p.Received)
			case "learning":
				if learn == nil {
					if send != nil {
						send.finish()
						sentAt = time.Since(sendStart)
					}
					learn = newProgressUnit(stderr, verb, true, p.Size, opts.quiet, clk)
					learn.eta = true
				}
				learn.set(int64(p.Job.Fraction * float64(p.Size)))
			}
		},
	})
	switch {
	case learn != nil:
		learn.finish()
	case send != nil:
		send.finish()
	}
	if err != nil {
		return uploadFailure(ctx, err, opts, path)
	}
	took := time.Since(start)
	rate := ""
	if sentAt > 0 && res.Sent > 0 {
		rate = fmt.Sprintf(", sent %s MB at %s MB/s", megabytes(res.Sent), megabytes(int64(perSecond(res.Sent, sentAt))))
	}
	skipped := ""
	if res.RowsSkipped > 0 {
		skipped = fmt.Sprintf(" (%s skipped)", plural(int(res.RowsSkipped), "bad row"))
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s %d rows%s %s project %s from %s (%s MB, upload %s) in %.2fs%s\n",
		verb, res.RowsApplied, skipped, map[bool]string{false: "into", true: "from"}[opts.forget], opts.project, path,
		megabytes(st.Size()), res.UploadID, took.Seconds(), rate)
	return nil
}

// uploadFailure says what failed and how to go on: resume the upload, or finalize it
// again.
func uploadFailure(ctx context.Context, err error, opts uploadOptions, path string) error {
	var ue *client.UploadError
	if !errors.As(err, &ue) || ue.UploadID == "" {
		return err
	}
	again := fmt.Sprintf("symscore upload --project %s %s --resume %s", opts.project, shellQuote(path), ue.UploadID)
	if ue.Node != "" {
		again += " --node " + shellQuote(ue.Node)
	}
	msg := fmt.Sprintf("upload %s stopped before the file was learned: %v\nnothing was learned; send what is missing with:\n  %s",
		ue.UploadID, ue.Err, again)
	if ue.Finalizing {
		msg = fmt.Sprintf("upload %s: the server could not learn the file: %v\nnothing was learned; the file stays on the server: fix the command and finalize again with:\n  %s [--types ...] [--error-handling 1]",
			ue.UploadID, ue.Err, again)
	}
	if ctx.Err() != nil {
		return interruptedError{errors.New(msg)}
	}
	return errors.New(msg)
}

// shellQuote quotes a path for a command line when it needs it.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
