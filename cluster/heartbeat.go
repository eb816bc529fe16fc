package cluster

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// liveFor is how long after its last heartbeat a node counts as live: the leader does not
// purge the records it has yet to apply (tests shorten it).
var liveFor = 10 * time.Second

// Heartbeats: every node writes, every HeartbeatEvery, what it has applied into a
// key-value bucket ("<stream>_NODES"), where `symscore cluster status` reads the nodes
// and the snapshot leader reads which records live nodes still need.
const (
	// HeartbeatEvery is how often a node writes its heartbeat.
	HeartbeatEvery = time.Second
	// heartbeatTTL is how long a node's last heartbeat stays in the bucket (status shows
	// nodes gone that recently).
	heartbeatTTL = time.Hour
)

// NodesBucket is the name of the heartbeat bucket of a stream.
func NodesBucket(stream string) string { return stream + "_NODES" }

// Heartbeat is a node's entry in the heartbeat bucket.
type Heartbeat struct {
	Node string `json:"node"`
	// Applied is the stream sequence of the last record the node applied (0: none yet,
	// or catching up from a snapshot).
	Applied uint64 `json:"applied"`
	// At is when it was written, by the node's clock; Started when the node's process
	// joined the bus.
	At      time.Time `json:"at"`
	Started time.Time `json:"started"`
	// Stopped is the last heartbeat of a node closed cleanly.
	Stopped bool `json:"stopped,omitempty"`
}

// live reports whether the node of hb counts as running at now.
func (hb Heartbeat) live(now time.Time) bool { return !hb.Stopped && now.Sub(hb.At) < liveFor }

type heartbeats struct {
	kv jetstream.KeyValue
}

func openHeartbeats(ctx context.Context, js jetstream.JetStream, o *Options) (*heartbeats, error) {
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      NodesBucket(o.Stream),
		Description: "symscore: the nodes' heartbeats",
		History:     1,
		TTL:         heartbeatTTL,
		Storage:     jetstream.FileStorage,
		Replicas:    o.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: cannot open the heartbeat bucket %s: %w", NodesBucket(o.Stream), err)
	}
	return &heartbeats{kv: kv}, nil
}

// put writes hb under its node's key (the id in hex: node ids may hold characters keys
// may not).
func (h *heartbeats) put(ctx context.Context, hb Heartbeat) error {
	data, err := json.Marshal(hb)
	if err != nil {
		return err
	}
	_, err = h.kv.Put(ctx, hex.EncodeToString([]byte(hb.Node)), data)
	return err
}

// all reads every heartbeat in the bucket, sorted by node; entries that do not decode
// are left out.
func (h *heartbeats) all(ctx context.Context) ([]Heartbeat, error) {
	lister, err := h.kv.ListKeys(ctx)
	if err != nil {
		return nil, err
	}
	var out []Heartbeat
	for key := range lister.Keys() {
		e, err := h.kv.Get(ctx, key)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var hb Heartbeat
		if json.Unmarshal(e.Value(), &hb) == nil && hex.EncodeToString([]byte(hb.Node)) == key {
			out = append(out, hb)
		}
	}
	slices.SortFunc(out, func(a, b Heartbeat) int { return strings.Compare(a.Node, b.Node) })
	return out, nil
}

// beat writes this node's heartbeat every HeartbeatEvery until Close, then a last one
// that says it stopped.
func (n *Node) beat() {
	started := time.Now().UTC()
	t := time.NewTicker(HeartbeatEvery)
	defer t.Stop()
	put := func(stopped bool) {
		if !n.nc.IsConnected() {
			return
		}
		next := n.log.next.Load()
		hb := Heartbeat{Node: n.opts.NodeID, Applied: next - min(next, 1), At: time.Now().UTC(), Started: started, Stopped: stopped}
		ctx, cancel := context.WithTimeout(context.Background(), min(n.opts.Timeout, 2*time.Second))
		defer cancel()
		if err := n.nodes.put(ctx, hb); err != nil && !stopped {
			n.opts.Logger.Debug("cluster: cannot write the heartbeat", "err", err)
		}
	}
	for {
		put(false)
		select {
		case <-n.stop:
			put(true)
			return
		case <-t.C:
		}
	}
}
