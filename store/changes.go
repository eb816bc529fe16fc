package store

import (
	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/model"
)

// Every change below returns the model's refusal as is (model.ErrProjectNotFound,
// model.ErrFrozen, *model.Error, ...), or an error wrapping ErrUnavailable when it could not
// be made durable; it returns nil once the change is durable as Options.Mode promises.

// Create makes project pid of customer cid (see model.Registry.Create).
func (s *Store) Create(cid, pid, typ string, params map[string]string) error {
	return s.change(
		func(b []byte) []byte { return appendCreate(b, cid, pid, typ, params) },
		func(c model.Commit) error { _, err := s.reg.CreateWith(cid, pid, typ, params, c); return err })
}

// Delete removes project pid of customer cid and its models. Its snapshot file is removed
// before Delete returns, under fileMu, so no checkpoint can truncate the log past the
// delete record while the file still exists.
func (s *Store) Delete(cid, pid string) error {
	if s.log == nil {
		return s.reg.Delete(cid, pid)
	}
	s.fileMu.Lock()
	defer s.fileMu.Unlock()
	p, err := s.reg.Get(cid, pid)
	if err != nil {
		return err
	}
	err = s.change(
		func(b []byte) []byte { return appendRecordHead(b, kindDelete, cid, pid) },
		func(c model.Commit) error { return s.reg.DeleteWith(cid, pid, c) })
	if err != nil {
		return err
	}
	if _, ok := s.snapSeq[p]; ok {
		delete(s.snapSeq, p)
		if err := s.removeSnapshot(cid, pid); err != nil {
			// The log keeps the delete record from now on, so a restart still deletes.
			s.noTruncate.Store(true)
			s.slog.Error("store: cannot remove the snapshot of a deleted project; the log will not be truncated until a restart",
				"cid", cid, "pid", pid, "err", err)
		}
	}
	return nil
}

// Learn adds the frame's rows to the project (see model.Project.Learn).
func (s *Store) Learn(cid, pid string, f *dataframe.Frame) error {
	return s.applyFrame(kindLearn, cid, pid, f)
}

// Forget removes the frame's rows from the project (see model.Project.Forget).
func (s *Store) Forget(cid, pid string, f *dataframe.Frame) error {
	return s.applyFrame(kindForget, cid, pid, f)
}

// applyFrame is Learn and Forget without closures: the hot path allocates nothing here.
func (s *Store) applyFrame(kind byte, cid, pid string, f *dataframe.Frame) error {
	p, err := s.reg.Get(cid, pid)
	if err != nil {
		return err
	}
	if s.log == nil {
		if kind == kindLearn {
			return p.Learn(f)
		}
		return p.Forget(f)
	}
	c := s.getCommit()
	defer s.putCommit(c)
	c.rec = appendFrame(c.rec, kind, cid, pid, f)
	if kind == kindLearn {
		err = p.LearnWith(f, c.fn)
	} else {
		err = p.ForgetWith(f, c.fn)
	}
	return c.finish(err)
}

// SetFrozen refuses (true) or allows (false) learn, forget and merge into the project.
func (s *Store) SetFrozen(cid, pid string, frozen bool) error {
	p, err := s.reg.Get(cid, pid)
	if err != nil {
		return err
	}
	return s.change(
		func(b []byte) []byte {
			b = appendRecordHead(b, kindFreeze, cid, pid)
			if frozen {
				return append(b, 1)
			}
			return append(b, 0)
		},
		func(c model.Commit) error { return p.SetFrozenWith(frozen, c) })
}

// Merge folds the statistics of customer cid's project otherPid into its project pid (see
// model.Registry.Merge). The record holds the other project's statistics as they were
// read, so a replay does not depend on the other project.
func (s *Store) Merge(cid, pid, otherPid string) error {
	p, err := s.reg.Get(cid, pid)
	if err != nil {
		return err
	}
	o, err := s.reg.Get(cid, otherPid)
	if err != nil {
		return err
	}
	if p == o {
		return &model.Error{Msg: "cannot merge a project into itself"}
	}
	state := o.StateBinary()
	return s.change(
		func(b []byte) []byte { return appendBytes(appendRecordHead(b, kindMerge, cid, pid), state) },
		func(c model.Commit) error { return p.MergeStateWith(state, c) })
}

// PutModel publishes m in the project, replacing a model of the same id. The record holds
// the fitted model.
func (s *Store) PutModel(cid, pid string, m *model.Model) error {
	p, err := s.reg.Get(cid, pid)
	if err != nil {
		return err
	}
	return s.PutModelInto(cid, p, m)
}

// PutModelInto is PutModel on the project p of customer cid itself (obtained from Project):
// a build publishes into the project it read, and a project deleted meanwhile refuses the
// model (model.ErrProjectNotFound) even if another of the same id was created since.
func (s *Store) PutModelInto(cid string, p *model.Project, m *model.Model) error {
	pid := p.ID()
	var blob []byte
	var err error
	if s.log != nil {
		if blob, err = m.MarshalBinary(); err != nil {
			return err
		}
	}
	return s.change(
		func(b []byte) []byte { return appendBytes(appendRecordHead(b, kindModel, cid, pid), blob) },
		func(c model.Commit) error { return p.PutModelWith(m, c) })
}

// DeleteModel removes model modelID from the project (model.ErrModelNotFound if absent).
func (s *Store) DeleteModel(cid, pid, modelID string) error {
	p, err := s.reg.Get(cid, pid)
	if err != nil {
		return err
	}
	return s.change(
		func(b []byte) []byte { return appendString(appendRecordHead(b, kindUnmodel, cid, pid), modelID) },
		func(c model.Commit) error { return p.DeleteModelWith(modelID, c) })
}

// Export returns the project's state and models in the snapshot encoding
// (model.Project.MarshalBinary), for Import here or on another server.
func (s *Store) Export(cid, pid string) ([]byte, error) {
	p, err := s.reg.Get(cid, pid)
	if err != nil {
		return nil, err
	}
	return p.MarshalBinary()
}

// Import makes project pid of customer cid from data written by Export
// (model.ErrProjectExists if it exists; *model.Error if data does not decode).
func (s *Store) Import(cid, pid string, data []byte) error {
	return s.change(
		func(b []byte) []byte { return appendBytes(appendRecordHead(b, kindImport, cid, pid), data) },
		func(c model.Commit) error { _, err := s.reg.ImportWith(cid, pid, data, c); return err })
}
