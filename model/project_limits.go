package model

import (
	"math"
	"sync/atomic"

	"github.com/symscore/symscore/ident"
)

// Limits bound what clients can make a project, and a customer, hold. Zero fields mean
// the defaults.
type Limits struct {
	// MaxAttributes bounds a project's attributes (T expansion included).
	MaxAttributes int
	// MaxPartitions bounds the partitions of a partition project.
	MaxPartitions int
	// MaxStateBytes bounds a project's memory as ProjectBytes counts it: its statistics,
	// about (1 + partitions) · (16·d(d+1)/2 + 40·d) bytes for d attributes, plus its
	// names, partition values and models. Its encoding (a snapshot, an export before
	// Base64) is never larger.
	MaxStateBytes int64
	// MaxProjects bounds the projects of one customer.
	MaxProjects int
	// MaxModels bounds the models of one project.
	MaxModels int
	// MaxNewAttributes bounds the attributes one learn message may add to a project (T
	// expansion included): a message of a few kilobytes cannot make thousands of them.
	MaxNewAttributes int
	// MaxNameBytes bounds project ids, model ids, attribute names and partition values
	// (package ident).
	MaxNameBytes int
	// MaxCustomerBytes bounds the memory of all the projects of one customer together,
	// counted as MaxStateBytes counts one. It depends on every project of the customer, so
	// it is checked when a change is admitted (a Check method, with a Reservation), never
	// when a change is applied.
	MaxCustomerBytes int64
	// MaxExploreWork bounds the work of one exploration request: every Explore on one
	// Snapshot together (see Explore).
	MaxExploreWork int64
	// LegacyNames accepts ids and names that package ident refuses, for recovery: what a
	// log holds was accepted under the rules of its time and must be replayed as it was.
	// (Apply methods never judge names: only the checks before a change is logged do.)
	LegacyNames bool
}

// Defaults of Limits.
const (
	DefaultMaxAttributes = 4096
	DefaultMaxPartitions = 4096
	DefaultMaxStateBytes = 1 << 30
	DefaultMaxProjects   = 10_000
	DefaultMaxModels     = 1_000
	// DefaultMaxNewAttributes is a quarter of DefaultMaxAttributes.
	DefaultMaxNewAttributes = 1024
	DefaultMaxNameBytes     = ident.DefaultMaxBytes
	DefaultMaxCustomerBytes = 4 << 30
	DefaultMaxExploreWork   = 1 << 28
)

// Unlimited are limits no project or customer reaches, names judged by no rule: the
// replay of records logged before their limits were kept with them applies what was
// accepted then, and recovery restores what was acknowledged under the rules of its time.
var Unlimited = Limits{MaxAttributes: math.MaxInt32, MaxPartitions: math.MaxInt32,
	MaxStateBytes: math.MaxInt64, MaxProjects: math.MaxInt32, MaxModels: math.MaxInt32,
	MaxNewAttributes: math.MaxInt32, MaxNameBytes: math.MaxInt32, MaxCustomerBytes: math.MaxInt64,
	MaxExploreWork: math.MaxInt64, LegacyNames: true}

// Resolved returns l with its zero (or negative) fields set to their defaults.
func (l Limits) Resolved() Limits {
	if l.MaxAttributes <= 0 {
		l.MaxAttributes = DefaultMaxAttributes
	}
	if l.MaxPartitions <= 0 {
		l.MaxPartitions = DefaultMaxPartitions
	}
	if l.MaxStateBytes <= 0 {
		l.MaxStateBytes = DefaultMaxStateBytes
	}
	if l.MaxProjects <= 0 {
		l.MaxProjects = DefaultMaxProjects
	}
	if l.MaxModels <= 0 {
		l.MaxModels = DefaultMaxModels
	}
	if l.MaxNewAttributes <= 0 {
		l.MaxNewAttributes = DefaultMaxNewAttributes
	}
	if l.MaxNameBytes <= 0 {
		l.MaxNameBytes = DefaultMaxNameBytes
	}
	if l.MaxCustomerBytes <= 0 {
		l.MaxCustomerBytes = DefaultMaxCustomerBytes
	}
	if l.MaxExploreWork <= 0 {
		l.MaxExploreWork = DefaultMaxExploreWork
	}
	return l
}

