package model

// A customer's byte budget (Limits.MaxCustomerBytes) in a flow where a change is checked,
// then logged, then applied once durable: the budget depends on every project of the
// customer, so it cannot be judged when a change is applied (a replay would judge it
// against other projects than the live change did). It is an admission check instead,
// with a reservation:
//
//   - A Check method given a *Reservation (CheckRows, CheckDelta, CheckMerge, CheckModel;
//     Registry.ReserveProject for a create, an import or a restored project) records what
//     the change may add — new attribute names, new partition values, a model — as the
//     project's pending additions, and charges the customer's account the growth of the
//     project's ceiling: its footprint with every pending addition of every admitted
//     change. If the account would then hold more than MaxCustomerBytes the change is
//     refused (an *Error wrapping ErrCustomerTooLarge) and nothing is recorded.
//   - An Apply method never refuses for the budget: it applies the change under its own
//     limits and charges the account what the project's ceiling became (its footprint
//     changed).
//   - Release, once the change is applied or refused, or its record could not be made
//     durable, drops its pending additions: the account then holds the project's exact
//     footprint again, or less than before if others are still pending.
//
// The ceiling bounds the footprint the project can reach whatever the order in which the
// admitted changes are applied, and what each refuses: attributes and partitions are
// counted once per name whichever changes bring them, a model id at the largest of its
// current and pending sizes, and a partition a forget emptied while changes that may
// learn into it again are pending stays counted until none is. So an application never
// raises the ceiling (what it adds was pending or still counted), the account is never
// above MaxCustomerBytes because of admitted changes, and with nothing pending it is
// exactly the sum of the customer's footprints. A change applied that was never admitted
// here (a replay, a record from another node) is charged what it adds, unchecked.

// Reservation is a change's claim on its customer's byte budget, from the Check that
// admits it to its Release. The zero value holds nothing. It is owned by one goroutine
// and reusable after Release; its buffers are kept.
type Reservation struct {
	p     *Project // the changed project, or nil
	attrs []pendingAttr
	parts []string
	seen  map[string]struct{} // parts already listed
	model string
	size  int64 // of the model; 0: no model
	acct  *account
	bytes int64 // charged to acct directly: a project being made
}

// pendingAttr is an attribute a change may add and its charge (attributeBytes).
type pendingAttr struct {
	name  string
	bytes int64
}

// pending is what the admitted changes of a project may still add. Counts are per change
// bringing the name.
type pending struct {
	n      int // admitted changes holding a reservation on the project
	attrs  map[string]pendingCount
	parts  map[string]int
	models map[string][]int64 // model id → the sizes of its pending puts
	// gone are the partitions emptied by a forget while n > 0: a pending learn admitted
	// when they existed may make them again. Emptied when n is 0.
	gone map[string]struct{}
}

type pendingCount struct {
	n     int
	bytes int64
}

// Release gives back what r holds: the project's pending additions (its ceiling is then
// charged again), or the bytes of a project being made. Call it once the change is
// applied or refused, or was never logged. r can be reused afterwards.
func (r *Reservation) Release() {
	if p := r.p; p != nil {
		if r.empty() {
			p.releaseHold()
		} else {
			p.mu.RLock()
			p.resMu.Lock()
			p.pend.remove(r)
			p.rechargeLockedRes()
			p.resMu.Unlock()
			p.mu.RUnlock()
		}
	}
	r.acct.add(-r.bytes)
	r.reset()
}

// releaseHold ends a reservation that listed nothing (a learn into partitions that exist):
// the ceiling changes only when it was the last one pending and partitions emptied
// meanwhile stop counting.
func (p *Project) releaseHold() {
	p.resMu.Lock()
	p.pend.n--
	recount := p.pend.n == 0 && len(p.pend.gone) > 0
	if recount {
		clear(p.pend.gone)
	}
	p.resMu.Unlock()
	if recount {
		p.mu.RLock()
		p.resMu.Lock()
		p.rechargeLockedRes() // from the state as it is now, whatever happened meanwhile
		p.resMu.Unlock()
		p.mu.RUnlock()
	}
}

