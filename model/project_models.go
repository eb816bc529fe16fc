package model

import "sort"

// PutModel publishes m under its id, replacing a model of the same id (see PutModelWith
// for the errors).
func (p *Project) PutModel(m *Model) error { return p.PutModelWith(m, nil) }

// PutModelWith is PutModel journaled by commit (see Commit). It holds the statistics lock
// for writing while it commits and publishes, so the model and the sequence number change
// together. Errors: ErrProjectNotFound for a deleted project, an *Error wrapping
// ErrTooManyModels for a new model past Limits.MaxModels, or commit's error (nothing
// published).
func (p *Project) PutModelWith(m *Model, commit Commit) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, replaces := p.Model(m.ID()); !replaces {
		if max := p.lim.maxModels.Load(); int64(len(p.models)) >= max && !p.retired {
			return wrapf(ErrTooManyModels, "the project has %d models; the limit is %d", len(p.models), max)
		}
	}
	if _, err := p.commitLocked(commit); err != nil {
		return err
	}
	p.modelsMu.Lock()
	p.models[m.ID()] = m
	p.modelsMu.Unlock()
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
func (p *Project) DeleteModel(id string) bool { return p.DeleteModelWith(id, nil) == nil }

// DeleteModelWith is DeleteModel journaled by commit (see Commit), which runs only if the
// model exists. Errors: ErrModelNotFound, ErrProjectNotFound for a deleted project, or
// commit's error (nothing deleted).
func (p *Project) DeleteModelWith(id string, commit Commit) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.retired {
		return ErrProjectNotFound
	}
	if _, ok := p.Model(id); !ok {
		return ErrModelNotFound
	}
	if _, err := p.commitLocked(commit); err != nil {
		return err
	}
	p.modelsMu.Lock()
	delete(p.models, id)
	p.modelsMu.Unlock()
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
