package model

// ApplyDelta learns (sign 1) or forgets (sign −1) the rows summarised by d, in one merge
// of its summaries (per partition too in a partition project; a cpu project takes its
// total), under the limits lim, as the change stamped st (see Stamp): all of them or, on
// error, none. The refusals are those of ApplyRows for the same rows: a deleted
// (ErrProjectNotFound) or frozen (ErrFrozen) project, column kinds, the limits (new
// attributes, attributes, partitions, statistics memory), forgetting more rows than the
// project or a partition holds (ErrNegativeCount), forgetting non-zero values of an
// attribute the project never learned, a partition project given a delta without
// partitions (or a cpu project one with them). Learning also widens the attributes'
// extremes to d's. A delta without rows changes nothing (Seq included). The names it adds
// count in the project's bytes as a learn's do, and what it grows or shrinks the project
// by is charged to the customer (project_budget.go).
func (p *Project) ApplyDelta(d *Delta, sign int, lim Limits, st Stamp) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	to, err := p.checkDeltaLocked(d, sign, lim.Resolved(), nil)
	if err != nil || d.total.n == 0 {
		return err
	}
	at := p.stampLocked(st)
	before := p.footprint()
	sc := &p.sc
	rowsBefore, added := p.total.n, len(p.names)
	for i := range d.names {
		if to[i] == -1 && sign > 0 {
			to[i] = p.addAttribute(d.names[i], d.kinds[i], d.base[i])
		}
	}
	dim := len(p.names)
	d.total.permutedInto(&sc.perm, dim, to)
	p.total.mergeSigned(&sc.perm, sign, &sc.merge)
	if p.typ == TypePartition {
		for _, k := range d.partKeys {
			d.parts[k].permutedInto(&sc.perm, dim, to)
			p.partition([]byte(k)).mergeSigned(&sc.perm, sign, &sc.merge)
		}
	}
	if sign > 0 {
		for i, j := range to {
			p.min[j], p.max[j] = min(p.min[j], d.min[i]), max(p.max[j], d.max[i])
		}
		sc.carried = widenToZero(p.min, p.max, to, added, rowsBefore, d.total.n, sc.carried)
	} else {
		p.afterForget()
	}
	p.touchLocked(at)
	if p.footprint() != before {
		p.rechargeLocked() // else the ceiling is what it was
	}
	p.appliedLocked(Change{Op: learnOp(sign), At: at, Rows: d.total.n})
	return nil
}

// CheckDelta is ApplyDelta's refusal as seen now, changing nothing. With res not nil, a
// learn that passes is also admitted to its customer's byte budget, as CheckRows does.
func (p *Project) CheckDelta(d *Delta, sign int, lim Limits, res *Reservation) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	var tmp Reservation
	if res == nil {
		res = &tmp
	}
	res.reset()
	lim = lim.Resolved()
	if _, err := p.checkDeltaLocked(d, sign, lim, res); err != nil || res == &tmp {
		res.reset()
		return err
	}
	return p.reserveLocked(res, lim.MaxCustomerBytes, sign > 0 && p.typ == TypePartition && d.total.n > 0)
}

// checkDeltaLocked checks ApplyDelta's change under lim (resolved) and returns where d's
// columns go: an attribute, −1 for a new one (learn), −2 for one left out (forget: all
// zeros). Without res, mu is held for writing and the project's scratch is used (and
// returned); with res (CheckDelta), mu may be held for reading only, nothing is written
// and res lists the attributes and partitions the change may add. Caller holds mu.
func (p *Project) checkDeltaLocked(d *Delta, sign int, lim Limits, res *Reservation) ([]int, error) {
	write := res == nil
	if err := p.changeableLocked(); err != nil {
		return nil, err
	}
	if d.total.n == 0 {
		return nil, nil
	}
	switch {
	case p.typ == TypePartition && !d.partitioned:
		return nil, errorf("the DataFrame has no partition column %s", quote(p.partitionColumn))
	case p.typ != TypePartition && d.partitioned:
		return nil, errorf("the delta has partitions; project %s is not partitioned", quote(p.id))
	}
	var to []int
	if write {
		p.sc.col = p.sc.col[:0]
		to = p.sc.col
	}
	added := 0
	grown := p.footprint()
	for i, name := range d.names {
		j, ok := p.index[name]
		switch {
		case ok && p.kinds[j] != d.kinds[i]:
			return nil, errorf("attribute %s is %v in the project; the DataFrame sends it as %v", quote(p.names[j]), p.kinds[j], d.kinds[i])
		case ok:
		case sign > 0:
			j = -1
			added++
			grown.d++
			grown.names += attributeBytes(len(name), len(d.base[i]))
			if !write {
				res.addAttr(name, len(d.base[i]))
			}
		case d.min[i] != 0 || d.max[i] != 0:
			return nil, errorf("cannot forget attribute %s: the project has never learned it", quote(name))
		default:
			j = -2
		}
		if write {
			to = append(to, j)
		}
	}
	if write {
		p.sc.col = to
	}
	if added > 0 {
		if err := lim.checkNew(added); err != nil {
			return nil, err
		}
	}
	if err := p.checkTotal(d.total.n, sign); err != nil {
		return nil, err
	}
	newParts := 0
	if p.typ == TypePartition {
		for _, k := range d.partKeys {
			s := p.parts[k]
			switch {
			case s != nil && sign < 0 && d.parts[k].n > s.n:
				return nil, wrapf(ErrNegativeCount, "cannot forget %d rows of a partition that holds %d", d.parts[k].n, s.n)
			case s == nil && sign < 0:
				return nil, wrapf(ErrNegativeCount, "cannot forget rows of partition %s: it holds none", quote(k))
			case s == nil:
				newParts++
				grown.parts++
				grown.names += partitionBytes(k)
				if !write {
					res.addPartKey(k) // d.partKeys are distinct
				}
			}
		}
	}
	if added > 0 || newParts > 0 {
		if err := lim.check(grown); err != nil {
			return nil, err
		}
	}
	return to, nil
}
