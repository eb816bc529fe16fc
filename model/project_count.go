package model

// NumModels returns how many models the project holds, without copying them (Models
// sorts a copy). Safe for concurrent use.
func (p *Project) NumModels() int {
	p.modelsMu.RLock()
	defer p.modelsMu.RUnlock()
	return len(p.models)
}
