package model

import "sort"

// PutModel publishes m under its id, replacing a model of the same id (see PutModelWith
// for the errors).
func (p *Project) PutModel(m *Model) error { return p.PutModelWith(m, nil) }

// PutModelWith is PutModel journaled by commit (see Commit). It holds the statistics lock
// for writing while it commits and publishes, so the model and the sequence number change
// together. The model's bytes count in the project's (Limits.MaxStateBytes) and its
// customer's (Limits.MaxCustomerBytes). Errors: ErrProjectNotFound for a deleted project;
// an *Error for a model id package ident refuses, or wrapping ErrTooManyModels for a new
// model past Limits.MaxModels, ErrStateTooLarge or ErrCustomerTooLarge; or commit's error
// (nothing published).
func (p *Project) PutModelWith(m *Model, commit Commit) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.retired {
		return p.errNotFound()
	}
	if !p.lim.legacyNames.Load() {
		if err := CheckModelID(m.ID(), p.lim.nameBytes()); err != nil {
			return err
		}
	}
	old, replaces := p.Model(m.ID())
	next := p.footprint()
	next.models += m.size
	if replaces {
		next.models -= old.size
	} else if limit := p.lim.maxModels.Load(); int64(len(p.models)) >= limit {
		return wrapf(ErrTooManyModels, "the project has %d models; the limit is %d", len(p.models), limit)
	}
	growth, err := p.checkFootprint(next)
	if err != nil {
		return err
	}
	before := p.footprint()
	at, err := p.commitGrowLocked(commit, max(growth, 0))
	if err != nil {
		return err
	}
	p.modelsMu.Lock()
	p.models[m.ID()] = m
	p.modelsMu.Unlock()
	p.modelBytes = next.models
	if growth < 0 {
		p.shrunk(before)
	}
	p.appliedLocked(Change{Op: OpModelBuilt, At: at, ModelID: m.ID(), ModelType: m.Algo()})
	return nil
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
func (p *Project) DeleteModel(id string) bool { return p.DeleteModelWith(id, nil) == nil }

// DeleteModelWith is DeleteModel journaled by commit (see Commit), which runs only if the
// model exists; its bytes go back to the customer. Errors: ErrModelNotFound (a
// *NotFoundError naming the model), ErrProjectNotFound for a deleted project, or commit's
// error (nothing deleted).
func (p *Project) DeleteModelWith(id string, commit Commit) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.retired {
		return p.errNotFound()
	}
	m, err := p.FindModel(id)
	if err != nil {
		return err
	}
	at, err := p.commitLocked(commit)
	if err != nil {
		return err
	}
	before := p.footprint()
	p.modelsMu.Lock()
	delete(p.models, id)
	p.modelsMu.Unlock()
	p.modelBytes -= m.size
	p.shrunk(before)
	p.appliedLocked(Change{Op: OpModelDeleted, At: at, ModelID: m.ID(), ModelType: m.Algo()})
	return nil
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
