package model

import "sort"

// PutModel publishes m under its id, replacing a model of the same id.
func (p *Project) PutModel(m *Model) {
	p.modelsMu.Lock()
	p.models[m.ID()] = m
	p.modelsMu.Unlock()
}

// Model returns the model called id.
func (p *Project) Model(id string) (*Model, bool) {
	p.modelsMu.RLock()
	defer p.modelsMu.RUnlock()
	m, ok := p.models[id]
	return m, ok
}

// DeleteModel removes the model called id and reports whether it existed.
func (p *Project) DeleteModel(id string) bool {
	p.modelsMu.Lock()
	defer p.modelsMu.Unlock()
	_, ok := p.models[id]
	delete(p.models, id)
	return ok
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
