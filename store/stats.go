package store

import (
	"path/filepath"
	"time"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/wal"
)

// Stats are what the store holds, for an operator's gauges.
type Stats struct {
	// Projects and Models count the live projects of every customer and their models.
	Projects, Models int
	// LogBytes is the size on disk of the write-ahead log's segments: what a restart
	// replays on top of the snapshots, and what a checkpoint truncates. 0 in memory.
	LogBytes int64
	// LastCheckpoint is when the last checkpoint that succeeded (snapshots written, log
	// truncated) ended; the end of recovery before the first. Zero in memory.
	LastCheckpoint time.Time
}

// Stats reads the store's counts and sizes. It visits every project (no copy of their
// models) and lists the log's directory: meant for a metrics scrape, not a hot path. The
// error is the log directory's, with the counts still set.
func (s *Store) Stats() (Stats, error) {
	var st Stats
	s.reg.Range(func(_ string, p *model.Project) bool {
		st.Projects++
		st.Models += p.NumModels()
		return true
	})
	if s.opts.Dir == "" {
		return st, nil
	}
	st.LastCheckpoint = time.Unix(0, s.checkpointed.Load())
	n, err := wal.SegmentBytes(s.fs, filepath.Join(s.opts.Dir, "wal"))
	st.LogBytes = n
	return st, err
}
