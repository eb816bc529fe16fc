package model

import "sync/atomic"

// Lookup tells a caller that keeps a project and one of its models from request to
// request (a WebSocket session predicting message after message) whether they are still
// what Registry.Get and Project.Model would return, without either lookup's locks and map
// accesses: Version changes whenever a model is put into the project or removed from it,
// and once the project is deleted from its registry live is false for good.
//
// Use: read Version, then look the model up; reuse both while Version gives the same
// version and live. A Lookup is a small object of its own, so that a caller keeping it
// does not keep a deleted project's statistics alive. Safe for concurrent use.
type Lookup struct {
	v atomic.Uint64 // 2 × model changes, +1 once retired
}

// Version returns the lookup version and whether the project is still in its registry.
func (l *Lookup) Version() (version uint64, live bool) {
	v := l.v.Load()
	return v, v&1 == 0
}

// modelsChanged is called with modelsMu held for writing, after the change.
func (l *Lookup) modelsChanged() { l.v.Add(2) }

// retired is called once, when the project leaves its registry.
func (l *Lookup) retired() { l.v.Or(1) }

// Lookup is the project's Lookup.
func (p *Project) Lookup() *Lookup { return p.look }
