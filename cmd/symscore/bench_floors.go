package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/symscore/symscore/bench"
)

// newServeFloorsCmd is "symscore bench serve-floors".
func newServeFloorsCmd() *cobra.Command {
	var (
		wsAddr, tcpAddr string
		pool, stdin     bool
	)
	cmd := &cobra.Command{
		Use:          "serve-floors",
		SilenceUsage: true,
		Short:        "Serve the WebSocket and TCP echo floors until interrupted",
		Long: `Serve the bare WebSocket echo floor and the raw TCP echo floor, print their URLs
("ws ws://..." and "tcp tcp://..."), and run until interrupted. Load them with
"bench --mode echo --url ws://..." and "bench --mode tcp --url tcp://...".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			wsSrv, err := bench.StartWSEchoOptions(wsAddr, bench.WSEchoOptions{PoolIdleBuffers: pool})
			if err != nil {
				return err
			}
			defer wsSrv.Close()
			tcpSrv, err := bench.StartTCPEcho(tcpAddr)
			if err != nil {
				return err
			}
			defer tcpSrv.Close()
			if _, err := fmt.Fprintf(cmd.OutOrStdout(), "ws %s\ntcp %s\n", wsSrv.URL(), tcpSrv.URL()); err != nil {
				return err
			}
			sig := make(chan os.Signal, 1)
			signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
			defer signal.Stop(sig)
			eof := make(chan struct{})
			if stdin {
				go func() { io.Copy(io.Discard, cmd.InOrStdin()); close(eof) }()
			}
			var done <-chan struct{}
			if ctx := cmd.Context(); ctx != nil {
				done = ctx.Done()
			}
			select {
			case <-sig:
			case <-eof:
			case <-done:
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&wsAddr, "ws", "127.0.0.1:0", "WebSocket floor address")
	fl.StringVar(&tcpAddr, "tcp", "127.0.0.1:0", "TCP floor address")
	fl.BoolVar(&pool, "pool-idle-buffers", false, "give idle connections' buffers back to a pool (see bench.WSEchoOptions)")
	fl.BoolVar(&stdin, "stdin", false, "also stop when standard input ends (for a parent process)")
	return cmd
}

// floorsExec builds the command that runs "bench serve-floors" with args in a new process,
// under taskset when cpus is set. benchPath is the command path that leads to bench
// (e.g. ["bench"] under the symscore root command). Tests replace it.
var floorsExec = func(benchPath []string, cpus string, args []string) (*exec.Cmd, error) {
	exe, err := benchExecutable()
	if err != nil {
		return nil, err
	}
	argv := append(append(append([]string{}, benchPath...), "serve-floors"), args...)
	if cpus == "" {
		return exec.Command(exe, argv...), nil
	}
	taskset, err := exec.LookPath("taskset")
	if err != nil {
		return nil, fmt.Errorf("--floor-cpus needs taskset: %w", err)
	}
	return exec.Command(taskset, append([]string{"-c", cpus, exe}, argv...)...), nil
}

// benchPath is the command path from below the root down to bench: ["bench"] for
// "symscore bench", empty when bench is the root.
func benchPath(cmd *cobra.Command) []string {
	for cmd.Name() != "bench" && cmd.HasParent() {
		cmd = cmd.Parent()
	}
	return strings.Fields(cmd.CommandPath())[1:]
}

// startFloorsProcess starts the floors in a child process ("symscore bench serve-floors")
// and waits for their URLs.
func startFloorsProcess(cmd *cobra.Command, cpus string, pool bool) (*bench.FloorsProcess, error) {
	args := []string{"--stdin"}
	if pool {
		args = append(args, "--pool-idle-buffers")
	}
	c, err := floorsExec(benchPath(cmd), cpus, args)
	if err != nil {
		return nil, err
	}
	return bench.StartFloorsProcess(c, benchStderr)
}

// benchExecutable is the symscore binary the floors' child process runs.
var benchExecutable = os.Executable
