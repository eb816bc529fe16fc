package model

import "github.com/symscore/symscore/dataframe"

// projectState is a deep copy of a project's statistics, taken under its read lock.
type projectState struct {
	typ, partitionColumn string
	names                []string
	kinds                []dataframe.Type
	base                 []string
	min, max             []float64
	total                *summary
	partKeys             []string
	parts                []*summary
}

func (p *Project) copyState() *projectState {
	p.mu.RLock()
	defer p.mu.RUnlock()
	st := &projectState{
		typ:             p.typ,
		partitionColumn: p.partitionColumn,
		names:           append([]string(nil), p.names...),
		kinds:           append([]dataframe.Type(nil), p.kinds...),
		base:            append([]string(nil), p.base...),
		min:             append([]float64(nil), p.min...),
		max:             append([]float64(nil), p.max...),
		total:           p.total.clone(),
		partKeys:        append([]string(nil), p.partKeys...),
	}
	for _, k := range p.partKeys {
		st.parts = append(st.parts, p.parts[k].clone())
	}
	return st
}

// mergeFrom folds another project's statistics into p: attributes p lacks join it (its
// earlier rows count as 0 for them), the total summaries merge, and in a partition project
// each partition merges into the partition of the same value. A cpu project takes the
// total of any project; a partition project takes only a partition project with the same
// partition column. Atomic: on error p is unchanged. What it grows the project by is
// charged to the customer (project_budget.go).
func (p *Project) mergeFrom(src *projectState, lim Limits, st Stamp) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	to, err := p.checkMergeLocked(src, lim, nil)
	if err != nil {
		return err
	}
	at := p.stampLocked(st)
	rowsBefore, added := p.total.n, len(p.names)
	for i, name := range src.names {
		if to[i] < 0 {
			to[i] = p.addAttribute(name, src.kinds[i], src.base[i])
		}
		j := to[i]
		p.min[j] = min(p.min[j], src.min[i])
		p.max[j] = max(p.max[j], src.max[i])
	}
	d := len(p.names)
	sc := &p.sc
	sc.carried = widenToZero(p.min, p.max, to, added, rowsBefore, src.total.n, sc.carried)
	src.total.permutedInto(&sc.perm, d, to)
	p.total.mergeSigned(&sc.perm, 1, &sc.merge)
	if p.typ == TypePartition {
		for i, k := range src.partKeys {
			src.parts[i].permutedInto(&sc.perm, d, to)
			p.partition([]byte(k)).mergeSigned(&sc.perm, 1, &sc.merge)
		}
	}
	p.touchLocked(at)
	p.rechargeLocked()
	p.appliedLocked(Change{Op: OpMerge, At: at, Rows: src.total.n})
	return nil
}

// checkMergeLocked checks a merge of src into p and returns where src's attributes go (−1:
// new); with res, it lists there the attributes and partitions the merge may add. Caller
// holds mu.
func (p *Project) checkMergeLocked(src *projectState, lim Limits, res *Reservation) ([]int, error) {
	if err := p.changeableLocked(); err != nil {
		return nil, err
	}
	if p.typ == TypePartition && (src.typ != TypePartition || src.partitionColumn != p.partitionColumn) {
		what := "a cpu project"
		if src.typ == TypePartition {
			what = "a project partitioned on " + quote(src.partitionColumn)
		}
		return nil, errorf("cannot merge %s into a project partitioned on %s", what, quote(p.partitionColumn))
	}
	to := make([]int, len(src.names))
	next := p.footprint()
	for i, name := range src.names {
		j, ok := p.index[name]
		if !ok {
			to[i] = -1
			next.d++
			next.names += attributeBytes(len(name), len(src.base[i]))
			if res != nil {
				res.addAttr(name, len(src.base[i]))
			}
			continue
		}
		if p.kinds[j] != src.kinds[i] {
			return nil, errorf("attribute %s is %v in this project and %v in the other", quote(name), p.kinds[j], src.kinds[i])
		}
		to[i] = j
	}
	if p.typ == TypePartition {
		for _, k := range src.partKeys {
			if p.parts[k] == nil {
				next.parts++
				next.names += partitionBytes(k)
				if res != nil {
					res.addPartKey(k) // src.partKeys are distinct
				}
			}
		}
	}
	if err := lim.Resolved().check(next); err != nil {
		return nil, err
	}
	if p.total.n > maxRows-src.total.n {
		return nil, errorf("the merged project would hold more than %d rows", maxRows)
	}
	return to, nil
}

// ApplyMerge folds the statistics encoded by another project's StateBinary into p, as
// Registry.Merge does, under the limits lim, as the change stamped st (see Stamp).
// Decoding errors are *Error. It never refuses for the customer's budget (CheckMerge's).
func (p *Project) ApplyMerge(state []byte, lim Limits, st Stamp) error {
	src, err := decodeMergeState(state)
	if err != nil {
		return err
	}
	return p.mergeFrom(src, lim, st)
}

// CheckMerge is ApplyMerge's refusal as seen now, changing nothing. With res not nil, a
// merge that passes is also admitted to its customer's byte budget, as CheckRows does.
func (p *Project) CheckMerge(state []byte, lim Limits, res *Reservation) error {
	src, err := decodeMergeState(state)
	if err != nil {
		return err
	}
	return p.checkMerge(src, lim, res)
}

// checkMerge is CheckMerge of the decoded src.
func (p *Project) checkMerge(src *projectState, lim Limits, res *Reservation) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if res != nil {
		res.reset()
	}
	if _, err := p.checkMergeLocked(src, lim, res); err != nil || res == nil {
		if res != nil {
			res.reset()
		}
		return err
	}
	return p.reserveLocked(res, lim.Resolved().MaxCustomerBytes, p.typ == TypePartition)
}

func decodeMergeState(state []byte) (*projectState, error) {
	src, err := UnmarshalProject(state)
	if err != nil {
		return nil, errorf("cannot merge: %v", err)
	}
	return src.copyState(), nil
}
