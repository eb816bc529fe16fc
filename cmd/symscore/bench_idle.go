package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/symscore/symscore/bench"
)

// newBenchIdleCmd is "symscore bench idle".
func newBenchIdleCmd() *cobra.Command {
	var (
		target                      string
		connections, pid            int
		floor, pool, send, jsonOut  bool
		sourceAddrs                 []string
		cid, secret, project, model string
		subscribe                   []string
	)
	cmd := &cobra.Command{
		Use:          "idle",
		SilenceUsage: true,
		Short:        "Measure the server memory one idle WebSocket connection costs",
		Long: `Open --connections WebSocket connections, leave them idle, and report the growth
of the server's resident memory (VmRSS of --pid) per connection. With --floor, the
WebSocket echo floor is started in a child process and measured instead.

With --subscribe, each connection (to /symetry/ws/subscribe) subscribes to the names
given, in a first message signed with --cid/--secret for --project, and the names message
is read before the memory is measured: the memory of a subscriber connection.

Beyond 25 000 connections to a 127.x address, connections are opened from 127.0.0.1,
127.0.0.2, ... unless --source-addrs is given. Each connection uses a file descriptor on
both ends: raise ulimit -n for the server as needed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg := bench.IdleConfig{URL: target, Connections: connections, SourceAddrs: sourceAddrs}
			if floor {
				child, err := startFloorsProcess(cmd, "", pool)
				if err != nil {
					return err
				}
				defer child.Stop()
				cfg.URL, pid = child.WSURL, child.PID
			}
			if pid <= 0 {
				return fmt.Errorf("--pid of the server is required (or --floor)")
			}
			cfg.ServerMemory = bench.ProcessRSS(pid)
			if cfg.SourceAddrs == nil {
				cfg.SourceAddrs = bench.LoopbackSources(cfg.URL, connections)
			}
			if len(subscribe) > 0 {
				s, err := newBenchSigner(cid, secret, bench.UniqueClock())
				if err != nil {
					return err
				}
				payload, err := json.Marshal(map[string]any{"type": "subscribe", "names": subscribe})
				if err != nil {
					return err
				}
				cfg.Message = s.AppendWSMessage(nil, cfg.URL, []string{project}, payload)
				cfg.Check = bench.CheckSubscribed
			} else if send {
				cfg.Message = bench.PredictPayload()
				if cid != "" || secret != "" {
					s, err := newBenchSigner(cid, secret, bench.UniqueClock())
					if err != nil {
						return err
					}
					cfg.Message = s.AppendWSMessage(nil, cfg.URL, []string{project, model}, bench.PredictPayload())
					cfg.Check = bench.CheckStatusOK
				}
			}
			r, err := bench.MeasureIdle(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			return writeOut(cmd.OutOrStdout(), jsonOut, r.WriteJSON, r.WriteText)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&target, "url", benchURLBase+"/symetry/ws/echo", "WebSocket URL")
	fl.IntVar(&connections, "connections", 10_000, "idle connections to open")
	fl.IntVar(&pid, "pid", 0, "process id of the server, whose VmRSS is read")
	fl.BoolVar(&floor, "floor", false, "measure the WebSocket echo floor in a child process")
	fl.BoolVar(&pool, "pool-idle-buffers", false, "with --floor: the floor gives idle connections' buffers back to a pool")
	fl.BoolVar(&send, "send", false, "send one predict message on each connection (signed with --cid/--secret) and read its reply first")
	fl.StringSliceVar(&sourceAddrs, "source-addrs", nil, "local IPs to open connections from, in turn")
	fl.StringVar(&cid, "cid", "", "customer id that signs the message of --send")
	fl.StringVar(&secret, "secret", "", "the customer's secret (Base64)")
	fl.StringSliceVar(&subscribe, "subscribe", nil, "names each connection subscribes to (a subscription URL; signed with --cid/--secret for --project)")
	fl.StringVar(&project, "project", "bench", "project id (extraKeys[0])")
	fl.StringVar(&model, "model", "lda1", "model id (extraKeys[1])")
	fl.BoolVar(&jsonOut, "json", false, "print JSON")
	return cmd
}
