package store

import (
	"fmt"
	"time"

	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/model"
)

// Learn adds the frame's rows to the project (see model.Project.Learn). The record holds
// the rows as received or, for a frame of more than about d/2 rows (d its columns), their
// summary delta: whichever is smaller (with Options.DeltaRecords, the delta).
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

// testHookPrepared, when set (tests only), runs between the preparation of a learn or
// forget (a frame, a delta or an upload) and its append.
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
	if err := p.CheckRows(&c.rows, sign, lim, &c.res); err != nil || c.rows.Len() == 0 {
		return err
	}
	created := p.Created()
	c.rec = appendProjectHead(c.rec, kind, cid, pid, created)
	c.rec = appendLimits(c.rec, lim)
	c.rec = c.rows.AppendBinary(c.rec)
	if 2*c.rows.Len() <= c.rows.Width() && !s.opts.DeltaRecords {
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
	if len(c.alt) < len(c.rec) || s.opts.DeltaRecords {
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
	return s.deltaChange(kindLearnDelta, cid, pid, "", d)
}

// ForgetDelta removes the rows summarised by d from the project as one change, as
// LearnDelta adds them.
func (s *Store) ForgetDelta(cid, pid string, d *model.Delta) error {
	return s.deltaChange(kindForgetDelta, cid, pid, "", d)
}

// deltaChange is LearnDelta and ForgetDelta, and with an upload id (not empty) LearnUpload
// and ForgetUpload.
func (s *Store) deltaChange(kind byte, cid, pid, upload string, d *model.Delta) error {
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
		if kind == kindForgetDelta || kind == kindForgetUpload {
			sign = -1
		}
		if err := p.CheckDelta(d, sign, lim, &c.res); err != nil || d.Rows() == 0 {
			return err
		}
		// What a replay will decode: the delta itself within the limits.
		if d.Width() > lim.MaxAttributes || d.Partitions() > lim.MaxPartitions || d.Bytes() > lim.MaxStateBytes {
			return &model.Error{Msg: fmt.Sprintf("the delta of %d columns and %d partitions takes %d bytes; the project limits are %d attributes, %d partitions, %d bytes",
				d.Width(), d.Partitions(), d.Bytes(), lim.MaxAttributes, lim.MaxPartitions, lim.MaxStateBytes), Err: model.ErrStateTooLarge}
		}
		c.rec = appendProjectHead(c.rec, kind, cid, pid, p.Created())
		c.rec = appendLimits(c.rec, lim)
		if upload != "" {
			c.rec = appendString(c.rec, upload)
		}
		c.rec = d.AppendBinary(c.rec)
		return nil
	}()
	if err != nil || len(c.rec) == 0 {
		s.leave(c, gateShared)
		return err
	}
	if testHookPrepared != nil {
		testHookPrepared()
	}
	if upload == "" {
		return s.submit(c, gateShared)
	}
	s.holdUpload(upload, laneKey{cid, pid})
	err = s.submit(c, gateShared)
	s.uploadOutcome(upload, err)
	return err
}
