package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Status is what `symscore cluster status` shows: the cluster as its bus sees it.
type Status struct {
	Stream StreamStatus `json:"stream"`
	// Nodes are the nodes of the heartbeat bucket (those heard from in the last hour),
	// by id.
	Nodes []NodeStatus `json:"nodes"`
	// Leader is the snapshot leader's node id ("" when none holds the lock).
	Leader string `json:"leader"`
	// Snapshots are the full snapshots kept, newest first.
	Snapshots []SnapshotInfo `json:"snapshots"`
}

// StreamStatus is the stream of changes.
type StreamStatus struct {
	Name     string `json:"name"`
	Replicas int    `json:"replicas"`
	// Messages and Bytes are what it holds, from FirstSeq to LastSeq.
	Messages uint64 `json:"messages"`
	Bytes    uint64 `json:"bytes"`
	FirstSeq uint64 `json:"first_seq"`
	LastSeq  uint64 `json:"last_seq"`
}

// NodeStatus is a node's last heartbeat, read at Status time.
type NodeStatus struct {
	Heartbeat
	// Lag is how many records the stream holds past the node's applied sequence.
	Lag uint64 `json:"lag"`
	// Age is how long ago the heartbeat was written; Live is false for a node stopped,
	// or not heard from for 10 s.
	Age  time.Duration `json:"age_ns"`
	Live bool          `json:"live"`
}

// statusTimeout bounds ReadStatus at the least.
const statusTimeout = 5 * time.Second

// ReadStatus connects to the bus of o (never starting an embedded server: a node that
// runs one is asked through its listen address), reads the status and disconnects. It
// creates nothing on the bus. A NATS server just started answers no JetStream request
// until it has caught up with the others: ReadStatus tries statusAttempts connections
// (each to a server picked at random among o.URL's).
func ReadStatus(o Options) (*Status, error) {
	var err error
	for range statusAttempts {
		var st *Status
		if st, err = readStatus(o); err == nil {
			return st, nil
		}
	}
	return nil, err
}

// statusAttempts is how many connections ReadStatus tries.
const statusAttempts = 3

func readStatus(o Options) (*Status, error) {
	o.Embedded = false
	if o.NodeID == "" {
		o.NodeID = "status"
	}
	n := &Node{opts: o}
	if n.opts.Logger == nil {
		n.opts.Logger = slog.New(slog.DiscardHandler)
	}
	if err := n.connect(n.opts.Metrics.filled()); err != nil {
		return nil, err
	}
	n.closing.Store(true)
	defer n.nc.Close()
	js, err := jetstream.New(n.nc)
	if err != nil {
		return nil, err
	}
	n.js = js
	ctx, cancel := context.WithTimeout(context.Background(), max(o.Timeout, statusTimeout))
	defer cancel()
	s, err := js.Stream(ctx, o.Stream)
	if err != nil {
		return nil, fmt.Errorf("cluster: cannot read stream %s: %w", o.Stream, err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("cluster: cannot read stream %s: %w", o.Stream, err)
	}
	st := &Status{Stream: StreamStatus{Name: o.Stream, Replicas: info.Config.Replicas, Messages: info.State.Msgs,
		Bytes: info.State.Bytes, FirstSeq: info.State.FirstSeq, LastSeq: info.State.LastSeq}}
	if kv, err := js.KeyValue(ctx, NodesBucket(o.Stream)); err == nil {
		hbs, err := (&heartbeats{kv: kv}).all(ctx)
		if err != nil {
			return nil, fmt.Errorf("cluster: cannot read the heartbeats: %w", err)
		}
		now := time.Now()
		for _, hb := range hbs {
			ns := NodeStatus{Heartbeat: hb, Age: now.Sub(hb.At), Live: hb.live(now)}
			if info.State.LastSeq > hb.Applied {
				ns.Lag = info.State.LastSeq - hb.Applied
			}
			st.Nodes = append(st.Nodes, ns)
		}
	} else if !errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, fmt.Errorf("cluster: cannot read the heartbeats: %w", err)
	}
	if kv, err := js.KeyValue(ctx, LeaderBucket(o.Stream)); err == nil {
		if e, err := kv.Get(ctx, lockKey); err == nil {
			st.Leader = string(e.Value())
		}
	}
	if obs, err := js.ObjectStore(ctx, SnapshotsBucket(o.Stream)); err == nil {
		if st.Snapshots, err = (&snapshotStore{obs: obs}).list(ctx); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, jetstream.ErrStreamNotFound) && !errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, fmt.Errorf("cluster: cannot read the snapshots: %w", err)
	}
	return st, nil
}
