package ops

import "github.com/symscore/symscore/model"

// ModelRef is a caller's memory of the model its last Predict used (PredictArgs.Ref), so
// that a caller predicting with one model again and again (a WebSocket session) finds it
// without the registry's and the project's locks and maps: it is reused while the
// customer, project id and model id are the same and the project's model.Lookup says that
// nothing changed. It keeps the model and the project's Lookup, not the project. The zero
// value is empty. Not safe for concurrent use.
type ModelRef struct {
	cid, pid, mid string
	look          *model.Lookup
	version       uint64 // look's version before the model was looked up
	partition     string // the project's partition column
	m             *model.Model
}

// findModel returns the model a.ModelID of the customer's project a.PID and the project's
// partition column, from a.Ref while it stands, else by looking them up (remembered in
// a.Ref, if any).
func (s *Service) findModel(c Customer, a *PredictArgs) (m *model.Model, partition string, err error) {
	if r := a.Ref; r != nil && r.m != nil && r.cid == c.id && r.pid == a.PID && r.mid == a.ModelID {
		if v, live := r.look.Version(); live && v == r.version {
			return r.m, r.partition, nil
		}
	}
	p, err := s.findProject(c, a.PID)
	if err != nil {
		return nil, "", err
	}
	look := p.Lookup()
	v, live := look.Version()
	m, err = p.FindModel(a.ModelID)
	if err != nil {
		return nil, "", s.Refuse(err)
	}
	if r := a.Ref; r != nil {
		*r = ModelRef{}
		if live {
			*r = ModelRef{cid: c.id, pid: a.PID, mid: a.ModelID, look: look, version: v, partition: p.PartitionColumn(), m: m}
		}
	}
	return m, p.PartitionColumn(), nil
}
