package model

import "sync/atomic"

// What a project is charged for (Limits.MaxStateBytes, and its customer's
// Limits.MaxCustomerBytes): about the memory it holds, and never less than its encoding
// (a snapshot, an export before Base64) takes:
//
//	projectOverhead + len(id) + len(partitionColumn)
//	+ (1 + partitions) · summaryBytes(d)                      statistics
//	+ Σ attributes (attributeOverhead + len(name) + len(base))
//	+ Σ partitions (partitionOverhead + len(value))
//	+ Σ models (modelOverhead + the length of its encoding)
const (
	projectOverhead   = 1024 // the structure, its maps, dates and encoding header
	attributeOverhead = 64   // slice entries, index entry, min and max, encoding
	partitionOverhead = 64   // map and key entries, encoding
	modelOverhead     = 1024 // structure, derived outputs and input map
)

// summaryBytes is the memory of one summary of d attributes.
func summaryBytes(d int) int64 { return 16*int64(packedLen(d)) + 40*int64(d) }

// footprint is what a project holds, as the limits count it.
type footprint struct {
	d, parts int
	fixed    int64 // projectOverhead + len(id) + len(partitionColumn)
	names    int64 // the attribute and partition terms above
	models   int64 // the model terms above
}

// bytes is the footprint's charge.
func (f footprint) bytes() int64 {
	return f.fixed + int64(1+f.parts)*summaryBytes(f.d) + f.names + f.models
}

// attributeBytes is the charge of one attribute's names, of lengths name and base.
func attributeBytes(name, base int) int64 { return attributeOverhead + int64(name+base) }

// partitionBytes is the charge of one partition value (its summary apart).
func partitionBytes(value string) int64 { return partitionOverhead + int64(len(value)) }

// footprint returns what p holds now. Caller holds mu.
func (p *Project) footprint() footprint {
	return footprint{d: len(p.names), parts: len(p.parts),
		fixed: projectOverhead + int64(len(p.id)+len(p.partitionColumn)), names: p.nameBytes, models: p.modelBytes}
}

// recount sets nameBytes and modelBytes from the state (after decoding). Caller holds mu
// for writing or owns p.
func (p *Project) recount() { p.nameBytes, p.modelBytes = p.counted() }

// counted computes the footprint's name and model terms from the state. Caller holds mu.
func (p *Project) counted() (names, models int64) {
	for i, name := range p.names {
		names += attributeBytes(len(name), len(p.base[i]))
	}
	for _, k := range p.partKeys {
		names += partitionBytes(k)
	}
	p.modelsMu.RLock()
	for _, m := range p.models {
		models += m.size
	}
	p.modelsMu.RUnlock()
	return names, models
}

// Bytes is what the project is charged for (Limits.MaxStateBytes): its statistics,
// names, partition values and models.
func (p *Project) Bytes() int64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.footprint().bytes()
}

// account is the memory a customer's projects are charged for (Limits.MaxCustomerBytes):
// the sum of their charges (project_budget.go) and of the reservations of the creates and
// imports admitted and not yet applied. A project outside a registry has none (nil):
// nothing is charged. Safe for concurrent use.
type account struct {
	used atomic.Int64
}

// reserve charges n bytes unless the account would then hold more than max; it returns
// what the account held and whether n was charged.
func (a *account) reserve(n, max int64) (used, limit int64, ok bool) {
	if a == nil {
		return 0, max, true
	}
	for {
		used = a.used.Load()
		if used+n > max {
			return used, max, false
		}
		if a.used.CompareAndSwap(used, used+n) {
			return used, max, true
		}
	}
}

// add charges n bytes (n < 0: gives −n back) whatever the limit: what a change applied
// grew or shrank a project by.
func (a *account) add(n int64) {
	if a != nil && n != 0 {
		a.used.Add(n)
	}
}
