package cluster

import (
	"context"
	"fmt"
	"time"

	"github.com/symscore/symscore/store"
)

// Bootstrap decides where this node starts, before its store opens, and returns the full
// snapshot (store.Options.Snapshot) it starts from, or nil:
//
//   - a node whose Options.Dir holds a resume point of this stream that the stream still
//     holds resumes there from its local snapshots (nil);
//   - any other node (new, no Dir, resume point purged, or of a stream deleted and made
//     again) starts from the newest snapshot of the object store, its resume point removed
//     first (the snapshot replaces its local ones; the store's first checkpoint records the
//     new one). With no snapshot it replays the stream from its first record, which must
//     then be 1: an empty full snapshot (snapshot files removed) when it has a Dir.
func (n *Node) Bootstrap() ([]byte, error) {
	o := &n.opts
	ctx, cancel := context.WithTimeout(context.Background(), max(o.Timeout, defaultBootstrapTimeout))
	defer cancel()
	s, err := n.js.Stream(ctx, o.Stream)
	if err != nil {
		return nil, fmt.Errorf("cluster: cannot read stream %s: %w", o.Stream, err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("cluster: cannot read stream %s: %w", o.Stream, err)
	}
	first := info.State.FirstSeq
	if o.Dir != "" {
		r, ok, err := readResume(o.Dir)
		if err != nil {
			o.Logger.Warn("cluster: the resume point does not read; starting from the bus's snapshot", "err", err)
		}
		switch {
		case ok && (r.Stream != o.Stream || !r.Created.Equal(info.Created)):
			o.Logger.Warn("cluster: the local snapshots are of another stream (deleted and made again?); starting from the bus's snapshot",
				"their_stream", r.Stream, "their_created", r.Created, "created", info.Created)
		case ok && r.Next >= first:
			n.log.resume.Store(r.Next)
			o.Logger.Info("cluster: resuming from the local snapshots", "from", r.Next)
			return nil, nil
		case ok:
			o.Logger.Info("cluster: the stream was purged past the local snapshots; starting from the bus's snapshot", "resume", r.Next, "first", first)
		}
		if err := removeResume(o.Dir); err != nil {
			return nil, err
		}
	}
	all, err := n.snaps.list(ctx)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		if first > 1 && info.State.LastSeq >= first {
			return nil, fmt.Errorf("%w (stream %s begins at record %d)", errNoSnapshot, o.Stream, first)
		}
		if o.Dir == "" {
			return nil, nil
		}
		return store.EmptyFullSnapshot(), nil
	}
	newest := all[0]
	data, err := n.snaps.get(ctx, newest.Name)
	if err != nil {
		return nil, err
	}
	o.Logger.Info("cluster: starting from the bus's newest snapshot", "covered", newest.Covered, "bytes", len(data), "published_by", newest.Node, "published", newest.Time)
	return data, nil
}

// defaultBootstrapTimeout bounds reading a snapshot at the least (a large one takes longer
// than a publish).
const defaultBootstrapTimeout = 5 * time.Minute
