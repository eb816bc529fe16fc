package model

import "github.com/symscore/symscore/dataframe"

// Snapshot returns a consistent copy of the project's statistics: it copies the raw
// summaries under the read lock (never a half-applied message) and extracts the moments
// after releasing it, so writers wait only for the copy. Names, Kinds and Base share the
// project's append-only arrays: do not modify them.
func (p *Project) Snapshot() *Snapshot {
	p.mu.RLock()
	d := len(p.names)
	s := &Snapshot{
		Type:            p.typ,
		Names:           p.names[:d:d],
		Kinds:           p.kinds[:d:d],
		Base:            p.base[:d:d],
		PartitionColumn: p.partitionColumn,
		Min:             append([]float64(nil), p.min...),
		Max:             append([]float64(nil), p.max...),
		maxNameBytes:    p.lim.nameBytes(),
		work:            newWorkBudget(p.lim.maxExploreWork.Load()),
	}
	total := p.total.clone()
	var parts []*summary
	if p.typ == TypePartition {
		s.Partitions = make([]Partition, len(p.partKeys))
		parts = make([]*summary, len(p.partKeys))
		for i, k := range p.partKeys {
			s.Partitions[i].Value = k
			parts[i] = p.parts[k].clone()
		}
	}
	p.mu.RUnlock()
	s.Total = total.moments()
	for i, ps := range parts {
		s.Partitions[i].Moments = ps.moments()
	}
	return s
}

// Attributes returns the project's attribute names and kinds (copies).
func (p *Project) Attributes() (names []string, kinds []dataframe.Type) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return append([]string(nil), p.names...), append([]dataframe.Type(nil), p.kinds...)
}
