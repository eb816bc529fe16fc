package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/symscore/symscore/bench"
	"github.com/symscore/symscore/client"
)

// benchURLBase is where bench finds symscore unless told otherwise.
const benchURLBase = "ws://127.0.0.1:8080"

// loadFlags are the flags of "bench".
type loadFlags struct {
	url, mode                   string
	connections, pipeline, rows int
	count                       int
	duration, warmup            time.Duration
	floors, floorsInProcess     bool
	floorsPool                  bool
	check                       string
	rounds                      int
	floorCPUs                   string
	cid, secret, project, model string
	signEvery, jsonOut, setup   bool
	sourceAddrs                 []string
}

// newBenchCmd is "symscore bench": load symscore over WebSocket and report latency
// percentiles and throughput, optionally next to the echo floors; with its subcommands
// "idle" (memory per idle connection) and "serve-floors" (the floors as a process).
func newBenchCmd() *cobra.Command {
	var f loadFlags
	cmd := &cobra.Command{
		Use:          "bench",
		SilenceUsage: true,
		Short:        "Measure symscore's latency and throughput against a bare echo floor",
		Long: `Load a symscore WebSocket endpoint and report round-trip latency percentiles
(write to reply read, HdrHistogram, 3 significant digits) and throughput.

Modes: predict and learn load /symetry/ws/predict and /symetry/ws/learn: the first message on
each connection is signed (--cid, --secret), later ones are bare session frames; replies must
have statusCode OK. echo loads a WebSocket echo (symscore's /symetry/ws/echo, enabled by
testing.echo_endpoint, or "bench serve-floors"); tcp loads the raw TCP floor.

--floors measures, in the same run and with the same message bytes, the bare WebSocket echo
floor and the raw TCP echo floor, in rotating order over --rounds rounds, and prints medians
and the ratios to each floor. The floors run in a child process ("bench serve-floors"),
pinned with taskset to --floor-cpus when given. For stable figures pin symscore to the same
cores and this command to the others, e.g. on 2 cores:

  taskset -c 0 symscore serve ... &
  taskset -c 1 symscore bench --mode predict --floors --floor-cpus 0 ...`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runLoadCommand(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.url, "url", "", "WebSocket URL to load (default "+benchURLBase+"/symetry/ws/<mode>; tcp://host:port for mode tcp)")
	fl.StringVar(&f.mode, "mode", bench.ModePredict, "predict, learn, echo or tcp")
	fl.IntVar(&f.connections, "connections", 1, "connections")
	fl.IntVar(&f.pipeline, "pipeline", 1, "requests in flight per connection")
	fl.IntVar(&f.rows, "rows", 0, "rows per message: learn (default 100); echo and tcp send a learn DataFrame of this many rows instead of the one-row predict DataFrame")
	fl.DurationVar(&f.duration, "duration", 10*time.Second, "measurement time after the warm-up (0: bound by --count)")
	fl.IntVar(&f.count, "count", 0, "measured round trips over all connections (0: bound by --duration)")
	fl.DurationVar(&f.warmup, "warmup", time.Second, "warm-up, not measured")
	fl.BoolVar(&f.floors, "floors", false, "also measure the WebSocket and TCP echo floors and print ratios")
	fl.BoolVar(&f.floorsInProcess, "floors-in-process", false, "serve the floors from this process instead of a child process")
	fl.BoolVar(&f.floorsPool, "floors-pool-idle-buffers", false, "the WebSocket floor gives idle connections' buffers back to a pool, as symscore does (one extra peek per message)")
	fl.IntVar(&f.rounds, "rounds", bench.DefaultRounds, "rounds of the floors comparison")
	fl.StringVar(&f.floorCPUs, "floor-cpus", "", "taskset CPU list for the floors' process, e.g. 0")
	fl.StringVar(&f.cid, "cid", "", "customer id that signs the first message")
	fl.StringVar(&f.secret, "secret", "", "the customer's secret (Base64)")
	fl.StringVar(&f.project, "project", "bench", "project id (extraKeys[0])")
	fl.StringVar(&f.model, "model", "lda1", "model id for predict (extraKeys[1])")
	fl.BoolVar(&f.signEvery, "sign-every", false, "predict: sign every message, not only the first (for a server with auth.signed_frames_only)")
	fl.BoolVar(&f.jsonOut, "json", false, "print JSON instead of a table")
	fl.StringVar(&f.check, "check", "auto", "how replies are checked: auto (echo: equal to the message; predict, learn: statusCode OK), echo, ok or none")
	fl.BoolVar(&f.setup, "setup", false, "first prepare symscore over REST: create --project, and for predict learn 150 rows and build --model (LDA)")
	fl.StringSliceVar(&f.sourceAddrs, "source-addrs", nil, "local IPs to open connections from, in turn (e.g. 127.0.0.2,127.0.0.3)")
	cmd.AddCommand(newBenchIdleCmd(), newServeFloorsCmd())
	return cmd
}

func runLoadCommand(cmd *cobra.Command, f loadFlags) error {
	cfg, err := f.loadConfig()
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	ctx := cmd.Context()
	if f.setup {
		if err := f.runSetup(ctx, cfg.URL); err != nil {
			return err
		}
	}
	if !f.floors {
		rep, err := bench.Run(ctx, cfg)
		if rep != nil {
			if werr := writeOut(out, f.jsonOut, rep.WriteJSON, rep.WriteText); werr != nil {
				return werr
			}
		}
		return err
	}
	opts := bench.FloorOptions{Rounds: f.rounds, PoolIdleBuffers: f.floorsPool}
	if !f.floorsInProcess {
		child, err := startFloorsProcess(cmd, f.floorCPUs, f.floorsPool)
		if err != nil {
			return err
		}
		defer child.Stop()
		opts.WSEchoURL, opts.TCPEchoURL = child.WSURL, child.TCPURL
	}
	cmp, err := bench.RunWithFloors(ctx, cfg, opts)
	if cmp != nil && cmp.Target != nil {
		if werr := writeOut(out, f.jsonOut, cmp.WriteJSON, cmp.WriteText); werr != nil {
			return werr
		}
	} else if cmp != nil && f.jsonOut {
		cmp.WriteJSON(out)
	}
	return err
}

func writeOut(w io.Writer, jsonOut bool, asJSON, asText func(io.Writer) error) error {
	if jsonOut {
		return asJSON(w)
	}
	return asText(w)
}

// loadConfig turns the flags into a bench.LoadConfig: URL, messages and checks per mode.
func (f loadFlags) loadConfig() (bench.LoadConfig, error) {
	cfg := bench.LoadConfig{
		URL: f.url, Mode: f.mode, Connections: f.connections, Pipeline: f.pipeline,
		Duration: f.duration, Count: f.count, Warmup: f.warmup, SourceAddrs: f.sourceAddrs,
	}
	if cfg.URL == "" {
		switch f.mode {
		case bench.ModeTCP:
			return cfg, errors.New("mode tcp needs --url tcp://host:port")
		default:
			cfg.URL = benchURLBase + "/symetry/ws/" + f.mode
		}
	}
	switch f.mode {
	case bench.ModePredict:
		cfg.Message, cfg.Rows = bench.PredictPayload(), 1
		if err := f.signFirst(&cfg, []string{f.project, f.model}); err != nil {
			return cfg, err
		}
		if f.signEvery {
			cfg.Message = cfg.FirstMessage
		}
		cfg.Name = "symscore predict"
	case bench.ModeLearn:
		rows := f.rows
		if rows <= 0 {
			rows = 100
		}
		cfg.Message, cfg.Rows = bench.LearnPayload(rows, 1), rows
		if f.signEvery {
			return cfg, errors.New("--sign-every applies to predict only: a repeated signed learn is a replay")
		}
		if err := f.signFirst(&cfg, []string{f.project}); err != nil {
			return cfg, err
		}
		cfg.Name = "symscore learn"
	case bench.ModeEcho, bench.ModeTCP:
		cfg.Message, cfg.Rows = bench.PredictPayload(), 1
		if f.rows > 0 {
			cfg.Message, cfg.Rows = bench.LearnPayload(f.rows, 1), f.rows
		}
		if u, err := url.Parse(cfg.URL); err == nil && u.Path == "/symetry/ws/echo" {
			cfg.Name = "symscore echo"
		}
	default:
		return cfg, fmt.Errorf("--mode must be predict, learn, echo or tcp, got %q", f.mode)
	}
	switch f.check {
	case "auto":
	case "echo":
		cfg.Check, cfg.CheckFirst = bench.CheckEqual(cfg.Message), nil
		if cfg.NewFirstMessage == nil {
			cfg.CheckFirst = bench.CheckEqual(cfg.FirstMessage)
		}
	case "ok":
		cfg.Check, cfg.CheckFirst = bench.CheckStatusOK, bench.CheckStatusOK
	case "none":
		cfg.Check, cfg.CheckFirst = checkNothing, checkNothing
	default:
		return cfg, fmt.Errorf("--check must be auto, echo, ok or none, got %q", f.check)
	}
	return cfg, cfg.Validate()
}

// checkNothing accepts every reply (--check none).
func checkNothing([]byte) error { return nil }

// signFirst makes the first message of every connection a signed one, each signed anew
// (distinct dates, so distinct signatures).
func (f loadFlags) signFirst(cfg *bench.LoadConfig, extraKeys []string) error {
	if f.cid == "" || f.secret == "" {
		return fmt.Errorf("mode %s signs its first message: --cid and --secret are required", f.mode)
	}
	s, err := newBenchSigner(f.cid, f.secret, bench.UniqueClock())
	if err != nil {
		return err
	}
	serviceURL, payload := cfg.URL, cfg.Message
	cfg.NewFirstMessage = func(int) ([]byte, error) {
		return s.AppendWSMessage(nil, serviceURL, extraKeys, payload), nil
	}
	cfg.FirstMessage = s.AppendWSMessage(nil, serviceURL, extraKeys, payload)
	return nil
}

// runSetup prepares the project (and model) the run needs.
func (f loadFlags) runSetup(ctx context.Context, target string) error {
	if f.mode != bench.ModePredict && f.mode != bench.ModeLearn {
		return fmt.Errorf("--setup applies to modes predict and learn, not %s", f.mode)
	}
	if f.cid == "" || f.secret == "" {
		return errors.New("--setup signs its requests: --cid and --secret are required")
	}
	base, err := bench.HTTPBase(target)
	if err != nil {
		return err
	}
	c, err := client.New(base, f.cid, f.secret)
	if err != nil {
		return err
	}
	cfg := bench.SetupConfig{Client: c, Project: f.project}
	if f.mode == bench.ModePredict {
		cfg.Model = f.model
	} else {
		cfg.Rows = -1
	}
	return bench.Setup(ctx, cfg)
}

// benchStderr is where child processes' diagnostics go.
var benchStderr io.Writer = os.Stderr

// newBenchSigner builds the signer of the first messages; tests see what is signed
// through it.
var newBenchSigner = func(cid, secret string, now func() time.Time) (bench.Signer, error) {
	return bench.NewSigner(cid, secret, now)
}

func init() { register(newBenchCmd) }
