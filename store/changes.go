package store

import "github.com/symscore/symscore/model"

// Every change below is prepared (checked as the state is now, its record encoded; nothing
// changes), appended to the log, applied once durable, in log order, and answered with the
// result of that application: nil, the model's refusal as is (model.ErrProjectNotFound,
// model.ErrFrozen, *model.Error, ...; nothing changed), or an error wrapping ErrUnavailable
// when the record could not be made durable (nothing applied). A refusal known before the
// record is logged leaves no record.

// Create makes project pid of customer cid (see model.Registry.Create).
func (s *Store) Create(cid, pid, typ string, params map[string]string) error {
	c := s.getChange()
	defer s.putChange(c)
	s.enter(c, cid, pid, gateExclusive)
	if _, err := s.reg.NewProject(pid, typ, params); err != nil {
		s.leave(c, gateExclusive)
		return err
	}
	if err := s.reserve(cid, pid); err != nil {
		s.leave(c, gateExclusive)
		return err
	}
	defer s.unreserve(cid)
	if err := s.reg.ReserveProject(cid, pid, typ, params, &c.res); err != nil {
		s.leave(c, gateExclusive)
		return err
	}
	c.rec = appendCreate(c.rec, cid, pid, typ, params)
	return s.submit(c, gateExclusive)
}

// reserve checks that customer cid may have project pid as one more project, counting the
// creates and imports logged but not applied, and counts this one among them.
func (s *Store) reserve(cid, pid string) error {
	s.resMu.Lock()
	defer s.resMu.Unlock()
	if err := s.reg.CheckNewProject(cid, pid, s.reserved[cid]); err != nil {
		return err
	}
	s.reserved[cid]++
	return nil
}

func (s *Store) unreserve(cid string) {
	s.resMu.Lock()
	defer s.resMu.Unlock()
	if s.reserved[cid]--; s.reserved[cid] <= 0 {
		delete(s.reserved, cid)
	}
}

// Delete removes project pid of customer cid and its models. Its snapshot file is removed
// before Delete returns, under fileMu, so no checkpoint can truncate the log past the
// delete record while the file still exists.
func (s *Store) Delete(cid, pid string) error {
	if s.durable {
		s.fileMu.Lock()
		defer s.fileMu.Unlock()
	}
	c := s.getChange()
	defer s.putChange(c)
	s.enter(c, cid, pid, gateExclusive)
	p, err := s.reg.Get(cid, pid)
	if err != nil {
		s.leave(c, gateExclusive)
		return err
	}
	c.rec = appendProjectHead(c.rec, kindDelete, cid, pid, p.Created())
	if err := s.submit(c, gateExclusive); err != nil || !s.durable {
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

// SetFrozen refuses (true) or allows (false) learn, forget and merge into the project.
func (s *Store) SetFrozen(cid, pid string, frozen bool) error {
	c := s.getChange()
	defer s.putChange(c)
	s.enter(c, cid, pid, gateShared)
	p, err := s.reg.Get(cid, pid)
	if err != nil {
		s.leave(c, gateShared)
		return err
	}
	c.rec = appendProjectHead(c.rec, kindFreeze, cid, pid, p.Created())
	if frozen {
		c.rec = append(c.rec, 1)
	} else {
		c.rec = append(c.rec, 0)
	}
	return s.submit(c, gateShared)
}

// Merge folds the statistics of customer cid's project otherPid into its project pid (see
// model.Registry.Merge). The record holds the other project's statistics as they were
// read, so a replay does not depend on the other project.
func (s *Store) Merge(cid, pid, otherPid string) error {
	c := s.getChange()
	defer s.putChange(c)
	s.enter(c, cid, pid, gateShared)
	err := func() error {
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
		lim := s.reg.Limits()
		if err := p.CheckMerge(state, lim, &c.res); err != nil {
			return err
		}
		c.rec = appendProjectHead(c.rec, kindMerge, cid, pid, p.Created())
		c.rec = appendBytes(appendLimits(c.rec, lim), state)
		return nil
	}()
	if err != nil {
		s.leave(c, gateShared)
		return err
	}
	return s.submit(c, gateShared)
}

// PutModel publishes m in the project, replacing a model of the same id. The record holds
// the fitted model: every replay installs the model that was built, decoded from it.
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
	return s.putModel(kindModel, cid, p, m)
}

// AddModelInto is PutModelInto for a model whose id the project must not have: it is
// refused with an error wrapping ErrModelExists when the project has a model of its id,
// when the change is prepared or, if one came first in the log (another node's), when it
// is applied — on every node alike.
func (s *Store) AddModelInto(cid string, p *model.Project, m *model.Model) error {
	if _, exists := p.Model(m.ID()); exists {
		return modelExists(p.ID(), m.ID())
	}
	return s.putModel(kindModelNew, cid, p, m)
}

func (s *Store) putModel(kind byte, cid string, p *model.Project, m *model.Model) error {
	pid := p.ID()
	c := s.getChange()
	defer s.putChange(c)
	s.enter(c, cid, pid, gateShared)
	err := func() error {
		if cur, err := s.reg.Get(cid, pid); err != nil || cur != p {
			return &model.NotFoundError{Project: pid}
		}
		lim := s.reg.Limits()
		if err := p.CheckModel(m, lim, &c.res); err != nil {
			return err
		}
		blob, err := m.MarshalBinary()
		if err != nil {
			return err
		}
		c.rec = appendProjectHead(c.rec, kind, cid, pid, p.Created())
		c.rec = appendBytes(appendLimits(c.rec, lim), blob)
		return nil
	}()
	if err != nil {
		s.leave(c, gateShared)
		return err
	}
	return s.submit(c, gateShared)
}

// DeleteModel removes model modelID from the project (model.ErrModelNotFound if absent).
func (s *Store) DeleteModel(cid, pid, modelID string) error {
	c := s.getChange()
	defer s.putChange(c)
	s.enter(c, cid, pid, gateShared)
	p, err := s.reg.Get(cid, pid)
	if err == nil {
		err = p.CheckUnmodel(modelID)
	}
	if err != nil {
		s.leave(c, gateShared)
		return err
	}
	c.rec = appendProjectHead(c.rec, kindUnmodel, cid, pid, p.Created())
	c.rec = appendString(c.rec, modelID)
	return s.submit(c, gateShared)
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
// (model.ErrProjectExists if it exists; *model.Error if data does not decode or holds more
// than the limits allow).
func (s *Store) Import(cid, pid string, data []byte) error {
	c := s.getChange()
	defer s.putChange(c)
	s.enter(c, cid, pid, gateExclusive)
	lim := s.reg.Limits()
	p, err := model.DecodeImport(pid, data, lim)
	if err != nil {
		s.leave(c, gateExclusive)
		return err
	}
	if err := s.reserve(cid, pid); err != nil {
		s.leave(c, gateExclusive)
		return err
	}
	defer s.unreserve(cid)
	if err := s.reg.ReserveImport(cid, p, &c.res); err != nil {
		s.leave(c, gateExclusive)
		return err
	}
	c.rec = appendRecordHead(c.rec, kindImport, cid, pid)
	c.rec = appendBytes(appendLimits(c.rec, lim), data)
	return s.submit(c, gateExclusive)
}
