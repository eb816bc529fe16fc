package store

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/symscore/symscore/model"
)

// recover loads the snapshots, then replays the log (see the package documentation). It
// runs alone, before the store is shared.
func (s *Store) recover() error {
	start := time.Now()
	snaps, err := s.readSnapshots()
	if err != nil {
		return err
	}
	var maxSeq uint64
	for _, sf := range snaps {
		if err := s.reg.Add(sf.cid, sf.project); err != nil {
			return &RecoveryError{File: sf.path, Msg: fmt.Sprintf("project %q of customer %q: %v", sf.pid, sf.cid, err)}
		}
		s.snapSeq[sf.project] = sf.project.Seq()
		maxSeq = max(maxSeq, sf.project.Seq())
	}
	var fb frameBuffer
	replayed, skipped := 0, 0
	// The log may begin before the creation of a project that was deleted since, whose
	// snapshot is gone: its records are skipped, and must be followed by its delete.
	orphans := make(map[[2]string]uint64) // (cid, pid) → first orphan record
	err = s.log.Replay(0, func(lsn uint64, payload []byte) error {
		rec, err := decodeRecord(payload, &fb)
		if err != nil {
			return s.misfit(lsn, err)
		}
		if rec.kind == kindSeen {
			s.seen = append(s.seen, Seen{CID: rec.cid, Key: rec.seenKey, Date: rec.seenDate, Read: rec.seenRead})
			return nil
		}
		key := [2]string{rec.cid, rec.pid}
		if _, err := s.reg.Get(rec.cid, rec.pid); err != nil && rec.kind != kindCreate && rec.kind != kindImport {
			if rec.kind == kindDelete {
				delete(orphans, key)
			} else if _, ok := orphans[key]; !ok {
				orphans[key] = lsn
			}
			skipped++
			return nil
		}
		done, err := s.replay(lsn, rec)
		switch {
		case err != nil:
			return s.misfit(lsn, err)
		case done:
			replayed++
		default:
			skipped++
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
	if next := s.log.NextLSN(); maxSeq >= next {
		if err := s.misfit(maxSeq, fmt.Errorf("a snapshot includes record %d, but the log ends before it (at %d)", maxSeq, next-1)); err != nil {
			return err
		}
	}
	s.slog.Info("store: recovered", "projects", len(s.liveProjects()), "snapshots", len(snaps),
		"records_replayed", replayed, "records_in_snapshots", skipped, "took", time.Since(start))
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

// replay applies one record unless its project's snapshot already includes it (done =
// false, err = nil).
func (s *Store) replay(lsn uint64, rec record) (done bool, err error) {
	commit := func() (uint64, time.Time, error) { return lsn, rec.at, nil }
	where := fmt.Sprintf("%s of project %q of customer %q", kindName(rec.kind), rec.pid, rec.cid)
	p, getErr := s.reg.Get(rec.cid, rec.pid)
	switch rec.kind {
	case kindCreate, kindImport:
		if getErr == nil {
			if p.Seq() >= lsn {
				return false, nil
			}
			return false, fmt.Errorf("%s: the project already exists", where)
		}
		if rec.kind == kindCreate {
			_, err = s.reg.CreateWith(rec.cid, rec.pid, rec.typ, rec.params, commit)
		} else {
			_, err = s.reg.ImportWith(rec.cid, rec.pid, rec.blob, commit)
		}
		return err == nil, wrapReplay(where, err)
	}
	if getErr != nil {
		return false, fmt.Errorf("%s: the project does not exist", where) // not reached: see recover
	}
	if p.Seq() >= lsn {
		return false, nil
	}
	switch rec.kind {
	case kindDelete:
		if err = s.reg.DeleteWith(rec.cid, rec.pid, commit); err == nil {
			if _, ok := s.snapSeq[p]; ok {
				delete(s.snapSeq, p)
				if rerr := s.removeSnapshot(rec.cid, rec.pid); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
					return true, rerr
				}
			}
		}
	case kindLearn:
		err = p.LearnWith(rec.frame, commit)
	case kindForget:
		err = p.ForgetWith(rec.frame, commit)
	case kindFreeze:
		err = p.SetFrozenWith(rec.frozen, commit)
	case kindMerge:
		err = p.MergeStateWith(rec.blob, commit)
	case kindModel:
		var m *model.Model
		if m, err = model.UnmarshalModel(rec.blob); err == nil {
			err = p.PutModelWith(m, commit)
		}
	case kindUnmodel:
		err = p.DeleteModelWith(rec.modelID, commit)
	}
	if err == nil && p.Seq() != lsn && rec.kind != kindDelete {
		err = errors.New("the change was empty")
	}
	return err == nil, wrapReplay(where, err)
}

func wrapReplay(where string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", where, err)
}
