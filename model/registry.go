package model

import (
	"sort"
	"sync"
)

// Registry holds every customer's projects. A customer (cid) sees only its own projects:
// every method takes the cid and looks only among that customer's projects. Safe for
// concurrent use.
//
// A *Project obtained from Get stays readable after Delete, but refuses every change with
// ErrProjectNotFound.
type Registry struct {
	lim *limits

	mu        sync.RWMutex // guards customers (and the maps it holds)
	customers map[string]map[string]*Project
}

// NewRegistry makes an empty registry with the default Limits.
func NewRegistry() *Registry {
	return &Registry{lim: newLimits(Limits{}), customers: make(map[string]map[string]*Project)}
}

// SetLimits changes the limits of every project of the registry, present and future.
// They apply to the next learn, forget or merge; nothing already held is dropped.
func (r *Registry) SetLimits(l Limits) { r.lim.set(l) }

// Limits returns the limits in force, resolved (no zero field).
func (r *Registry) Limits() Limits { return r.lim.get() }

// Create makes the project pid of customer cid. typ is "cpu" ("" = cpu) or "partition"
// (params["partitionSplit"] names the partition column). Errors: ErrProjectExists; *Error
// for a bad id, an unsupported type, a missing partitionSplit, or wrapping
// ErrTooManyProjects past Limits.MaxProjects.
func (r *Registry) Create(cid, pid, typ string, params map[string]string) (*Project, error) {
	if err := r.CheckNewProject(cid, pid, 0); err != nil {
		return nil, err
	}
	return r.ApplyCreate(cid, pid, typ, params, Stamp{})
}

