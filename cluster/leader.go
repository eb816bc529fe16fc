package cluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// The snapshot leader: one node at a time, elected with a key-value lock, publishes full
// snapshots to the object store and purges the stream below the oldest one kept.
//
// The lock is the key "snapshots" of the bucket "<stream>_LEADER", whose entries live
// lockTTL: a node takes it with Create (refused while another node's entry lives) and
// keeps it with Update at its revision every leaderEvery. A leader that stops (killed,
// cut off from the bus) loses it lockTTL later. Two leaders at once (a leader paused past
// lockTTL) publish two snapshots and purge twice, each purge safe on its own: the lock
// saves work, correctness does not rest on it.
const (
	lockKey = "snapshots"
	lockTTL = 10 * time.Second
)

// leaderEvery is how often the leader renews the lock and looks whether a snapshot is
// due (tests shorten it).
var leaderEvery = time.Second

// LeaderBucket is the name of the snapshot leader's lock bucket of a stream.
func LeaderBucket(stream string) string { return stream + "_LEADER" }

func openLock(ctx context.Context, js jetstream.JetStream, o *Options) (jetstream.KeyValue, error) {
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      LeaderBucket(o.Stream),
		Description: "symscore: the snapshot leader's lock",
		History:     1,
		TTL:         lockTTL,
		Storage:     jetstream.FileStorage,
		Replicas:    o.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: cannot open the lock bucket %s: %w", LeaderBucket(o.Stream), err)
	}
	return kv, nil
}

// Snapshotter is what the snapshot leader snapshots: store.Store.
type Snapshotter interface {
	// FullSnapshot encodes every project and returns the stream sequence it covers.
	FullSnapshot() (data []byte, covered uint64, err error)
}

// SnapshotEvent is what a published snapshot cost, for the log and metrics.
type SnapshotEvent struct {
	SnapshotInfo
	// Encode is the time to encode it, Publish the time to put it in the object store.
	Encode, Publish time.Duration
}

// Run makes this node a candidate for snapshot leader, publishing src's snapshots when it
// leads, until Close. Call it once, after the store has opened (caught up).
func (n *Node) Run(src Snapshotter) {
	every := leaderEvery // read here: tests change it between nodes
	n.running.Go(func() {
		l := &leader{n: n, src: src}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-n.stop:
				l.resign()
				return
			case <-t.C:
			}
			if !n.nc.IsConnected() || n.log.Err() != nil {
				continue
			}
			if l.lead() {
				if err := l.step(); err != nil && !n.closing.Load() {
					n.opts.Logger.Warn("cluster: snapshot leader", "err", err)
				}
			}
		}
	})
}

// leader is the state of Run's goroutine.
type leader struct {
	n   *Node
	src Snapshotter
	rev uint64 // the lock's revision while this node leads, else 0
	// marks are (time, stream's last sequence) samples taken while leading, oldest first:
	// records up to a mark's last were stored before its time.
	marks  []mark
	newest *SnapshotInfo // the newest snapshot known, nil before the first list
	since  time.Time     // when this node began to lead
}

type mark struct {
	at   time.Time
	last uint64
}

// ctx bounds one request of the leader's to the bus: Options.Timeout, or until Close.
func (l *leader) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(l.n.stopCtx, l.n.opts.Timeout)
}

// publishRate is the slowest rate at which a snapshot is expected to reach the object
// store: putting one is given Options.Timeout plus its size at that rate. (While it is
// put the lock is not renewed: a put that takes longer than lockTTL hands the leadership
// over, which does no harm.)
const publishRate = 10 << 20 // bytes per second

// lead takes or keeps the lock; false when another node holds it.
func (l *leader) lead() bool {
	ctx, cancel := l.ctx()
	defer cancel()
	node := []byte(l.n.opts.NodeID)
	if l.rev != 0 {
		rev, err := l.n.lock.Update(ctx, lockKey, node, l.rev)
		if err == nil {
			l.rev = rev
			return true
		}
		if !l.n.closing.Load() {
			l.n.opts.Logger.Warn("cluster: no longer the snapshot leader", "err", err)
		}
		l.rev = 0
	}
	rev, err := l.n.lock.Create(ctx, lockKey, node)
	if err != nil {
		return false
	}
	l.rev, l.marks, l.newest, l.since = rev, nil, nil, time.Now()
	l.n.opts.Logger.Info("cluster: this node is the snapshot leader", "node_id", l.n.opts.NodeID)
	return true
}

// resign gives the lock up at Close, so that another node leads at once. It deletes the
// lock if the bus holds it in this node's name, at the revision read, whatever l.rev says:
// a renewal cut short by Close (its context cancelled) may have been applied on the bus
// without this node learning the new revision, or may have left l.rev at 0.
func (l *leader) resign() {
	if !l.n.nc.IsConnected() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	e, err := l.n.lock.Get(ctx, lockKey)
	if err != nil || string(e.Value()) != l.n.opts.NodeID {
		return
	}
	l.n.lock.Delete(ctx, lockKey, jetstream.LastRevision(e.Revision()))
}

