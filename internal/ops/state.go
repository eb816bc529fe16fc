package ops

import (
	"time"

	"github.com/symscore/symscore/internal/metrics"
)

// State reads what the service holds for the state gauges (metrics.Set.SetState): projects,
// models, the write-ahead log's size, the checkpoint's age, the replay memory, the disk the
// files of unfinished uploads take (reserved in full when announced). It visits
// every project and lists the log's directory: once per scrape, not on a request path.
func (s *Service) State() metrics.State {
	st, err := s.storeStats()
	if err != nil {
		s.log.Warn("cannot read the size of the write-ahead log", "err", err)
	}
	out := metrics.State{
		Projects:      st.Projects,
		Models:        st.Models,
		WALBytes:      st.LogBytes,
		ReplayEntries: s.replay.Len(),
		ReplayFill:    s.replay.Fill(s.now()),
	}
	if s.uploads != nil {
		out.UploadDiskBytes, _ = s.uploads.Reserved()
	}
	if !st.LastCheckpoint.IsZero() {
		out.CheckpointAgeSeconds = max(time.Since(st.LastCheckpoint).Seconds(), 0)
	}
	return out
}