// maxKeptNames bounds the lists a reset Reservation keeps the buffers of.
const maxKeptNames = 1024

func (r *Reservation) reset() {
	r.p, r.acct, r.bytes = nil, nil, 0
	if len(r.attrs) > 0 {
		clear(r.attrs)
		r.attrs = r.attrs[:0]
	}
	if len(r.parts) > 0 {
		clear(r.parts)
		r.parts = r.parts[:0]
		clear(r.seen)
	}
	if cap(r.attrs) > maxKeptNames || cap(r.parts) > maxKeptNames {
		r.attrs, r.parts, r.seen = nil, nil, nil
	}
	r.model, r.size = "", 0
}

// addAttr lists attribute name (with base, for its charge) as a new one the change may
// add.
func (r *Reservation) addAttr(name string, baseLen int) {
	r.attrs = append(r.attrs, pendingAttr{name, attributeBytes(len(name), baseLen)})
}

// addPart lists partition value v as a new one the change may add, once.
func (r *Reservation) addPart(v []byte) {
	if _, ok := r.seen[string(v)]; !ok {
		r.addPartKey(string(v))
	}
}

// addPartKey lists partition value k, not listed yet.
func (r *Reservation) addPartKey(k string) {
	if r.seen == nil {
		r.seen = make(map[string]struct{})
	}
	r.seen[k] = struct{}{}
	r.parts = append(r.parts, k)
}

// setModel lists the model of id and size the change publishes.
func (r *Reservation) setModel(id string, size int64) { r.model, r.size = id, size }

// empty reports whether the change adds nothing the ceiling counts.
func (r *Reservation) empty() bool { return len(r.attrs) == 0 && len(r.parts) == 0 && r.size == 0 }

func (q *pending) add(r *Reservation) {
	q.n++
	for _, a := range r.attrs {
		if q.attrs == nil {
			q.attrs = make(map[string]pendingCount)
		}
		c := q.attrs[a.name]
		q.attrs[a.name] = pendingCount{c.n + 1, a.bytes}
	}
	for _, k := range r.parts {
		if q.parts == nil {
			q.parts = make(map[string]int)
		}
		q.parts[k]++
	}
	if r.size > 0 {
		if q.models == nil {
			q.models = make(map[string][]int64)
		}
		q.models[r.model] = append(q.models[r.model], r.size)
	}
}

func (q *pending) remove(r *Reservation) {
	if q.n--; q.n == 0 {
		clear(q.gone)
	}
	for _, a := range r.attrs {
		if c := q.attrs[a.name]; c.n > 1 {
			q.attrs[a.name] = pendingCount{c.n - 1, c.bytes}
		} else {
			delete(q.attrs, a.name)
		}
	}
	for _, k := range r.parts {
		if q.parts[k] > 1 {
			q.parts[k]--
		} else {
			delete(q.parts, k)
		}
	}
	if r.size > 0 {
		sizes := q.models[r.model]
		for i, s := range sizes {
			if s == r.size {
				sizes = append(sizes[:i], sizes[i+1:]...)
				break
			}
		}
		if len(sizes) == 0 {
			delete(q.models, r.model)
		} else {
			q.models[r.model] = sizes
		}
	}
}

