package model

import "sort"

// PutModel publishes m under its id, replacing a model of the same id, under the
// registry's limits (see ApplyModel for the errors).
func (p *Project) PutModel(m *Model) error { return p.ApplyModel(m, p.lim.get(), Stamp{}) }

// ApplyModel is PutModel under the limits lim, as the change stamped st (see Stamp). It
// holds the statistics lock for writing while it publishes, so the model and the sequence
// number change together. Errors: ErrProjectNotFound for a deleted project, an *Error
// wrapping ErrTooManyModels for a new model past lim.MaxModels (nothing published).
func (p *Project) ApplyModel(m *Model, lim Limits, st Stamp) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.retired {
		return ErrProjectNotFound
	}
	if _, replaces := p.Model(m.ID()); !replaces {
		if max := lim.Resolved().MaxModels; len(p.models) >= max {
			return wrapf(ErrTooManyModels, "the project has %d models; the limit is %d", len(p.models), max)
		}
	}
	p.stampLocked(st)
	p.modelsMu.Lock()
	p.models[m.ID()] = m
	p.modelsMu.Unlock()
	return nil
}

// CheckModel is ApplyModel's refusal as seen now, changing nothing.
func (p *Project) CheckModel(id string, lim Limits) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.retired {
		return ErrProjectNotFound
	}
	if _, replaces := p.Model(id); !replaces {
		if max := lim.Resolved().MaxModels; len(p.models) >= max {
			return wrapf(ErrTooManyModels, "the project has %d models; the limit is %d", len(p.models), max)
		}
	}
	return nil
}

// Model returns the model called id.
func (p *Project) Model(id string) (*Model, bool) {
	p.modelsMu.RLock()
	defer p.modelsMu.RUnlock()
	m, ok := p.models[id]
	return m, ok
}

// DeleteModel removes the model called id and reports whether it existed.
func (p *Project) DeleteModel(id string) bool { return p.ApplyUnmodel(id, Stamp{}) == nil }

// ApplyUnmodel removes the model called id as the change stamped st (see Stamp). Errors:
// ErrModelNotFound, ErrProjectNotFound for a deleted project (nothing changed).
func (p *Project) ApplyUnmodel(id string, st Stamp) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.checkUnmodelLocked(id); err != nil {
		return err
	}
	p.stampLocked(st)
	p.modelsMu.Lock()
	delete(p.models, id)
	p.modelsMu.Unlock()
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
		return ErrProjectNotFound
	}
	if _, ok := p.Model(id); !ok {
		return ErrModelNotFound
	}
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
