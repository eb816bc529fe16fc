package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// DefaultSnapshotsKept is how many full snapshots the object store keeps by default.
const DefaultSnapshotsKept = 2

// snapshotPrefix begins the name of every snapshot object; the covered sequence follows,
// zero-padded so that names sort as sequences do.
const snapshotPrefix = "snapshot-"

// SnapshotsBucket is the name of the object store of full snapshots of a stream.
func SnapshotsBucket(stream string) string { return stream + "_SNAPSHOTS" }

// snapshotStore is the JetStream object store of full snapshots (store.FullSnapshot):
// one object per snapshot, named by the stream sequence it covers. Safe for concurrent
// use.
type snapshotStore struct {
	obs jetstream.ObjectStore
}

// SnapshotInfo describes a full snapshot in the object store.
type SnapshotInfo struct {
	Name string `json:"name"`
	// Covered is the stream sequence it covers: a node that loads it resumes there.
	Covered uint64 `json:"covered"`
	// Size is its size in bytes.
	Size uint64 `json:"size"`
	// Time is when it was published, by Node.
	Time time.Time `json:"time"`
	Node string    `json:"node"`
}

func openSnapshots(ctx context.Context, js jetstream.JetStream, o *Options) (*snapshotStore, error) {
	obs, err := js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{
		Bucket:      SnapshotsBucket(o.Stream),
		Description: "symscore: full snapshots of every project",
		Storage:     jetstream.FileStorage,
		Replicas:    o.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: cannot open the snapshots bucket %s: %w", SnapshotsBucket(o.Stream), err)
	}
	return &snapshotStore{obs: obs}, nil
}

// snapshotName is the object name of the snapshot covering covered.
func snapshotName(covered uint64) string {
	return fmt.Sprintf("%s%020d", snapshotPrefix, covered)
}

// parseSnapshotName returns the covered sequence a snapshot's name holds; ok is false
// for any other object (which the node leaves alone).
func parseSnapshotName(name string) (covered uint64, ok bool) {
	digits, ok := strings.CutPrefix(name, snapshotPrefix)
	if !ok || len(digits) != 20 {
		return 0, false
	}
	covered, err := strconv.ParseUint(digits, 10, 64)
	return covered, err == nil && covered > 0
}

// list returns the snapshots, newest (highest Covered) first.
func (s *snapshotStore) list(ctx context.Context) ([]SnapshotInfo, error) {
	infos, err := s.obs.List(ctx)
	if errors.Is(err, jetstream.ErrNoObjectsFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cluster: cannot list the snapshots: %w", err)
	}
	var out []SnapshotInfo
	for _, oi := range infos {
		covered, ok := parseSnapshotName(oi.Name)
		if !ok || oi.Deleted {
			continue
		}
		out = append(out, SnapshotInfo{Name: oi.Name, Covered: covered, Size: oi.Size, Time: oi.ModTime, Node: oi.Metadata["node"]})
	}
	slices.SortFunc(out, func(a, b SnapshotInfo) int { return -cmpUint(a.Covered, b.Covered) })
	return out, nil
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// put publishes data, the full snapshot covering covered, made by node.
func (s *snapshotStore) put(ctx context.Context, data []byte, covered uint64, node string) (SnapshotInfo, error) {
	oi, err := s.obs.Put(ctx, jetstream.ObjectMeta{
		Name:     snapshotName(covered),
		Metadata: map[string]string{"node": node, "covered": strconv.FormatUint(covered, 10)},
	}, bytes.NewReader(data))
	if err != nil {
		return SnapshotInfo{}, fmt.Errorf("cluster: cannot publish the snapshot at %d: %w", covered, err)
	}
	return SnapshotInfo{Name: oi.Name, Covered: covered, Size: oi.Size, Time: oi.ModTime, Node: node}, nil
}

// get reads a snapshot whole; the object store checks its SHA-256 digest.
func (s *snapshotStore) get(ctx context.Context, name string) ([]byte, error) {
	data, err := s.obs.GetBytes(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("cluster: cannot read snapshot %s: %w", name, err)
	}
	return data, nil
}

// prune deletes every snapshot but the kept newest ones, and returns those.
func (s *snapshotStore) prune(ctx context.Context, kept int) ([]SnapshotInfo, error) {
	all, err := s.list(ctx)
	if err != nil {
		return nil, err
	}
	if len(all) <= kept {
		return all, nil
	}
	for _, si := range all[kept:] {
		if err := s.obs.Delete(ctx, si.Name); err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
			return nil, fmt.Errorf("cluster: cannot delete snapshot %s: %w", si.Name, err)
		}
	}
	return all[:kept], nil
}