// ceilingLocked is the largest footprint p can reach with its pending additions, in
// bytes: 0 once p is deleted (it holds nothing on its customer's account). Caller holds mu
// (for reading at least) and resMu.
func (p *Project) ceilingLocked() int64 {
	if p.retired {
		return 0
	}
	fp := p.footprint()
	for name, c := range p.pend.attrs {
		if _, ok := p.index[name]; !ok {
			fp.d++
			fp.names += c.bytes
		}
	}
	if p.typ == TypePartition {
		for k := range p.pend.parts {
			if p.parts[k] == nil {
				fp.parts++
				fp.names += partitionBytes(k)
			}
		}
		for k := range p.pend.gone {
			if _, listed := p.pend.parts[k]; !listed && p.parts[k] == nil {
				fp.parts++
				fp.names += partitionBytes(k)
			}
		}
	}
	for id, sizes := range p.pend.models {
		var cur int64
		if m := p.models[id]; m != nil { // models change only under mu held for writing
			cur = m.size
		}
		top := cur
		for _, s := range sizes {
			top = max(top, s)
		}
		fp.models += top - cur
	}
	return fp.bytes()
}

// rechargeLocked charges p's customer what p's ceiling became after a change was
// applied, whatever the limit. Caller holds mu for writing.
func (p *Project) rechargeLocked() {
	p.resMu.Lock()
	p.rechargeLockedRes()
	p.resMu.Unlock()
}

// rechargeLockedRes is rechargeLocked for a caller holding mu and resMu.
func (p *Project) rechargeLockedRes() {
	c := p.ceilingLocked()
	p.acct.add(c - p.charged)
	p.charged = c
}

// partitionDropped notes that partition k was emptied and deleted: while admitted changes
// are pending, one of them may make it again, so the ceiling keeps counting it. Caller
// holds mu for writing.
func (p *Project) partitionDropped(k string) {
	p.resMu.Lock()
	defer p.resMu.Unlock()
	if p.pend.n > 0 {
		if p.pend.gone == nil {
			p.pend.gone = make(map[string]struct{})
		}
		p.pend.gone[k] = struct{}{}
	}
}

// reserveLocked admits the change whose additions res lists (a Check method filled it):
// it makes them pending and charges the customer the growth of p's ceiling, or refuses
// the change (an *Error wrapping ErrCustomerTooLarge) when the account would then hold
// more than maxCustomer, changing nothing. A res listing nothing holds nothing, unless
// hold: a change that may learn into a partition that exists now (and that a forget may
// empty before it is applied) is pending all the same. Caller holds mu (for reading at
// least).
func (p *Project) reserveLocked(res *Reservation, maxCustomer int64, hold bool) error {
	if res.empty() {
		if hold { // pending, adding nothing to the ceiling
			p.resMu.Lock()
			p.pend.n++
			p.resMu.Unlock()
			res.p = p
			return nil
		}
		res.reset()
		return nil
	}
	p.resMu.Lock()
	defer p.resMu.Unlock()
	p.pend.add(res)
	c := p.ceilingLocked()
	if grow := c - p.charged; grow > 0 {
		if used, limit, ok := p.acct.reserve(grow, maxCustomer); !ok {
			p.pend.remove(res)
			res.reset()
			return customerTooLarge(used+grow, limit)
		}
	} else {
		p.acct.add(grow)
	}
	p.charged = c
	res.p = p
	return nil
}

// withPending is p's footprint with the attributes and partitions res lists, new to p.
// Caller holds mu.
func (p *Project) withPending(res *Reservation) footprint {
	fp := p.footprint()
	fp.d += len(res.attrs)
	for _, a := range res.attrs {
		fp.names += a.bytes
	}
	fp.parts += len(res.parts)
	for _, k := range res.parts {
		fp.names += partitionBytes(k)
	}
	return fp
}

// customerTooLarge is the refusal of a change that would take its customer's account to
// bytes, past limit.
func customerTooLarge(bytes, limit int64) error {
	return wrapf(ErrCustomerTooLarge, "the customer's projects would take %d bytes; the limit is %d", bytes, limit)
}

// Charged is what p holds on its customer's account: its footprint (Bytes), plus what the
// changes admitted and not yet applied may add to it.
func (p *Project) Charged() int64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	p.resMu.Lock()
	defer p.resMu.Unlock()
	return p.charged
}
