package model

import (
	"sync/atomic"
	"time"

	"github.com/symscore/symscore/dataframe"
)

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

// checkFootprint refuses a change that would leave p with footprint next past its
// limits, and returns the growth to charge its customer (commitGrowLocked). Caller holds
// mu.
func (p *Project) checkFootprint(next footprint) (growth int64, err error) {
	if err := p.lim.check(next); err != nil {
		return 0, err
	}
	return next.bytes() - p.footprint().bytes(), nil
}

// checkGrowth refuses a learn that would take p past its limits with the frame columns
// sc.newCols as new attributes and, with parts, the partition values sc.newParts, and
// keeps its growth in p.growth for commitGrowLocked. Caller holds mu.
func (p *Project) checkGrowth(f *dataframe.Frame, parts bool) error {
	sc := &p.sc
	next := p.footprint()
	next.d += len(sc.newCols)
	for _, c := range sc.newCols {
		base := 0
		if b := f.Base[c]; b >= 0 && b < len(f.SourceNames) {
			base = len(f.SourceNames[b])
		}
		next.names += attributeBytes(len(f.Names[c]), base)
	}
	if parts {
		next.parts += len(sc.newParts)
		for k := range sc.newParts {
			next.names += partitionBytes(k)
		}
	}
	growth, err := p.checkFootprint(next)
	p.growth = growth
	return err
}

// commitGrowLocked is commitLocked for a change that grows p by growth bytes: it charges
// them to the customer's account first, refusing the change (an *Error wrapping
// ErrCustomerTooLarge) when they do not fit Limits.MaxCustomerBytes, and gives them back
// if the commit fails. The change must then grow p by exactly growth. Caller holds mu.
func (p *Project) commitGrowLocked(commit Commit, growth int64) (time.Time, error) {
	if p.retired {
		return time.Time{}, p.errNotFound()
	}
	if growth > 0 {
		if used, max, ok := p.acct.reserve(growth, p.lim.maxCustomerBytes.Load()); !ok {
			return time.Time{}, wrapf(ErrCustomerTooLarge, "the customer's projects would take %d bytes; the limit is %d", used+growth, max)
		}
	}
	at, err := p.commitLocked(commit)
	if err != nil && growth > 0 {
		p.acct.release(growth)
	}
	return at, err
}

// shrunk gives back to the customer what p no longer holds since its footprint was
// before. Caller holds mu.
func (p *Project) shrunk(before footprint) {
	if d := before.bytes() - p.footprint().bytes(); d > 0 {
		p.acct.release(d)
	}
}

// account is the memory a customer's projects are charged for (Limits.MaxCustomerBytes).
// A project outside a registry has none (nil): nothing is charged. Safe for concurrent
// use.
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

// release gives back n bytes.
func (a *account) release(n int64) {
	if a != nil {
		a.used.Add(-n)
	}
}
