package cluster

import (
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// watchSnapshots keeps m.SnapshotTime and m.SnapshotCovered at the newest snapshot in the
// object store, from a watch of its entries (the present ones first, then each put), until
// Close. A watch that cannot start (the bus away) is tried again every HeartbeatEvery; one
// that ends while the node runs is started again.
func (n *Node) watchSnapshots(m *Metrics) {
	var newest uint64
	for {
		w, err := n.snaps.obs.Watch(n.stopCtx, jetstream.IgnoreDeletes())
		if err == nil {
			newest = n.followSnapshots(w, m, newest)
			w.Stop()
		}
		select {
		case <-n.stop:
			return
		case <-time.After(HeartbeatEvery):
		}
	}
}

// followSnapshots reads w's entries until it ends or the node closes, and returns the
// highest sequence covered seen.
func (n *Node) followSnapshots(w jetstream.ObjectWatcher, m *Metrics, newest uint64) uint64 {
	for {
		select {
		case <-n.stop:
			return newest
		case oi, ok := <-w.Updates():
			if !ok {
				return newest
			}
			if oi == nil || oi.Deleted {
				continue // nil: the present entries have all been read
			}
			covered, ok := parseSnapshotName(oi.Name)
			if !ok || covered < newest {
				continue
			}
			newest = covered
			m.SnapshotCovered.Set(float64(covered))
			m.SnapshotTime.Set(float64(oi.ModTime.UnixNano()) / 1e9)
		}
	}
}
