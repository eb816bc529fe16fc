package model

import (
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
	// MaxNameBytes bounds project ids, model ids, attribute names and partition values
	// (package ident).
	MaxNameBytes int
	// MaxCustomerBytes bounds the memory of all the projects of one customer together,
	// counted as MaxStateBytes counts one.
	MaxCustomerBytes int64
	// MaxExploreWork bounds the work of one exploration request: every Explore on one
	// Snapshot together (see Explore).
	MaxExploreWork int64
	// LegacyNames accepts ids and names that package ident refuses, for recovery: what a
	// log holds was accepted under the rules of its time and must be replayed as it was.
	LegacyNames bool
}

// Defaults of Limits.
const (
	DefaultMaxAttributes    = 4096
	DefaultMaxPartitions    = 4096
	DefaultMaxStateBytes    = 1 << 30
	DefaultMaxProjects      = 10_000
	DefaultMaxModels        = 1_000
	DefaultMaxNameBytes     = ident.DefaultMaxBytes
	DefaultMaxCustomerBytes = 4 << 30
	DefaultMaxExploreWork   = 1 << 28
)

// limits is a Limits shared by a registry's projects, updated atomically.
type limits struct {
	maxAttributes, maxPartitions, maxStateBytes atomic.Int64
	maxProjects, maxModels                      atomic.Int64
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
	if l.MaxNameBytes <= 0 {
		l.MaxNameBytes = DefaultMaxNameBytes
	}
	if l.MaxCustomerBytes <= 0 {
		l.MaxCustomerBytes = DefaultMaxCustomerBytes
	}
	if l.MaxExploreWork <= 0 {
		l.MaxExploreWork = DefaultMaxExploreWork
	}
	x.maxProjects.Store(int64(l.MaxProjects))
	x.maxModels.Store(int64(l.MaxModels))
	x.maxAttributes.Store(int64(l.MaxAttributes))
	x.maxPartitions.Store(int64(l.MaxPartitions))
	x.maxStateBytes.Store(l.MaxStateBytes)
	x.maxNameBytes.Store(int64(l.MaxNameBytes))
	x.maxCustomerBytes.Store(l.MaxCustomerBytes)
	x.maxExploreWork.Store(l.MaxExploreWork)
	x.legacyNames.Store(l.LegacyNames)
}

// nameBytes is MaxNameBytes as an int.
func (x *limits) nameBytes() int { return int(x.maxNameBytes.Load()) }

// check refuses a project whose footprint would be fp past the limits.
func (x *limits) check(fp footprint) error {
	if m := x.maxAttributes.Load(); int64(fp.d) > m {
		return wrapf(ErrTooManyAttributes, "the project would have %d attributes; the limit is %d", fp.d, m)
	}
	if m := x.maxPartitions.Load(); int64(fp.parts) > m {
		return wrapf(ErrTooManyPartitions, "the project would have %d partitions; the limit is %d", fp.parts, m)
	}
	if b, m := fp.bytes(), x.maxStateBytes.Load(); b > m {
		return wrapf(ErrStateTooLarge, "the project would take %d bytes (%d attributes, %d partitions, %d bytes of names and %d of models); the limit is %d",
			b, fp.d, fp.parts, fp.names, fp.models, m)
	}
	return nil
}
