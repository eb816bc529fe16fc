package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/server"
)

func init() { register(newServeCmd) }

// defaultShutdownTimeout bounds a graceful shutdown: in-flight requests finish and
// durability is flushed within it, or serve exits with an error.
const defaultShutdownTimeout = 10 * time.Second

type serveOptions struct {
	configFile      string
	repair          bool
	shutdownTimeout time.Duration
}

func newServeCmd() *cobra.Command {
	var opts serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the server until SIGINT or SIGTERM",
		Long: `serve runs symscore: the WebSocket and REST listener, with the web dashboard at
/ui/ (its URL is printed at start), and the admin listener (/healthz, /readyz, /metrics). Configuration comes from --config (default: the embedded
default configuration), SYMSCORE_* environment variables and the flags below, each
overriding the one before. With no customers configured, a development customer is created
in data_dir on first start and its secret printed once.

On SIGINT or SIGTERM it stops accepting, finishes in-flight work and exits 0; it exits 1
if that takes longer than --shutdown-timeout. A second signal kills it at once. On SIGHUP
it reads the TLS certificate and key files again (tls.cert_file, tls.key_file) and uses
them for new connections, without dropping one.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return serve(cmd.Context(), opts, cmd, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&opts.configFile, "config", "c", "", "YAML configuration file")
	config.RegisterFlags(fs)
	fs.BoolVar(&opts.repair, "repair", false, "let recovery cut a corrupt write-ahead log, set aside unreadable snapshots and skip records that do not fit, instead of refusing to start (destroys that data)")
	fs.DurationVar(&opts.shutdownTimeout, "shutdown-timeout", defaultShutdownTimeout, "how long a graceful shutdown may take")
	return cmd
}

func serve(ctx context.Context, opts serveOptions, cmd *cobra.Command, stdout, stderr io.Writer) error {
	if opts.shutdownTimeout <= 0 {
		return usageError{fmt.Errorf("--shutdown-timeout must be > 0, not %v", opts.shutdownTimeout)}
	}
	cfg, err := config.Load(config.LoadOptions{File: opts.configFile, Flags: cmd.Flags()})
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			fmt.Fprintf(stderr, "symscore: invalid configuration, %d problem(s):\n", len(ce.Problems))
			for _, p := range ce.Problems {
				fmt.Fprintf(stderr, "  %s\n", p)
			}
			return errReported
		}
		return err
	}
	cfg.Repair = opts.repair
	log := newLogger(cfg.Log, stderr)

	created, dev, err := config.EnsureDevCustomer(&cfg)
	if err != nil {
		return err
	}
	if dev.ID != "" {
		path := config.DevCustomerPath(cfg.DataDir)
		if created {
			printDevKey(stdout, dev, path)
			log.Warn("development customer created; configure customers for real use", "cid", dev.ID, "file", path)
		} else {
			log.Warn("using the development customer; its secret is in the file", "cid", dev.ID, "file", path)
		}
	}

	if err := fitDescriptors(&cfg, log); err != nil {
		return err
	}

	// Catch signals before starting, so that one arriving during start stops cleanly.
	sigCtx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	// SIGHUP too, from before the start: it must not end the process (its default).
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	srv, err := server.New(cfg, log)
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		shutdown(srv, opts.shutdownTimeout, log)
		return err
	}
	ui := dashboardURL(srv.Addr(), cfg.PublicURL, cfg.TLS.Enabled())
	fmt.Fprintf(stdout, "symscore: dashboard at %s\n", ui)
	log.Info("dashboard", "url", ui)
	reloadOnHangup(sigCtx, hup, srv, cfg.TLS.Enabled(), log)
	<-sigCtx.Done()
	stop() // a second signal now kills the process
	log.Info("shutting down", "timeout", opts.shutdownTimeout)
	return shutdown(srv, opts.shutdownTimeout, log)
}

// reloadOnHangup reloads the main listener's certificate on every SIGHUP until ctx ends
// (certificate rotation without a restart): the outcome is logged, and a pair that does not
// load leaves the one in use. Without TLS a SIGHUP is logged and ignored.
func reloadOnHangup(ctx context.Context, hup <-chan os.Signal, srv *server.Server, tls bool, log *slog.Logger) {
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
			}
			if !tls {
				log.Info("SIGHUP: nothing to reload (no tls.cert_file)")
				continue
			}
			if err := srv.ReloadTLS(); err != nil {
				log.Error("SIGHUP: the TLS certificate was not reloaded; the one in use stays", "err", err)
			}
		}
	}()
}

func shutdown(srv *server.Server, timeout time.Duration, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		log.Error("shutdown incomplete", "err", err)
		return errReported
	}
	return nil
}

// printDevKey shows the development customer's secret, the only time it is shown.
func printDevKey(w io.Writer, c config.Customer, path string) {
	fmt.Fprintf(w, `
==================== DEVELOPMENT KEY ====================
A development customer was created because no customers are configured.
For local development only: configure customers (symscore keygen) for real use.

  cid:    %s
  secret: %s

It is kept in %s (mode 0600) and reused on later
starts; this is the only time the secret is printed.
=========================================================

`, c.ID, c.Secrets[0], path)
}