// step is one turn of the leader: publish a snapshot if one is due, then purge what the
// snapshots kept and the live nodes allow.
func (l *leader) step() error {
	n := l.n
	ctx, cancel := l.ctx()
	defer cancel()
	st, err := n.streamState(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	l.marks = append(l.marks, mark{at: now, last: st.LastSeq})
	if l.newest == nil {
		all, err := n.snaps.list(ctx)
		if err != nil {
			return err
		}
		l.newest = &SnapshotInfo{Time: l.since} // none yet: the interval runs from now
		if len(all) > 0 {
			l.newest = &all[0]
		}
	}
	if l.due(st.LastSeq, now) {
		ev, err := l.publish()
		if err != nil {
			return err
		}
		if ev != nil {
			l.newest = &ev.SnapshotInfo
			n.opts.Logger.Info("cluster: published a snapshot", "covered", ev.Covered, "bytes", ev.Size,
				"encode", ev.Encode, "publish", ev.Publish)
		}
	}
	return l.purge(ctx, st, now)
}

// due reports whether a snapshot is due: the stream holds records past the newest one
// (last ≥ its Covered), and it is SnapshotInterval old or SnapshotRecords behind.
func (l *leader) due(last uint64, now time.Time) bool {
	o, newest := &l.n.opts, l.newest
	if last < max(newest.Covered, 1) {
		return false
	}
	return o.SnapshotInterval > 0 && now.Sub(newest.Time) >= o.SnapshotInterval ||
		o.SnapshotRecords > 0 && last+1-newest.Covered >= o.SnapshotRecords
}

// publish encodes and publishes a snapshot; nil when it would cover no more than the
// newest one.
func (l *leader) publish() (*SnapshotEvent, error) {
	start := time.Now()
	data, covered, err := l.src.FullSnapshot()
	if err != nil {
		return nil, fmt.Errorf("cluster: cannot encode a snapshot: %w", err)
	}
	if covered <= l.newest.Covered {
		return nil, nil
	}
	encoded := time.Now()
	ctx, cancel := context.WithTimeout(l.n.stopCtx, l.n.opts.Timeout+time.Duration(len(data)/publishRate+1)*time.Second)
	defer cancel()
	si, err := l.n.snaps.put(ctx, data, covered, l.n.opts.NodeID)
	if err != nil {
		return nil, err
	}
	return &SnapshotEvent{SnapshotInfo: si, Encode: encoded.Sub(start), Publish: time.Since(encoded)}, nil
}

// purge deletes all but the SnapshotsKept newest snapshots, then purges the stream below
// the lowest of: the oldest snapshot kept's Covered (a node that loads it resumes there);
// the first record newer than the duplicate window (its seen records refuse replays,
// and a NATS server rebuilds its duplicate table from them at restart); every live node's
// next record (a live node never finds its next record purged).
func (l *leader) purge(ctx context.Context, st jetstream.StreamState, now time.Time) error {
	n := l.n
	kept, err := n.snaps.prune(ctx, n.opts.SnapshotsKept)
	if err != nil || len(kept) == 0 {
		return err
	}
	floor := kept[len(kept)-1].Covered
	window := uint64(0) // records below it are older than the duplicate window
	keep := 0
	for i, m := range l.marks {
		if now.Sub(m.at) >= n.opts.DuplicateWindow {
			window, keep = m.last+1, i
		}
	}
	l.marks = l.marks[keep:]
	floor = min(floor, window)
	hbs, err := n.nodes.all(ctx)
	if err != nil {
		return err
	}
	for _, hb := range hbs {
		if hb.live(now) {
			floor = min(floor, hb.Applied+1)
		}
	}
	if floor <= st.FirstSeq {
		return nil
	}
	s, err := n.js.Stream(ctx, n.opts.Stream)
	if err != nil {
		return err
	}
	if err := s.Purge(ctx, jetstream.WithPurgeSequence(floor)); err != nil {
		return fmt.Errorf("cluster: cannot purge the stream below %d: %w", floor, err)
	}
	n.opts.Logger.Info("cluster: purged the stream", "below", floor, "was_first", st.FirstSeq)
	return nil
}

// streamState reads the stream's state (first and last sequences, size).
func (n *Node) streamState(ctx context.Context) (jetstream.StreamState, error) {
	s, err := n.js.Stream(ctx, n.opts.Stream)
	if err != nil {
		return jetstream.StreamState{}, fmt.Errorf("cluster: cannot read stream %s: %w", n.opts.Stream, err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return jetstream.StreamState{}, fmt.Errorf("cluster: cannot read stream %s: %w", n.opts.Stream, err)
	}
	return info.State, nil
}

var errNoSnapshot = errors.New("cluster: the stream was purged and the object store holds no snapshot")
