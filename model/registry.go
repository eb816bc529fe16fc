package model

import (
	"sort"
	"sync"

	"github.com/symscore/symscore/ident"
)

// Registry holds every customer's projects. A customer (cid) sees only its own projects:
// every method takes the cid and looks only among that customer's projects. Safe for
// concurrent use.
//
// A *Project obtained from Get stays readable after Delete, but refuses every change with
// ErrProjectNotFound.
//
// Each customer has an account of the bytes its projects are charged for (ProjectBytes),
// bounded by Limits.MaxCustomerBytes: a change that grows a project reserves its growth
// on the account before it is journaled, so that concurrent changes of several projects
// never take the customer past the limit; what a forget, a model delete or a project
// delete frees goes back to it.
type Registry struct {
	lim *limits

	mu        sync.RWMutex // guards customers and accounts (and the maps they hold)
	customers map[string]map[string]*Project
	accounts  map[string]*account // per customer with projects
}

// NewRegistry makes an empty registry with the default Limits.
func NewRegistry() *Registry {
	return &Registry{lim: newLimits(Limits{}), customers: make(map[string]map[string]*Project),
		accounts: make(map[string]*account)}
}

// SetLimits changes the limits of every project of the registry, present and future.
// They apply to the next learn, forget or merge; nothing already held is dropped.
func (r *Registry) SetLimits(l Limits) { r.lim.set(l) }

// Create makes the project pid of customer cid. typ is "cpu" ("" = cpu) or "partition"
// (params["partitionSplit"] names the partition column). Errors: ErrProjectExists; *Error
// for a bad id (CheckProjectID), an unsupported type, a missing or bad partitionSplit, or
// a limit.
func (r *Registry) Create(cid, pid, typ string, params map[string]string) (*Project, error) {
	return r.CreateWith(cid, pid, typ, params, nil)
}

// CreateWith is Create journaled by commit (see Commit), which runs under the registry's
// lock once the project is known to be new and valid.
func (r *Registry) CreateWith(cid, pid, typ string, params map[string]string, commit Commit) (*Project, error) {
	if cid == "" {
		return nil, errorf("customer id is empty")
	}
	p, err := newProject(pid, typ, params, r.lim)
	if err != nil {
		return nil, err
	}
	if err := r.add(cid, p, commit, true); err != nil {
		return nil, err
	}
	return p, nil
}

// Add registers an existing project (one restored with UnmarshalProject) under cid; it then
// follows the registry's limits. ErrProjectExists if cid already has a project of its id.
func (r *Registry) Add(cid string, p *Project) error { return r.AddWith(cid, p, nil) }

// AddWith is Add journaled by commit (see Commit). p must not be in use elsewhere yet; its
// dates are kept.
func (r *Registry) AddWith(cid string, p *Project, commit Commit) error {
	return r.add(cid, p, commit, false)
}

