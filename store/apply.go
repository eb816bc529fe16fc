package store

import (
	"fmt"

	"github.com/symscore/symscore/model"
)

// applyPayload decodes and applies the record numbered seq of project key: what every
// record goes through on its way to the state, whether this process logged it a moment ago
// or another did. A record that does not decode changes nothing and is reported as such.
func (s *Store) applyPayload(seq uint64, payload []byte, key laneKey, dec *decoder) error {
	rec, err := decodeRecord(payload, dec)
	if err != nil {
		s.slog.Error("store: a record does not decode; nothing applied", "seq", seq, "err", err)
		return fmt.Errorf("store: record %d: %w", seq, err)
	}
	return s.apply(seq, &rec, key.cid, key.pid)
}

// apply applies the decoded record rec, numbered seq, of project pid of customer cid: the
// one application of each kind of record, used by the live path (through the lanes) and by
// recovery, so that the same log gives the same state bit for bit. It returns the model's
// refusal (the state is then unchanged) or nil. Dates come from the record, the limits of
// the change too: nothing here depends on the clock or the current configuration.
func (s *Store) apply(seq uint64, rec *record, cid, pid string) error {
	st := model.Stamp{Seq: seq, At: rec.at}
	switch rec.kind {
	case kindCreate:
		_, err := s.reg.ApplyCreate(cid, pid, rec.typ, rec.params, st)
		return err
	case kindImport:
		_, err := s.reg.ApplyImport(cid, pid, rec.blob, rec.lim, st)
		return err
	case kindSeen:
		return nil
	}
	p, err := s.reg.Get(cid, pid)
	if err != nil {
		return err
	}
	if rec.format != recordFormat1 && p.Created().UnixNano() != rec.created {
		return &model.NotFoundError{Project: pid} // another incarnation of the project id
	}
	switch rec.kind {
	case kindDelete:
		return s.reg.ApplyDelete(cid, pid, st)
	case kindLearn, kindForget:
		return p.ApplyRows(rec.rows, rec.sign(), rec.lim, st)
	case kindLearnDelta, kindForgetDelta, kindLearnUpload, kindForgetUpload:
		return p.ApplyDelta(rec.delta, rec.sign(), rec.lim, st)
	case kindFreeze:
		return p.ApplyFreeze(rec.frozen, st)
	case kindMerge:
		return p.ApplyMerge(rec.blob, rec.lim, st)
	case kindModel:
		return p.ApplyModel(rec.model, rec.lim, st)
	case kindModelNew:
		// Records of a project are applied one at a time (its lane): nothing comes
		// between this look and the application.
		if _, exists := p.Model(rec.model.ID()); exists {
			return modelExists(pid, rec.model.ID())
		}
		return p.ApplyModel(rec.model, rec.lim, st)
	case kindUnmodel:
		return p.ApplyUnmodel(rec.modelID, st)
	}
	return fmt.Errorf("%w: unknown kind %d", errRecord, rec.kind)
}
