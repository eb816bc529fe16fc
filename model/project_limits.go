package model

import "sync/atomic"

// Limits bound what clients can make a project hold. Zero fields mean the defaults.
type Limits struct {
	// MaxAttributes bounds a project's attributes (T expansion included).
	MaxAttributes int
	// MaxPartitions bounds the partitions of a partition project.
	MaxPartitions int
	// MaxStateBytes bounds a project's statistics memory, about
	// (1 + partitions) · (16·d(d+1)/2 + 40·d) bytes for d attributes.
	MaxStateBytes int64
	// MaxProjects bounds the projects of one customer.
	MaxProjects int
	// MaxModels bounds the models of one project.
	MaxModels int
}

// Defaults of Limits.
const (
	DefaultMaxAttributes = 4096
	DefaultMaxPartitions = 4096
	DefaultMaxStateBytes = 1 << 30
	DefaultMaxProjects   = 10_000
	DefaultMaxModels     = 1_000
)

// limits is a Limits shared by a registry's projects, updated atomically.
type limits struct {
	maxAttributes, maxPartitions, maxStateBytes atomic.Int64
	maxProjects, maxModels                      atomic.Int64
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
	x.maxProjects.Store(int64(l.MaxProjects))
	x.maxModels.Store(int64(l.MaxModels))
	x.maxAttributes.Store(int64(l.MaxAttributes))
	x.maxPartitions.Store(int64(l.MaxPartitions))
	x.maxStateBytes.Store(l.MaxStateBytes)
}

// summaryBytes is the memory of one summary of d attributes.
func summaryBytes(d int) int64 { return 16*int64(packedLen(d)) + 40*int64(d) }

// check refuses a project of d attributes and parts partitions past the limits.
func (x *limits) check(d, parts int) error {
	if m := x.maxAttributes.Load(); int64(d) > m {
		return wrapf(ErrTooManyAttributes, "the project would have %d attributes; the limit is %d", d, m)
	}
	if m := x.maxPartitions.Load(); int64(parts) > m {
		return wrapf(ErrTooManyPartitions, "the project would have %d partitions; the limit is %d", parts, m)
	}
	if b, m := int64(1+parts)*summaryBytes(d), x.maxStateBytes.Load(); b > m {
		return wrapf(ErrStateTooLarge, "the project's statistics would take %d bytes (%d attributes, %d partitions); the limit is %d", b, d, parts, m)
	}
	return nil
}
