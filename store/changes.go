package store

import (
	"fmt"
	"time"

	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/model"
)

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
	if _, err := model.NewProject(pid, typ, params); err != nil {
		s.leave(c, gateExclusive)
		return err
	}
	if err := s.reserve(cid, pid); err != nil {
		s.leave(c, gateExclusive)
		return err
	}
	defer s.unreserve(cid)
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

// Learn adds the frame's rows to the project (see model.Project.Learn). The record holds
// the rows as received or, for a frame of more than about d/2 rows (d its columns), their
// summary delta: whichever is smaller.
func (s *Store) Learn(cid, pid string, f *dataframe.Frame) error {
	return s.learnFrame(kindLearn, cid, pid, f)
}

// Forget removes the frame's rows from the project (see model.Project.Forget), logged as
// Learn's are.
func (s *Store) Forget(cid, pid string, f *dataframe.Frame) error {
	return s.learnFrame(kindForget, cid, pid, f)
}

// learnFrame is Learn and Forget without closures: the hot path allocates nothing here.
func (s *Store) learnFrame(kind byte, cid, pid string, f *dataframe.Frame) error {
	c := s.getChange()
	defer s.putChange(c)
	s.enter(c, cid, pid, gateShared)
	if err := s.prepareFrame(c, kind, cid, pid, f); err != nil || len(c.rec) == 0 {
		s.leave(c, gateShared)
		return err
	}
	if testHookPrepared != nil {
		testHookPrepared()
	}
	return s.submit(c, gateShared)
}

// testHookPrepared, when set (tests only), runs between a learn's preparation and its
// append.
var testHookPrepared func()

// prepareFrame checks a learn or forget of f as the project is now and encodes its record
// into c.rec (left empty for a frame of no rows: nothing to log).
func (s *Store) prepareFrame(c *change, kind byte, cid, pid string, f *dataframe.Frame) error {
	p, err := s.reg.Get(cid, pid)
	if err != nil {
		return err
	}
	sign := 1
	if kind == kindForget {
		sign = -1
	}
	if err := c.rows.SetFrame(f); err != nil {
		return err
	}
	lim := s.reg.Limits()
	if err := p.CheckRows(&c.rows, sign, lim); err != nil || c.rows.Len() == 0 {
		return err
	}
	created := p.Created()
	c.rec = appendProjectHead(c.rec, kind, cid, pid, created)
	c.rec = appendLimits(c.rec, lim)
	c.rec = c.rows.AppendBinary(c.rec)
	if 2*c.rows.Len() <= c.rows.Width() {
		return nil // the delta would be larger than the rows
	}
	return s.tryDelta(c, kind+kindLearnDelta-kindLearn, cid, pid, p, created, lim)
}

// tryDelta replaces c.rec, a rows record, with the summary-delta record of the same rows
// when that is smaller. It gives the delta up when its summaries would take more memory
// than 8 times the rows record (at least 1 MiB) or than lim allows a project: T attributes
// of many values make deltas that are large in memory, and whose sparse encoding is not
// smaller than the rows.
func (s *Store) tryDelta(c *change, kind byte, cid, pid string, p *model.Project, created time.Time, lim model.Limits) error {
	partitioned := p.Type() == model.TypePartition
	if c.delta == nil {
		c.delta = model.NewDelta(partitioned)
	} else {
		c.delta.Reset(partitioned)
	}
	budget := min(lim.MaxStateBytes, max(8*int64(len(c.rec)), 1<<20))
	ok, err := c.delta.AddRowsWithin(&c.rows, budget)
	if err != nil || !ok || c.delta.Width() > lim.MaxAttributes || c.delta.Partitions() > lim.MaxPartitions {
		return err
	}
	c.alt = appendProjectHead(c.alt[:0], kind, cid, pid, created)
	c.alt = appendLimits(c.alt, lim)
	c.alt = c.delta.AppendBinary(c.alt)
	if len(c.alt) < len(c.rec) {
		c.rec, c.alt = c.alt, c.rec
	}
	return nil
}

// LearnDelta adds the rows summarised by d to the project as one change (see
// model.Project.ApplyDelta), logged as one summary-delta record: how a file of any size is
// learned (an upload), once its rows are summarised into d, in parallel parts merged if
// need be (model.Delta.Merge). d must be partitioned exactly when the project is. The
// change is bounded by the project limits, not by limits.max_new_attributes_per_message
// (it is not a message). d is read, not kept: reuse it once LearnDelta returns.
func (s *Store) LearnDelta(cid, pid string, d *model.Delta) error {
	return s.deltaChange(kindLearnDelta, cid, pid, d)
}

// ForgetDelta removes the rows summarised by d from the project as one change, as
// LearnDelta adds them.
func (s *Store) ForgetDelta(cid, pid string, d *model.Delta) error {
	return s.deltaChange(kindForgetDelta, cid, pid, d)
}

func (s *Store) deltaChange(kind byte, cid, pid string, d *model.Delta) error {
	c := s.getChange()
	defer s.putChange(c)
	s.enter(c, cid, pid, gateShared)
	err := func() error {
		p, err := s.reg.Get(cid, pid)
		if err != nil {
			return err
		}
		lim := s.reg.Limits()
		lim.MaxNewAttributes = model.Unlimited.MaxNewAttributes
		sign := 1
		if kind == kindForgetDelta {
			sign = -1
		}
		if err := p.CheckDelta(d, sign, lim); err != nil || d.Rows() == 0 {
			return err
		}
		// What a replay will decode: the delta itself within the limits.
		if d.Width() > lim.MaxAttributes || d.Partitions() > lim.MaxPartitions || d.Bytes() > lim.MaxStateBytes {
			return &model.Error{Msg: fmt.Sprintf("the delta of %d columns and %d partitions takes %d bytes; the project limits are %d attributes, %d partitions, %d bytes",
				d.Width(), d.Partitions(), d.Bytes(), lim.MaxAttributes, lim.MaxPartitions, lim.MaxStateBytes), Err: model.ErrStateTooLarge}
		}
		c.rec = appendProjectHead(c.rec, kind, cid, pid, p.Created())
		c.rec = d.AppendBinary(appendLimits(c.rec, lim))
		return nil
	}()
	if err != nil || len(c.rec) == 0 {
		s.leave(c, gateShared)
		return err
	}
	return s.submit(c, gateShared)
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
		if err := p.CheckMerge(state, lim); err != nil {
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
	pid := p.ID()
	c := s.getChange()
	defer s.putChange(c)
	s.enter(c, cid, pid, gateShared)
	err := func() error {
		if cur, err := s.reg.Get(cid, pid); err != nil || cur != p {
			return model.ErrProjectNotFound
		}
		lim := s.reg.Limits()
		if err := p.CheckModel(m.ID(), lim); err != nil {
			return err
		}
		blob, err := m.MarshalBinary()
		if err != nil {
			return err
		}
		c.rec = appendProjectHead(c.rec, kindModel, cid, pid, p.Created())
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
	if _, err := model.DecodeImport(pid, data, lim); err != nil {
		s.leave(c, gateExclusive)
		return err
	}
	if err := s.reserve(cid, pid); err != nil {
		s.leave(c, gateExclusive)
		return err
	}
	defer s.unreserve(cid)
	c.rec = appendRecordHead(c.rec, kindImport, cid, pid)
	c.rec = appendBytes(appendLimits(c.rec, lim), data)
	return s.submit(c, gateExclusive)
}
