package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/ops"
)

func init() { register(newClusterCmd) }

func newClusterCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cluster",
		Short: "Look at a cluster of nodes through its bus",
		Args:  noArgs,
	}
	group(cmd)
	cmd.AddCommand(newClusterStatusCmd())
	return cmd
}

func newClusterStatusCmd() *cobra.Command {
	var file string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status [--config FILE] [--json]",
		Short: "Print the nodes, the stream and the snapshots of the cluster",
		Long: `status connects to the cluster's bus as configured in FILE (cluster.nats_url and
cluster.credentials, or cluster.embedded_listen for a node running the embedded NATS
server) and prints what the bus knows: every node heard from in the last hour (from
their heartbeats) with the stream sequence it has applied and its lag behind the stream,
the stream's size, the snapshot leader and the full snapshots kept. It changes nothing.
Exit 1 when the bus cannot be reached.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(config.LoadOptions{File: file})
			if err != nil {
				return err
			}
			st, err := ops.ReadClusterStatus(cfg)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(st)
			}
			printClusterStatus(out, st, time.Now())
			return nil
		},
	}
	cmd.Flags().StringVar(&file, "config", "", "configuration file (default: the embedded default configuration and SYMSCORE_* variables)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the status as JSON")
	return cmd
}

// printClusterStatus writes st for a person.
func printClusterStatus(w io.Writer, st *ops.ClusterStatus, now time.Time) {
	s := st.Stream
	fmt.Fprintf(w, "stream %s: %d records (%s) from %d to %d, %d replicas\n",
		s.Name, s.Messages, byteSize(s.Bytes), s.FirstSeq, s.LastSeq, s.Replicas)
	leader := st.Leader
	if leader == "" {
		leader = "none"
	}
	fmt.Fprintf(w, "snapshot leader: %s\n", leader)
	if len(st.Snapshots) == 0 {
		fmt.Fprintln(w, "snapshots: none")
	}
	for i, sn := range st.Snapshots {
		what := "snapshot"
		if i == 0 {
			what = "newest snapshot"
		}
		fmt.Fprintf(w, "%s: covers records below %d, %s, published by %s %s ago\n",
			what, sn.Covered, byteSize(sn.Size), sn.Node, now.Sub(sn.Time).Round(time.Second))
	}
	fmt.Fprintf(w, "\n%d node(s):\n", len(st.Nodes))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tSTATE\tAPPLIED\tLAG\tLAST HEARD\tUP SINCE")
	for _, n := range st.Nodes {
		state := "live"
		switch {
		case n.Stopped:
			state = "stopped"
		case !n.Live:
			state = "silent"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s ago\t%s\n", n.Node, state, n.Applied, n.Lag,
			n.Age.Round(100*time.Millisecond), n.Started.Format(time.RFC3339))
	}
	tw.Flush()
}

// byteSize is n bytes for a person.
func byteSize(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