// CheckNewProject refuses a project pid of customer cid that exists already
// (ErrProjectExists), or one more project than Limits.MaxProjects allows when reserved
// projects are about to be made too. The store checks it before logging a create or an
// import, with the creates and imports it has logged but not applied as reserved: the
// limit depends on the changes of other projects, so ApplyCreate and ApplyImport do not
// check it.
func (r *Registry) CheckNewProject(cid, pid string, reserved int) error {
	if cid == "" {
		return errorf("customer id is empty")
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if _, ok := r.customers[cid][pid]; ok {
		return ErrProjectExists
	}
	if n, m := len(r.customers[cid])+reserved, r.lim.maxProjects.Load(); int64(n) >= m {
		return wrapf(ErrTooManyProjects, "the customer has %d projects; the limit is %d", n, m)
	}
	return nil
}

// ApplyCreate makes the project pid of customer cid, as the change stamped st (see Stamp):
// its creation date is st.At. Errors: ErrProjectExists; *Error for a bad id, an unsupported
// type or a missing partitionSplit. It does not check Limits.MaxProjects (see
// CheckNewProject).
func (r *Registry) ApplyCreate(cid, pid, typ string, params map[string]string, st Stamp) (*Project, error) {
	if cid == "" {
		return nil, errorf("customer id is empty")
	}
	p, err := NewProject(pid, typ, params)
	if err != nil {
		return nil, err
	}
	if err := r.add(cid, p, st, true, false); err != nil {
		return nil, err
	}
	return p, nil
}

// Add registers an existing project (one restored with UnmarshalProject) under cid; it then
// follows the registry's limits. Errors: ErrProjectExists if cid already has a project of
// its id, an *Error wrapping ErrTooManyProjects past Limits.MaxProjects. Its dates are kept.
func (r *Registry) Add(cid string, p *Project) error { return r.add(cid, p, Stamp{}, false, true) }

// add registers p, stamped st; create sets its dates to the time of the change.
func (r *Registry) add(cid string, p *Project, st Stamp, create, checkCount bool) error {
	if cid == "" {
		return errorf("customer id is empty")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.customers[cid][p.id]; ok {
		return ErrProjectExists
	}
	if m := r.lim.maxProjects.Load(); checkCount && int64(len(r.customers[cid])) >= m {
		return wrapf(ErrTooManyProjects, "the customer has %d projects; the limit is %d", len(r.customers[cid]), m)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	at := p.stampLocked(st)
	if create {
		p.created, p.modified = at, at
	}
	p.lim = r.lim
	ps := r.customers[cid]
	if ps == nil {
		ps = make(map[string]*Project)
		r.customers[cid] = ps
	}
	ps[p.id] = p
	return nil
}

// DecodeImport decodes data written by MarshalBinary (export) as project pid and checks it
// against lim (attributes, partitions, statistics memory, models). Errors are *Error.
func DecodeImport(pid string, data []byte, lim Limits) (*Project, error) {
	if err := ValidateProjectID(pid); err != nil {
		return nil, err
	}
	p, err := UnmarshalProject(data)
	if err != nil {
		return nil, errorf("cannot import project %s: %v", quote(pid), err)
	}
	lim = lim.Resolved()
	if err := lim.check(len(p.names), len(p.parts)); err != nil {
		return nil, err
	}
	if m := lim.MaxModels; len(p.models) > m {
		return nil, wrapf(ErrTooManyModels, "the project has %d models; the limit is %d", len(p.models), m)
	}
	p.id = pid
	return p, nil
}

// ApplyImport registers under cid, as project pid, the project encoded in data by
// MarshalBinary (export), checked against lim (DecodeImport), as the change stamped st (see
// Stamp); its dates are the exported ones. Errors: ErrProjectExists; those of DecodeImport.
// It does not check Limits.MaxProjects (see CheckNewProject).
func (r *Registry) ApplyImport(cid, pid string, data []byte, lim Limits, st Stamp) (*Project, error) {
	p, err := DecodeImport(pid, data, lim)
	if err != nil {
		return nil, err
	}
	if err := r.add(cid, p, st, false, false); err != nil {
		return nil, err
	}
	return p, nil
}

// Get returns cid's project pid, or ErrProjectNotFound.
func (r *Registry) Get(cid, pid string) (*Project, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if p, ok := r.customers[cid][pid]; ok {
		return p, nil
	}
	return nil, ErrProjectNotFound
}

// List returns cid's project ids, sorted.
func (r *Registry) List(cid string) []string {
	r.mu.RLock()
	ids := make([]string, 0, len(r.customers[cid]))
	for id := range r.customers[cid] {
		ids = append(ids, id)
	}
	r.mu.RUnlock()
	sort.Strings(ids)
	return ids
}

// Delete removes cid's project pid and its models, or returns ErrProjectNotFound.
func (r *Registry) Delete(cid, pid string) error { return r.ApplyDelete(cid, pid, Stamp{}) }

// ApplyDelete is Delete as the change stamped st (see Stamp). The project is retired under
// its own lock, after any change in progress: a *Project obtained earlier stays readable,
// and every later change to it is refused with ErrProjectNotFound.
func (r *Registry) ApplyDelete(cid, pid string, st Stamp) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	ps := r.customers[cid]
	p, ok := ps[pid]
	if !ok {
		return ErrProjectNotFound
	}
	p.mu.Lock()
	p.stampLocked(st)
	p.retired = true
	p.mu.Unlock()
	delete(ps, pid)
	if len(ps) == 0 {
		delete(r.customers, cid)
	}
	return nil
}

// Merge folds the statistics of cid's project otherPid into cid's project pid (the other
// project is unchanged; models are not merged). The other project's state is copied under
// its read lock, which is released before pid is locked, so concurrent merges in both
// directions cannot deadlock. Errors: ErrProjectNotFound, ErrFrozen (pid frozen), *Error
// (merging a project into itself, incompatible types or attribute kinds, limits).
func (r *Registry) Merge(cid, pid, otherPid string) error {
	p, err := r.Get(cid, pid)
	if err != nil {
		return err
	}
	o, err := r.Get(cid, otherPid)
	if err != nil {
		return err
	}
	if p == o {
		return errorf("cannot merge project %s into itself", quote(pid))
	}
	return p.mergeFrom(o.copyState(), p.lim.get(), Stamp{})
}

// Range calls fn for every project of every customer (in no particular order) until fn
// returns false. It works on a copy of the registry's index: fn may call the registry.
func (r *Registry) Range(fn func(cid string, p *Project) bool) {
	type entry struct {
		cid string
		p   *Project
	}
	r.mu.RLock()
	var all []entry
	for cid, ps := range r.customers {
		for _, p := range ps {
			all = append(all, entry{cid, p})
		}
	}
	r.mu.RUnlock()
	for _, e := range all {
		if !fn(e.cid, e.p) {
			return
		}
	}
}