// add registers p, charging its bytes to the customer's account; create sets its
// creation date to the time of the commit.
func (r *Registry) add(cid string, p *Project, commit Commit, create bool) error {
	if cid == "" {
		return errorf("customer id is empty")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.customers[cid][p.id]; ok {
		return ErrProjectExists
	}
	if m := r.lim.maxProjects.Load(); int64(len(r.customers[cid])) >= m {
		return wrapf(ErrTooManyProjects, "the customer has %d projects; the limit is %d", len(r.customers[cid]), m)
	}
	acct := r.accounts[cid]
	if acct == nil {
		acct = new(account)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lim, p.acct = r.lim, acct
	at, err := p.commitGrowLocked(commit, p.footprint().bytes())
	if err != nil {
		p.lim, p.acct = newLimits(Limits{}), nil
		return err
	}
	if create {
		p.created, p.modified = at, at
	}
	ps := r.customers[cid]
	if ps == nil {
		ps = make(map[string]*Project)
		r.customers[cid] = ps
		r.accounts[cid] = acct
	}
	ps[p.id] = p
	return nil
}

// CustomerBytes is what customer cid's projects are charged for together (see
// Limits.MaxCustomerBytes).
func (r *Registry) CustomerBytes(cid string) int64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if a := r.accounts[cid]; a != nil {
		return a.used.Load()
	}
	return 0
}

// ImportWith registers under cid, as project pid, the project encoded in data by
// MarshalBinary (export), journaled by commit (see Commit). The encoding is the client's:
// its names, partition values and model ids follow package ident's rules as those a
// client sends any other way, and it counts against every limit. Errors:
// ErrProjectExists; *Error for a bad id, a bad name, an encoding that does not decode, or
// a limit.
func (r *Registry) ImportWith(cid, pid string, data []byte, commit Commit) (*Project, error) {
	legacy := r.lim.legacyNames.Load()
	if !legacy {
		if err := CheckProjectID(pid, r.lim.nameBytes()); err != nil {
			return nil, err
		}
	}
	p, err := UnmarshalProject(data)
	if err != nil {
		return nil, errorf("cannot import project %s: %v", quote(pid), err)
	}
	if !legacy {
		if err := r.checkImportedNames(p); err != nil {
			return nil, errorf("cannot import project %s: %v", quote(pid), err)
		}
	}
	p.id = pid
	if err := r.lim.check(p.footprint()); err != nil {
		return nil, err
	}
	if m := r.lim.maxModels.Load(); int64(len(p.models)) > m {
		return nil, wrapf(ErrTooManyModels, "the project has %d models; the limit is %d", len(p.models), m)
	}
	if err := r.AddWith(cid, p, commit); err != nil {
		return nil, err
	}
	return p, nil
}

// checkImportedNames refuses a decoded project holding a name, a partition value or a
// model id that package ident refuses. p is not shared yet.
func (r *Registry) checkImportedNames(p *Project) error {
	max := r.lim.nameBytes()
	if p.partitionColumn != "" {
		if err := ident.CheckName(p.partitionColumn, max); err != nil {
			return identError("partition column "+quote(p.partitionColumn), err)
		}
	}
	for i, name := range p.names {
		if err := ident.CheckName(name, max); err != nil {
			return identError("attribute "+quote(name), err)
		}
		if b := p.base[i]; b != "" {
			if err := ident.CheckName(b, max); err != nil {
				return identError("attribute base "+quote(b), err)
			}
		}
	}
	for _, k := range p.partKeys {
		if err := ident.CheckName(k, max); err != nil {
			return identError("partition value "+quote(k), err)
		}
	}
	for id := range p.models {
		if err := CheckModelID(id, max); err != nil {
			return err
		}
	}
	return nil
}

// Get returns cid's project pid, or a *NotFoundError (ErrProjectNotFound) naming pid.
func (r *Registry) Get(cid, pid string) (*Project, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if p, ok := r.customers[cid][pid]; ok {
		return p, nil
	}
	return nil, projectNotFound(pid)
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
func (r *Registry) Delete(cid, pid string) error { return r.DeleteWith(cid, pid, nil) }

// DeleteWith is Delete journaled by commit (see Commit). The project is retired under its
// own lock, after any change in progress, and its bytes go back to the customer: a
// *Project obtained earlier stays readable, and every later change to it is refused with
// ErrProjectNotFound.
func (r *Registry) DeleteWith(cid, pid string, commit Commit) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	ps := r.customers[cid]
	p, ok := ps[pid]
	if !ok {
		return projectNotFound(pid)
	}
	p.mu.Lock()
	at, err := p.commitLocked(commit)
	if err == nil {
		p.retired = true
		p.acct.release(p.footprint().bytes())
		p.appliedLocked(Change{Op: OpDelete, At: at})
	}
	p.mu.Unlock()
	if err != nil {
		return err
	}
	delete(ps, pid)
	if len(ps) == 0 {
		delete(r.customers, cid)
		delete(r.accounts, cid)
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
	return p.mergeFrom(o.copyState(), nil)
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
