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
// Each customer has an account of the bytes its projects are charged for (Bytes), bounded
// by Limits.MaxCustomerBytes when a change is admitted: a Check method given a Reservation
// (ReserveProject for a new project) reserves what the change may add before it is
// logged, so that concurrent changes of several projects never take the customer past the
// limit; the Apply methods charge what they actually did, unchecked; what a forget, a
// model delete or a project delete frees goes back to it (project_budget.go).
type Registry struct {
	lim *limits

	mu        sync.RWMutex // guards customers and accounts (and the maps they hold)
	customers map[string]map[string]*Project
	accounts  map[string]*account // per customer with projects or reservations
}

// NewRegistry makes an empty registry with the default Limits.
func NewRegistry() *Registry {
	return &Registry{lim: newLimits(Limits{}), customers: make(map[string]map[string]*Project),
		accounts: make(map[string]*account)}
}

// SetLimits changes the limits of every project of the registry, present and future.
// They apply to the next change admitted; nothing already held is dropped.
func (r *Registry) SetLimits(l Limits) { r.lim.set(l) }

// Limits returns the limits in force, resolved (no zero field).
func (r *Registry) Limits() Limits { return r.lim.get() }

// Create makes the project pid of customer cid. typ is "cpu" ("" = cpu) or "partition"
// (params["partitionSplit"] names the partition column). Errors: ErrProjectExists; *Error
// for a bad id (CheckProjectID), an unsupported type, a missing or bad partitionSplit, or
// a limit (wrapping ErrTooManyProjects or ErrCustomerTooLarge). It is NewProject,
// CheckNewProject, ReserveProject and ApplyCreate, unjournaled.
func (r *Registry) Create(cid, pid, typ string, params map[string]string) (*Project, error) {
	if _, err := r.NewProject(pid, typ, params); err != nil {
		return nil, err
	}
	if err := r.CheckNewProject(cid, pid, 0); err != nil {
		return nil, err
	}
	var res Reservation
	if err := r.ReserveProject(cid, pid, typ, params, &res); err != nil {
		return nil, err
	}
	defer res.Release()
	return r.ApplyCreate(cid, pid, typ, params, Stamp{})
}

