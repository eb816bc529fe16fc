package store

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// recover loads the snapshots, then replays the log (see the package documentation). It
// runs alone, before the store is shared.
func (s *Store) recover() error {
	start := time.Now()
	var snaps []snapshotFile
	if s.durable {
		var err error
		if snaps, err = s.readSnapshots(); err != nil {
			return err
		}
	}
	var maxSeq uint64
	for _, sf := range snaps {
		if err := s.reg.Add(sf.cid, sf.project); err != nil {
			return &RecoveryError{File: sf.path, Msg: fmt.Sprintf("project %q of customer %q: %v", sf.pid, sf.cid, err)}
		}
		s.snapSeq[sf.project] = sf.project.Seq()
		maxSeq = max(maxSeq, sf.project.Seq())
	}
	var dec decoder
	replayed, skipped, refused := 0, 0, 0
	// The log may begin before the creation of a project that was deleted since, whose
	// snapshot is gone: its records are skipped, and must be followed by its delete. Without
	// snapshots (a Log without Dir: a cluster's stream, replayed from its first record) a
	// change of a project that does not exist is no sign of a missing snapshot: it was
	// logged after the project's delete by another node, and is refused as it was live.
	orphans := make(map[[2]string]uint64) // (cid, pid) → first orphan record
	err := s.log.Replay(0, func(lsn uint64, payload []byte) error {
		rec, err := decodeRecord(payload, &dec)
		if err != nil && !s.durable {
			// A stream's record that does not decode was skipped by every node applying it
			// live (applyPayload): skip it the same way.
			refused++
			s.slog.Error("store: a record does not decode; nothing applied", "seq", lsn, "err", err)
			return nil
		}
		if err != nil {
			return s.misfit(lsn, err)
		}
		s.seeStamp(rec.at.UnixNano())
		if rec.kind == kindSeen {
			s.seen = append(s.seen, Seen{Key: rec.seenKey, Date: rec.seenDate})
			return nil
		}
		cid, pid := string(rec.cid), string(rec.pid)
		key := [2]string{cid, pid}
		p, getErr := s.reg.Get(cid, pid)
		switch {
		case getErr != nil && projectKind(rec.kind) && s.durable:
			if rec.kind == kindDelete {
				delete(orphans, key)
			} else if _, ok := orphans[key]; !ok {
				orphans[key] = lsn
			}
			if rec.upload != nil {
				s.replayedUpload(string(rec.upload), laneKey{cid, pid}, getErr)
			}
			skipped++
			return nil
		case getErr == nil && p.Seq() >= lsn:
			skipped++ // in the project's snapshot (so settled before it was written)
			return nil
		}
		err = s.apply(lsn, &rec, cid, pid)
		if rec.upload != nil {
			s.replayedUpload(string(rec.upload), laneKey{cid, pid}, err)
		}
		switch {
		case err != nil:
			// Refused when it was logged too: application is deterministic.
			refused++
			s.slog.Debug("store: replayed a refused change", "lsn", lsn, "kind", kindName(rec.kind), "cid", cid, "pid", pid, "err", err)
		case rec.kind == kindDelete:
			replayed++
			if _, ok := s.snapSeq[p]; ok {
				delete(s.snapSeq, p)
				if rerr := s.removeSnapshot(cid, pid); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
					return rerr
				}
			}
		default:
			replayed++
		}
		return nil
	})
	if err != nil {
		return err
	}
	for key, lsn := range orphans {
		if err := s.misfit(lsn, fmt.Errorf("a change of project %q of customer %q, which does not exist: its snapshot is missing", key[1], key[0])); err != nil {
			return err
		}
	}
	if next := s.log.NextSeq(); maxSeq >= next {
		if err := s.misfit(maxSeq, fmt.Errorf("a snapshot includes record %d, but the log ends before it (at %d)", maxSeq, next-1)); err != nil {
			return err
		}
	}
	if !s.durable && s.opts.Log == nil {
		return nil
	}
	s.slog.Info("store: recovered", "projects", len(s.liveProjects()), "snapshots", len(snaps),
		"records_replayed", replayed, "records_refused", refused, "records_in_snapshots", skipped, "took", time.Since(start))
	return nil
}

// misfit refuses a record that does not fit the state, or with Options.Repair skips it.
func (s *Store) misfit(lsn uint64, err error) error {
	if !s.opts.Repair {
		return &RecoveryError{LSN: lsn, Msg: err.Error()}
	}
	s.slog.Error("store: repair: skipping a record that does not fit the recovered state", "lsn", lsn, "err", err)
	return nil
}
