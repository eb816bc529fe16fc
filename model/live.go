package model

import "time"

// What live subscriptions need of a project: its version, an observer told of every
// change applied to it, and a cheap consistent reading of a few of its statistics.
//
// The version is the project's change counter: it grows by one with every change applied
// to it — learn, forget, merge, freeze, unfreeze, model put, model delete — under the
// project's write lock, in the order the changes are applied. It is derived from applied
// changes alone (never from a clock), kept with the state in the project's encoding, so a
// replay of the same log from any snapshot gives the same version, as every node
// applying the same log would. A new project has version 0; an imported one keeps the
// version it was exported with.

// ChangeOp says what an applied change did.
type ChangeOp uint8

// The changes an Observer is told of.
const (
	OpLearn ChangeOp = iota + 1
	OpForget
	OpMerge
	OpFreeze
	OpUnfreeze
	OpModelBuilt
	OpModelDeleted
	// OpDelete: the project was deleted; the last change an Observer hears of. It does
	// not change the version.
	OpDelete
)

var opNames = [...]string{"", "learn", "forget", "merge", "freeze", "unfreeze", "model built", "model deleted", "delete"}

// learnOp is OpLearn for sign 1, OpForget for −1.
func learnOp(sign int) ChangeOp {
	if sign < 0 {
		return OpForget
	}
	return OpLearn
}

// String is the change's name: "learn", "forget", "merge", "freeze", "unfreeze",
// "model built", "model deleted", "delete".
func (o ChangeOp) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return "ChangeOp(?)"
}

// Change is one change applied to a project, as its Observer hears of it.
type Change struct {
	Op ChangeOp
	// Version is the project's version once the change is applied.
	Version uint64
	// At is the time of the change (its record's, on replay too), UTC.
	At time.Time
	// Rows: learn and forget, the rows applied; merge, the rows of the state merged in.
	Rows int64
	// Attributes is how many attributes the project has once the change is applied (they
	// only ever grow).
	Attributes int
	// ModelID and ModelType (the algorithm) of a model built or deleted.
	ModelID, ModelType string
}

// Observer is told of every change applied to a project, in the order they are applied.
// Applied runs under the project's write lock: it must return quickly, never block, and
// never call the project.
type Observer interface {
	Applied(p *Project, c Change)
}

// Observe makes o the project's observer (nil: none) and returns the project's version
// at that moment: o hears of every change applied after it, and of nothing before. A
// project has one observer at a time; a deleted project refuses (ErrProjectNotFound, a
// *NotFoundError naming it).
func (p *Project) Observe(o Observer) (version uint64, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.retired && o != nil {
		return 0, p.errNotFound()
	}
	p.observer = o
	return p.version, nil
}

// Version is the project's change counter (see above).
func (p *Project) Version() uint64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.version
}

// appliedLocked counts a change just applied (but a delete) in the version and tells the
// observer of it. Every application calls it once, after the change is whole. Caller
// holds mu for writing.
func (p *Project) appliedLocked(c Change) {
	if c.Op != OpDelete {
		p.version++
	}
	if p.observer == nil {
		return
	}
	c.Version, c.Attributes, c.At = p.version, len(p.names), c.At.UTC()
	p.observer.Applied(p, c)
	if c.Op == OpDelete {
		p.observer = nil
	}
}

// Reading is a consistent reading of a project's live statistics, all at one version:
// what a subscription sends. Fill ReadRequest's fields, call Project.Read; a Reading may
// be reused (its slices are).
type Reading struct {
	Version  uint64
	Names    []string // every attribute, in index order; shares the project's memory: read only
	Rows     int64
	Models   int
	Frozen   bool
	Modified time.Time // last learn, forget or merge, UTC
	// Uni holds the uni metric of the attributes asked for: of every attribute (index i
	// is attribute i) with ReadRequest.All, else of ReadRequest.Names in order. Index is
	// the attribute's index, -1 for a name the project does not have (its Uni is zero).
	Uni []LiveUni
	// Bi holds covar and linCorr of ReadRequest.Pairs, in order; Found is false when
	// either name is not an attribute.
	Bi []LiveBi
}

// LiveUni is one attribute's uni metric in a Reading.
type LiveUni struct {
	Index int
	Uni
}

// LiveBi is one pair's covar and linCorr in a Reading.
type LiveBi struct {
	Found bool
	Bi
}

// ReadRequest says what Project.Read computes.
type ReadRequest struct {
	All   bool        // the uni metric of every attribute
	Names []string    // without All: the uni metric of these attributes
	Pairs [][2]string // covar and linCorr of these pairs
}

// Read fills r with the project's state as of one version, computing the uni metric of
// the attributes and the bi metric of the pairs req asks for, by the formulas explore
// uses (uniOf, biOf) on the entries its moments would hold, bit for bit. It holds the
// read lock for O(attributes + pairs asked) work, never copying the summaries.
func (p *Project) Read(req *ReadRequest, r *Reading) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	d := len(p.names)
	r.Version, r.Names, r.Rows, r.Frozen, r.Modified = p.version, p.names[:d:d], p.total.n, p.frozen, p.modified
	p.modelsMu.RLock()
	r.Models = len(p.models)
	p.modelsMu.RUnlock()
	r.Uni, r.Bi = r.Uni[:0], r.Bi[:0]
	if req.All {
		for i := range d {
			r.Uni = append(r.Uni, LiveUni{Index: i, Uni: p.uniAt(i)})
		}
	} else {
		for _, name := range req.Names {
			i, ok := p.index[name]
			if !ok {
				r.Uni = append(r.Uni, LiveUni{Index: -1})
				continue
			}
			r.Uni = append(r.Uni, LiveUni{Index: i, Uni: p.uniAt(i)})
		}
	}
	for _, pr := range req.Pairs {
		x, okx := p.index[pr[0]]
		y, oky := p.index[pr[1]]
		if !okx || !oky {
			r.Bi = append(r.Bi, LiveBi{})
			continue
		}
		r.Bi = append(r.Bi, LiveBi{Found: true, Bi: p.biAt(x, y)})
	}
}

// uniAt is the uni metric of attribute i, as explore's on a Snapshot. Caller holds mu.
func (p *Project) uniAt(i int) Uni {
	t := p.total
	var mean, m float64
	if t.n != 0 {
		var u dd
		u, mean = t.meanAt(i)
		m = t.comomentAt(i, i, u)
	}
	return uniOf(t.n, mean, m, p.min[i], p.max[i])
}

// biAt is covar and linCorr of attributes x and y, as explore's on a Snapshot. Caller
// holds mu.
func (p *Project) biAt(x, y int) Bi {
	t := p.total
	var mxx, myy, mxy float64
	if t.n != 0 {
		ux, _ := t.meanAt(x)
		uy, _ := t.meanAt(y)
		mxx, myy = t.comomentAt(x, x, ux), t.comomentAt(y, y, uy)
		if x <= y {
			mxy = t.comomentAt(x, y, uy)
		} else {
			mxy = t.comomentAt(y, x, ux)
		}
	}
	return biOf(t.n, mxx, myy, mxy)
}

// HasAttribute reports whether the project has an attribute called name.
func (p *Project) HasAttribute(name string) bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	_, ok := p.index[name]
	return ok
}
