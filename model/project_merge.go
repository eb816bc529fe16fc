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
// partition column. Atomic: on error p is unchanged.
func (p *Project) mergeFrom(src *projectState, commit Commit) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.retired {
		return p.errNotFound()
	}
	if p.frozen {
		return ErrFrozen
	}
	if p.typ == TypePartition && (src.typ != TypePartition || src.partitionColumn != p.partitionColumn) {
		what := "a cpu project"
		if src.typ == TypePartition {
			what = "a project partitioned on " + quote(src.partitionColumn)
		}
		return errorf("cannot merge %s into a project partitioned on %s", what, quote(p.partitionColumn))
	}
	to := make([]int, len(src.names))
	next := p.footprint()
	for i, name := range src.names {
		j, ok := p.index[name]
		if !ok {
			to[i] = -1
			next.d++
			next.names += attributeBytes(len(name), len(src.base[i]))
			continue
		}
		if p.kinds[j] != src.kinds[i] {
			return errorf("attribute %s is %v in this project and %v in the other", quote(name), p.kinds[j], src.kinds[i])
		}
		to[i] = j
	}
	if p.typ == TypePartition {
		for _, k := range src.partKeys {
			if p.parts[k] == nil {
				next.parts++
				next.names += partitionBytes(k)
			}
		}
	}
	growth, err := p.checkFootprint(next)
	if err != nil {
		return err
	}
	if p.total.n > maxRows-src.total.n {
		return errorf("the merged project would hold more than %d rows", maxRows)
	}
	at, err := p.commitGrowLocked(commit, growth)
	if err != nil {
		return err
	}
	for i, name := range src.names {
		if to[i] < 0 {
			to[i] = p.addAttribute(name, src.kinds[i], src.base[i])
		}
		j := to[i]
		p.min[j] = min(p.min[j], src.min[i])
		p.max[j] = max(p.max[j], src.max[i])
	}
	d := len(p.names)
	p.total.merge(src.total.permuted(d, to))
	if p.typ == TypePartition {
		for i, k := range src.partKeys {
			p.partition([]byte(k)).merge(src.parts[i].permuted(d, to))
		}
	}
	p.modified = at
	p.appliedLocked(Change{Op: OpMerge, At: at, Rows: src.total.n})
	return nil
}

// MergeStateWith folds the statistics encoded by another project's StateBinary into p, as
// Registry.Merge does, journaled by commit (see Commit). Decoding errors are *Error.
func (p *Project) MergeStateWith(state []byte, commit Commit) error {
	src, err := UnmarshalProject(state)
	if err != nil {
		return errorf("cannot merge: %v", err)
	}
	return p.mergeFrom(src.copyState(), commit)
}
