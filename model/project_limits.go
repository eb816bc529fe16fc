package model

import (
	"math"
	"sync/atomic"
)

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
	// MaxNewAttributes bounds the attributes one learn message may add to a project (T
	// expansion included): a message of a few kilobytes cannot make thousands of them.
	MaxNewAttributes int
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
)

// Unlimited are limits no project reaches: the replay of records logged before their
// limits were kept with them applies what was accepted then.
var Unlimited = Limits{MaxAttributes: math.MaxInt32, MaxPartitions: math.MaxInt32,
	MaxStateBytes: math.MaxInt64, MaxProjects: math.MaxInt32, MaxModels: math.MaxInt32,
	MaxNewAttributes: math.MaxInt32}

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
	return l
}

// limits is a Limits shared by a registry's projects, updated atomically.
type limits struct {
	maxAttributes, maxPartitions, maxStateBytes atomic.Int64
	maxProjects, maxModels, maxNewAttributes    atomic.Int64
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
}

// get returns the limits in force (resolved).
func (x *limits) get() Limits {
	return Limits{MaxAttributes: int(x.maxAttributes.Load()), MaxPartitions: int(x.maxPartitions.Load()),
		MaxStateBytes: x.maxStateBytes.Load(), MaxProjects: int(x.maxProjects.Load()),
		MaxModels: int(x.maxModels.Load()), MaxNewAttributes: int(x.maxNewAttributes.Load())}
}

// summaryBytes is the memory of one summary of d attributes.
func summaryBytes(d int) int64 { return 16*int64(packedLen(d)) + 40*int64(d) }

// check refuses a project of d attributes and parts partitions past l (resolved).
func (l Limits) check(d, parts int) error {
	if m := l.MaxAttributes; d > m {
		return wrapf(ErrTooManyAttributes, "the project would have %d attributes; the limit is %d", d, m)
	}
	if m := l.MaxPartitions; parts > m {
		return wrapf(ErrTooManyPartitions, "the project would have %d partitions; the limit is %d", parts, m)
	}
	if b, m := int64(1+parts)*summaryBytes(d), l.MaxStateBytes; b > m {
		return wrapf(ErrStateTooLarge, "the project's statistics would take %d bytes (%d attributes, %d partitions); the limit is %d", b, d, parts, m)
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