// limits is a Limits shared by a registry's projects, updated atomically.
type limits struct {
	maxAttributes, maxPartitions, maxStateBytes atomic.Int64
	maxProjects, maxModels, maxNewAttributes    atomic.Int64
	maxNameBytes, maxCustomerBytes              atomic.Int64
	maxExploreWork                              atomic.Int64
	legacyNames                                 atomic.Bool
}

func newLimits(l Limits) *limits {
	x := new(limits)
	x.set(l)
	return x
}

func (x *limits) set(l Limits) {
	l = l.Resolved()
	x.maxProjects.Store(int64(l.MaxProjects))
	x.maxModels.Store(int64(l.MaxModels))
	x.maxAttributes.Store(int64(l.MaxAttributes))
	x.maxPartitions.Store(int64(l.MaxPartitions))
	x.maxStateBytes.Store(l.MaxStateBytes)
	x.maxNewAttributes.Store(int64(l.MaxNewAttributes))
	x.maxNameBytes.Store(int64(l.MaxNameBytes))
	x.maxCustomerBytes.Store(l.MaxCustomerBytes)
	x.maxExploreWork.Store(l.MaxExploreWork)
	x.legacyNames.Store(l.LegacyNames)
}

// get returns the limits in force (resolved).
func (x *limits) get() Limits {
	return Limits{MaxAttributes: int(x.maxAttributes.Load()), MaxPartitions: int(x.maxPartitions.Load()),
		MaxStateBytes: x.maxStateBytes.Load(), MaxProjects: int(x.maxProjects.Load()),
		MaxModels: int(x.maxModels.Load()), MaxNewAttributes: int(x.maxNewAttributes.Load()),
		MaxNameBytes: int(x.maxNameBytes.Load()), MaxCustomerBytes: x.maxCustomerBytes.Load(),
		MaxExploreWork: x.maxExploreWork.Load(), LegacyNames: x.legacyNames.Load()}
}

// nameBytes is MaxNameBytes as an int.
func (x *limits) nameBytes() int { return int(x.maxNameBytes.Load()) }

// check refuses a project whose footprint would be fp past l (resolved).
func (l Limits) check(fp footprint) error {
	if m := l.MaxAttributes; fp.d > m {
		return wrapf(ErrTooManyAttributes, "the project would have %d attributes; the limit is %d", fp.d, m)
	}
	if m := l.MaxPartitions; fp.parts > m {
		return wrapf(ErrTooManyPartitions, "the project would have %d partitions; the limit is %d", fp.parts, m)
	}
	if b, m := fp.bytes(), l.MaxStateBytes; b > m {
		return wrapf(ErrStateTooLarge, "the project would take %d bytes (%d attributes, %d partitions, %d bytes of names and %d of models); the limit is %d",
			b, fp.d, fp.parts, fp.names, fp.models, m)
	}
	return nil
}

// checkNew refuses a message that adds more than MaxNewAttributes attributes.
func (l Limits) checkNew(added int) error {
	if m := l.MaxNewAttributes; added > m {
		return wrapf(ErrTooManyNewAttributes, "the message would add %d attributes to the project; the limit is %d per message", added, m)
	}
	return nil
}

// checkName refuses a name (attribute, partition value) package ident refuses under l,
// unless l.LegacyNames; what says what it is.
func (l Limits) checkName(name, what string) error {
	if l.LegacyNames {
		return nil
	}
	if err := ident.CheckName(name, l.MaxNameBytes); err != nil {
		return identError(what+" "+quote(name), err)
	}
	return nil
}
