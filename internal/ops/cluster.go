package ops

import (
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/symscore/symscore/cluster"
	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/metrics"
	"github.com/symscore/symscore/protocol"
	"github.com/symscore/symscore/store"
	"github.com/symscore/symscore/wal"
)

// Every call into package cluster is in this file: a cluster node's bus (its stream is the
// store's log) and its jobs bucket.

// openCluster connects to the bus of cfg.Cluster, or returns nil for a single node.
func openCluster(cfg config.Config, log *slog.Logger, m *metrics.Set) (*cluster.Node, error) {
	if !cfg.Cluster.Enabled() {
		return nil, nil
	}
	o := clusterOptions(cfg, log)
	if m != nil {
		cm := m.ClusterMetrics()
		o.Metrics = &cluster.Metrics{AppliedSeq: cm.AppliedSeq, Lag: cm.Lag, Applied: cm.Applied, Publish: cm.Publish,
			Connected: cm.Connected, SnapshotTime: cm.SnapshotTime, SnapshotCovered: cm.SnapshotCovered}
	}
	if len(cfg.Customers) == 0 {
		log.Warn("cluster: no customers configured; the development customer's secret is this node's own, so other nodes will not verify its requests")
	}
	n, err := cluster.Open(o)
	if err != nil {
		return nil, fmt.Errorf("cannot join the cluster: %w", err)
	}
	return n, nil
}

// clusterOptions are the bus options of cfg.Cluster.
func clusterOptions(cfg config.Config, log *slog.Logger) cluster.Options {
	cc := cfg.Cluster
	o := cluster.Options{
		URL: cc.NATSURL, NodeID: cc.NodeID, Stream: cc.Stream, Replicas: cc.Replicas,
		Embedded: cc.EmbeddedNATS, EmbeddedListen: cc.EmbeddedListen, DataDir: cfg.DataDir,
		DuplicateWindow:  cfg.Auth.ClockSkewPast + cfg.Auth.ClockSkewFuture,
		JobRetention:     JobRetention,
		Timeout:          cc.Timeout,
		Logger:           log,
		Dir:              clusterDir(cfg),
		SnapshotInterval: cc.SnapshotInterval,
		SnapshotRecords:  uint64(max(cc.SnapshotRecords, 0)),
		SnapshotsKept:    cc.SnapshotsKept,
	}
	if user, password, ok := config.SplitNATSCredentials(cc.Credentials); ok {
		o.User, o.Password = user, password
	} else {
		o.CredsFile = cc.Credentials
	}
	// The embedded server keeps what it acknowledges as the durability key says.
	switch mode, _ := wal.ParseMode(cfg.Durability); mode {
	case wal.ModeAlways:
		o.EmbeddedSync = 0
	case wal.ModeInterval:
		o.EmbeddedSync = cfg.DurabilityInterval
	default:
		o.EmbeddedSync = -1
	}
	return o
}

// ClusterStatus is what the bus knows of a cluster (cluster.Status).
type ClusterStatus = cluster.Status

// ReadClusterStatus reads the status of the cluster of cfg from its bus (`symscore
// cluster status`): nodes, stream, snapshots. A node with the embedded server is reached
// at cluster.embedded_listen.
func ReadClusterStatus(cfg config.Config) (*ClusterStatus, error) {
	cc := cfg.Cluster
	if !cc.Enabled() {
		return nil, fmt.Errorf("not a cluster node: cluster.nats_url is empty and cluster.embedded_nats off")
	}
	o := clusterOptions(cfg, nil)
	if cc.EmbeddedNATS {
		o.URL = "nats://" + cc.EmbeddedListen
	}
	return cluster.ReadStatus(o)
}

// clusterDir is a cluster node's own directory: its snapshots and resume point, apart
// from a single node's (data_dir/cluster/<stream>).
func clusterDir(cfg config.Config) string {
	if cfg.DataDir == "" {
		return ""
	}
	return filepath.Join(cfg.DataDir, "cluster", cfg.Cluster.Stream)
}

// clusterStoreOptions makes opts those of a cluster node: its log is the stream, learn and
// forget records are summary deltas, its snapshots are in its own directory and cover the
// stream up to its resume point, or it starts from the bus's newest full snapshot
// (Node.Bootstrap). Seen records are the bus's business: checkpoints keep none.
func clusterStoreOptions(opts *store.Options, n *cluster.Node, cfg config.Config) error {
	opts.Dir = clusterDir(cfg)
	opts.Log = n.Log()
	opts.DeltaRecords = true
	opts.ReplayWindow = -1
	snap, err := n.Bootstrap()
	if err != nil {
		return err
	}
	opts.Snapshot = snap
	return nil
}

// runCluster makes the node a candidate for snapshot leader, snapshotting st.
func runCluster(n *cluster.Node, st *store.Store) {
	if n != nil {
		n.Run(st)
	}
}

func closeCluster(n *cluster.Node) error {
	if n == nil {
		return nil
	}
	return n.Close()
}

// jobBoard is the jobs bucket as the job table uses it.
type jobBoard struct{ jobs *cluster.Jobs }

// put writes the state of a job this node runs.
func (b jobBoard) put(cid, id string, st JobState) error {
	rec := cluster.JobRecord{Done: st.Done}
	if st.Done {
		rec.Status, rec.Msg = st.Status.String(), st.Msg
	}
	if st.Rows != nil {
		rec.HasRows, rec.Applied, rec.Skipped = true, st.Rows.Applied, st.Rows.Skipped
	}
	return b.jobs.Put(cid, id, rec)
}

// get reads a job another node runs.
func (b jobBoard) get(cid, id string) (JobState, bool, error) {
	rec, found, err := b.jobs.Get(cid, id)
	if err != nil || !found {
		return JobState{}, false, err
	}
	if !rec.Done {
		return JobState{Status: protocol.StatusAccepted, Msg: "Job still running"}, true, nil
	}
	st, ok := protocol.ParseStatus(rec.Status)
	if !ok {
		return JobState{}, false, fmt.Errorf("job %s: unknown status %q in the jobs bucket", id, rec.Status)
	}
	out := JobState{Done: true, Status: st, Msg: rec.Msg}
	if rec.HasRows {
		out.Rows = &JobRows{Applied: rec.Applied, Skipped: rec.Skipped}
	}
	return out, true, nil
}