// NewProject makes the empty project pid, judging its id and partition column by the
// registry's limits (Limits.MaxNameBytes; nothing with Limits.LegacyNames), without
// registering it: what a create is checked with before it is logged. Errors are those of
// Create about the id, type and parameters.
func (r *Registry) NewProject(pid, typ string, params map[string]string) (*Project, error) {
	return newProject(pid, typ, params, r.lim.get())
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

// ReserveProject admits a new empty project pid (typ, params as for Create) to customer
// cid's byte budget (Limits.MaxCustomerBytes): it reserves the project's bytes on the
// customer's account until res.Release, which the caller owes once the create is applied
// or given up (ApplyCreate charges the project itself). Past the budget it refuses (an
// *Error wrapping ErrCustomerTooLarge) and holds nothing. res must hold nothing.
func (r *Registry) ReserveProject(cid, pid, typ string, params map[string]string, res *Reservation) error {
	p, err := newProject(pid, typ, params, Limits{LegacyNames: true})
	if err != nil {
		return err
	}
	return r.reserveBytes(cid, p.Bytes(), res)
}

// ReserveImport is ReserveProject for an import of p (DecodeImport): its bytes, models
// included.
func (r *Registry) ReserveImport(cid string, p *Project, res *Reservation) error {
	return r.reserveBytes(cid, p.Bytes(), res)
}

// reserveBytes reserves n bytes on cid's account for res. The account is made if need be
// and kept while it holds anything, under mu, so that a reservation and the registration
// of the project it is for meet the same account.
func (r *Registry) reserveBytes(cid string, n int64, res *Reservation) error {
	if cid == "" {
		return errorf("customer id is empty")
	}
	res.reset()
	r.mu.Lock()
	defer r.mu.Unlock()
	acct := r.accounts[cid]
	if acct == nil {
		acct = new(account)
	}
	used, limit, ok := acct.reserve(n, r.lim.maxCustomerBytes.Load())
	if !ok {
		return customerTooLarge(used+n, limit)
	}
	r.accounts[cid] = acct
	res.acct, res.bytes = acct, n
	return nil
}

// ApplyCreate makes the project pid of customer cid, as the change stamped st (see Stamp):
// its creation date is st.At. Errors: ErrProjectExists; *Error for an unsupported type or
// a missing partitionSplit. It judges neither names (NewProject does) nor
// Limits.MaxProjects (CheckNewProject) nor the customer's budget (ReserveProject); the
// project's bytes are charged to the customer.
func (r *Registry) ApplyCreate(cid, pid, typ string, params map[string]string, st Stamp) (*Project, error) {
	if cid == "" {
		return nil, errorf("customer id is empty")
	}
	p, err := newProject(pid, typ, params, Limits{LegacyNames: true})
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
// its id, an *Error wrapping ErrTooManyProjects past Limits.MaxProjects or
// ErrCustomerTooLarge past Limits.MaxCustomerBytes. Its dates are kept.
func (r *Registry) Add(cid string, p *Project) error {
	var res Reservation
	if err := r.reserveBytes(cid, p.Bytes(), &res); err != nil {
		return err
	}
	defer res.Release()
	return r.add(cid, p, Stamp{}, false, true)
}

// add registers p, stamped st, and charges its bytes to the customer's account; create
// sets its dates to the time of the change.
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
	acct := r.accounts[cid]
	if acct == nil {
		acct = new(account)
		r.accounts[cid] = acct
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	at := p.stampLocked(st)
	if create {
		p.created, p.modified = at, at
	}
	p.lim, p.acct = r.lim, acct
	p.rechargeLocked()
	ps := r.customers[cid]
	if ps == nil {
		ps = make(map[string]*Project)
		r.customers[cid] = ps
	}
	ps[p.id] = p
	return nil
}

// CustomerBytes is what customer cid's projects are charged for together (see
// Limits.MaxCustomerBytes): their bytes, plus what the changes admitted and not yet
// applied may add.
func (r *Registry) CustomerBytes(cid string) int64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if a := r.accounts[cid]; a != nil {
		return a.used.Load()
	}
	return 0
}

// DecodeImport decodes data written by MarshalBinary (export) as project pid and checks it
// against lim: its id, names, partition values and model ids follow package ident's rules
// as those a client sends any other way (unless lim.LegacyNames), and it counts against
// the project limits (attributes, partitions, bytes, models). What an import is checked
// with before it is logged. Errors are *Error.
func DecodeImport(pid string, data []byte, lim Limits) (*Project, error) {
	lim = lim.Resolved()
	if !lim.LegacyNames {
		if err := CheckProjectID(pid, lim.MaxNameBytes); err != nil {
			return nil, err
		}
	}
	p, err := decodeImport(pid, data)
	if err != nil {
		return nil, err
	}
	if !lim.LegacyNames {
		if err := checkImportedNames(p, lim.MaxNameBytes); err != nil {
			return nil, errorf("cannot import project %s: %v", quote(pid), err)
		}
	}
	if err := checkImportLimits(p, lim); err != nil {
		return nil, err
	}
	return p, nil
}

// decodeImport decodes data as project pid, judging nothing but the encoding.
func decodeImport(pid string, data []byte) (*Project, error) {
	p, err := UnmarshalProject(data)
	if err != nil {
		return nil, errorf("cannot import project %s: %v", quote(pid), err)
	}
	p.id = pid
	return p, nil
}

// checkImportLimits refuses an imported project p past the project limits lim (resolved).
func checkImportLimits(p *Project, lim Limits) error {
	if err := lim.check(p.footprint()); err != nil {
		return err
	}
	if m := lim.MaxModels; len(p.models) > m {
		return wrapf(ErrTooManyModels, "the project has %d models; the limit is %d", len(p.models), m)
	}
	return nil
}

// checkImportedNames refuses a decoded project holding a name, a partition value or a
// model id that package ident refuses. p is not shared yet.
func checkImportedNames(p *Project, max int) error {
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

// ApplyImport registers under cid, as project pid, the project encoded in data by
// MarshalBinary (export), checked against the project limits lim, as the change stamped st
// (see Stamp); its dates are the exported ones, its bytes are charged to the customer.
// Errors: ErrProjectExists; those of DecodeImport but about names. It judges neither names
// (DecodeImport does) nor Limits.MaxProjects (CheckNewProject) nor the customer's budget
// (ReserveImport).
func (r *Registry) ApplyImport(cid, pid string, data []byte, lim Limits, st Stamp) (*Project, error) {
	p, err := decodeImport(pid, data)
	if err != nil {
		return nil, err
	}
	if err := checkImportLimits(p, lim.Resolved()); err != nil {
		return nil, err
	}
	if err := r.add(cid, p, st, false, false); err != nil {
		return nil, err
	}
	return p, nil
}

// Import registers under cid, as project pid, the project encoded in data by MarshalBinary
// (export), under the registry's limits: DecodeImport, CheckNewProject, ReserveImport and
// ApplyImport's registration, unjournaled. Errors: those of DecodeImport, ErrProjectExists,
// and *Error wrapping ErrTooManyProjects or ErrCustomerTooLarge.
func (r *Registry) Import(cid, pid string, data []byte) (*Project, error) {
	p, err := DecodeImport(pid, data, r.lim.get())
	if err != nil {
		return nil, err
	}
	if err := r.CheckNewProject(cid, pid, 0); err != nil {
		return nil, err
	}
	var res Reservation
	if err := r.ReserveImport(cid, p, &res); err != nil {
		return nil, err
	}
	defer res.Release()
	if err := r.add(cid, p, Stamp{}, false, false); err != nil {
		return nil, err
	}
	return p, nil
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
func (r *Registry) Delete(cid, pid string) error { return r.ApplyDelete(cid, pid, Stamp{}) }

// ApplyDelete is Delete as the change stamped st (see Stamp). The project is retired under
// its own lock, after any change in progress, and its bytes go back to the customer: a
// *Project obtained earlier stays readable, and every later change to it is refused with
// ErrProjectNotFound (a *NotFoundError naming it).
func (r *Registry) ApplyDelete(cid, pid string, st Stamp) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	ps := r.customers[cid]
	p, ok := ps[pid]
	if !ok {
		return projectNotFound(pid)
	}
	p.mu.Lock()
	at := p.stampLocked(st)
	p.retired = true
	p.look.retired()
	p.rechargeLocked() // a retired project's ceiling is 0
	p.appliedLocked(Change{Op: OpDelete, At: at})
	p.mu.Unlock()
	delete(ps, pid)
	if len(ps) == 0 {
		delete(r.customers, cid)
		if a := r.accounts[cid]; a != nil && a.used.Load() == 0 {
			delete(r.accounts, cid) // no reservation refers to it (it would hold bytes)
		}
	}
	return nil
}

// Merge folds the statistics of cid's project otherPid into cid's project pid (the other
// project is unchanged; models are not merged). The other project's state is copied under
// its read lock, which is released before pid is locked, so concurrent merges in both
// directions cannot deadlock. Errors: ErrProjectNotFound, ErrFrozen (pid frozen), *Error
// (merging a project into itself, incompatible types or attribute kinds, limits, the
// customer's budget). It is CheckMerge (with a Reservation) and ApplyMerge, unjournaled.
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
	src, lim := o.copyState(), p.lim.get()
	var res Reservation
	if err := p.checkMerge(src, lim, &res); err != nil {
		return err
	}
	defer res.Release()
	return p.mergeFrom(src, lim, Stamp{})
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
