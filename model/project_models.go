package model

import "sort"

// PutModel publishes m under its id, replacing a model of the same id, under the
// registry's limits: CheckModel (with a Reservation), then ApplyModel, unjournaled.
func (p *Project) PutModel(m *Model) error {
	lim := p.lim.get()
	var res Reservation
	if err := p.CheckModel(m, lim, &res); err != nil {
		return err
	}
	defer res.Release()
	return p.ApplyModel(m, lim, Stamp{})
}

// ApplyModel is PutModel under the limits lim, as the change stamped st (see Stamp). It
// holds the statistics lock for writing while it publishes, so the model and the sequence
// number change together. The model's bytes count in the project's (lim.MaxStateBytes)
// and its customer's. Errors: ErrProjectNotFound for a deleted project, an *Error wrapping
// ErrTooManyModels for a new model past lim.MaxModels or ErrStateTooLarge (nothing
// published). It judges neither the model id nor the customer's budget (CheckModel does).
func (p *Project) ApplyModel(m *Model, lim Limits, st Stamp) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	next, err := p.checkModelLocked(m, lim.Resolved())
	if err != nil {
		return err
	}
	at := p.stampLocked(st)
	p.modelsMu.Lock()
	p.models[m.ID()] = m
	p.look.modelsChanged()
	p.modelsMu.Unlock()
	p.modelBytes = next.models
	p.rechargeLocked()
	p.appliedLocked(Change{Op: OpModelBuilt, At: at, ModelID: m.ID(), ModelType: m.Algo()})
	return nil
}

// CheckModel is ApplyModel's refusal as seen now, changing nothing, and a refusal of a
// model id package ident refuses under lim (unless lim.LegacyNames). With res not nil, a
// model that passes is also admitted to its customer's byte budget (see Reservation): res
// holds it until res.Release; past the budget it is refused (an *Error wrapping
// ErrCustomerTooLarge). A model replacing another of its id is charged what it adds to it.
func (p *Project) CheckModel(m *Model, lim Limits, res *Reservation) error {
	lim = lim.Resolved()
	if !lim.LegacyNames {
		if err := CheckModelID(m.ID(), lim.MaxNameBytes); err != nil {
			return err
		}
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if _, err := p.checkModelLocked(m, lim); err != nil || res == nil {
		return err
	}
	res.reset()
	res.setModel(m.ID(), m.size)
	return p.reserveLocked(res, lim.MaxCustomerBytes, false)
}

// checkModelLocked checks the publication of m under lim (resolved) and returns the
// project's footprint with it. Caller holds mu.
func (p *Project) checkModelLocked(m *Model, lim Limits) (footprint, error) {
	next := p.footprint()
	if p.retired {
		return next, p.errNotFound()
	}
	next.models += m.size
	if old, replaces := p.Model(m.ID()); replaces {
		next.models -= old.size
	} else if limit := lim.MaxModels; len(p.models) >= limit {
		return next, wrapf(ErrTooManyModels, "the project has %d models; the limit is %d", len(p.models), limit)
	}
	if next.bytes() > p.footprint().bytes() {
		if err := lim.check(next); err != nil {
			return next, err
		}
	}
	return next, nil
}

// Model returns the model called id.
func (p *Project) Model(id string) (*Model, bool) {
	p.modelsMu.RLock()
	defer p.modelsMu.RUnlock()
	m, ok := p.models[id]
	return m, ok
}

// FindModel is Model with the refusal a request gets for a missing model: a
// *NotFoundError (ErrModelNotFound) naming the model and the project. It allocates only
// to refuse.
func (p *Project) FindModel(id string) (*Model, error) {
	if m, ok := p.Model(id); ok {
		return m, nil
	}
	return nil, &NotFoundError{Project: p.id, Model: id}
}

// DeleteModel removes the model called id and reports whether it existed.
func (p *Project) DeleteModel(id string) bool { return p.ApplyUnmodel(id, Stamp{}) == nil }

// ApplyUnmodel removes the model called id as the change stamped st (see Stamp); its bytes
// go back to the customer. Errors: ErrModelNotFound (a *NotFoundError naming the model),
// ErrProjectNotFound for a deleted project (nothing changed).
func (p *Project) ApplyUnmodel(id string, st Stamp) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.checkUnmodelLocked(id); err != nil {
		return err
	}
	at := p.stampLocked(st)
	p.modelsMu.Lock()
	m := p.models[id]
	delete(p.models, id)
	p.look.modelsChanged()
	p.modelsMu.Unlock()
	p.modelBytes -= m.size
	p.rechargeLocked()
	p.appliedLocked(Change{Op: OpModelDeleted, At: at, ModelID: m.ID(), ModelType: m.Algo()})
	return nil
}

// CheckUnmodel is ApplyUnmodel's refusal as seen now, changing nothing.
func (p *Project) CheckUnmodel(id string) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.checkUnmodelLocked(id)
}

func (p *Project) checkUnmodelLocked(id string) error {
	if p.retired {
		return p.errNotFound()
	}
	_, err := p.FindModel(id)
	return err
}

// Models returns the project's models sorted by id.
func (p *Project) Models() []*Model {
	p.modelsMu.RLock()
	ms := make([]*Model, 0, len(p.models))
	for _, m := range p.models {
		ms = append(ms, m)
	}
	p.modelsMu.RUnlock()
	sort.Slice(ms, func(i, j int) bool { return ms[i].ID() < ms[j].ID() })
	return ms
}
