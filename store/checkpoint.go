package store

import (
	"errors"
	"time"

	"github.com/symscore/symscore/model"
)

// Checkpoint writes the snapshot of every project changed since its last one, then
// truncates the log before the oldest record a project still needs. The background loop
// calls it; Close calls it once more. Learners are not blocked (each project is read-locked
// while it is encoded); deletes wait for it. In memory it does nothing.
func (s *Store) Checkpoint() error {
	if !s.durable {
		return nil
	}
	s.fileMu.Lock()
	defer s.fileMu.Unlock()
	s.logged.Store(0)
	start := time.Now()
	var errs []error
	written := 0
	for _, lp := range s.liveProjects() {
		prev, known := s.snapSeq[lp.p]
		if known && lp.p.Seq() <= prev {
			continue
		}
		key := laneKey{lp.cid, lp.p.ID()}
		if s.holdsUpload(key) {
			continue // its upload record must stay out of snapshots until settled
		}
		data, seq, err := lp.p.Checkpoint()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if s.holdsUpload(key) {
			// Held since the check above: the encoding may include its record. (An upload
			// is held before its record is appended, so one the encoding includes is
			// held now, unless settled already.)
			continue
		}
		// Write-ahead: the snapshot must never be ahead of the durable log.
		if err := s.log.Sync(); err != nil {
			return unavailable(err)
		}
		if err := s.writeSnapshot(lp.cid, lp.p.ID(), data); err != nil {
			errs = append(errs, err)
			continue
		}
		s.snapSeq[lp.p] = seq
		written++
	}
	if s.noTruncate.Load() {
		return errors.Join(errs...)
	}
	// Records below cut are in every live project's snapshot, or changed nothing. A record
	// goes from the log (appended, not delivered) to its lane's queue (delivered, not
	// applied) to its project's state (Seq): look in that order, so that none is missed on
	// its way. Undelivered is read first: a change appended after it has a higher LSN.
	cut := s.log.Undelivered()
	cut = min(cut, s.laneFloor())
	cut = min(cut, s.markCut(s.log.NextSeq()))
	for _, lp := range s.liveProjects() {
		prev, known := s.snapSeq[lp.p]
		switch {
		case !known:
			cut = 1 // made during this checkpoint: keep everything, this once
		case lp.p.Seq() > prev:
			cut = min(cut, prev+1)
		}
	}
	if err := s.log.TruncateBefore(cut); err != nil {
		errs = append(errs, err)
	}
	s.slog.Debug("store: checkpoint", "snapshots", written, "truncated_before", cut, "took", time.Since(start))
	err := errors.Join(errs...)
	if err == nil {
		s.checkpointed.Store(time.Now().UnixNano())
	}
	return err
}

type liveProject struct {
	cid string
	p   *model.Project
}

func (s *Store) liveProjects() []liveProject {
	var out []liveProject
	s.reg.Range(func(cid string, p *model.Project) bool {
		out = append(out, liveProject{cid, p})
		return true
	})
	return out
}

// runCheckpoints is the background loop: a checkpoint every CheckpointInterval, or when
// CheckpointBytes of records were logged since the last one.
func (s *Store) runCheckpoints() {
	defer close(s.stopped)
	var tick <-chan time.Time
	if s.opts.CheckpointInterval > 0 {
		t := time.NewTicker(s.opts.CheckpointInterval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-s.stop:
			return
		case <-tick:
		case <-s.kick:
		}
		if s.log.Err() != nil {
			continue
		}
		if err := s.Checkpoint(); err != nil {
			s.slog.Error("store: checkpoint failed; the log keeps every record", "err", err)
		}
	}
}

// markCut records a mark (now, next) and returns the LSN below which records are older than
// ReplayWindow (1 when none is known to be): seen records must outlive the replay window.
// Caller holds fileMu.
func (s *Store) markCut(next uint64) uint64 {
	now := s.opts.Now()
	s.marks = append(s.marks, logMark{at: now, lsn: next})
	limit := now.Add(-s.opts.ReplayWindow)
	cut := uint64(1)
	keep := 0 // marks before the newest one older than the window are no longer needed
	for i, m := range s.marks {
		if !m.at.After(limit) {
			cut, keep = m.lsn, i
		}
	}
	s.marks = s.marks[keep:]
	return cut
}
