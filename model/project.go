package model

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/ident"
)

// Project types.
const (
	TypeCPU       = "cpu"
	TypePartition = "partition"
)

// Project is one project's statistics (a summary of every row learned minus every row
// forgotten; per partition value too in a partition project) and its models. It is safe for
// concurrent use: learn, forget and merge are applied atomically under the project's write
// lock; Snapshot copies a consistent state under the read lock.
//
// Lock order: Registry.mu before mu before modelsMu or resMu. Changes of models (ApplyModel,
// ApplyUnmodel) and encodings (MarshalBinary, Checkpoint) hold mu and then modelsMu, so
// that models, statistics and Seq are consistent; readers of models take modelsMu alone.
// Reservations (project_budget.go) hold mu, for reading at least, and then resMu.
// No method holds the locks of two projects (Merge copies the source, releases it, then
// locks the target).
type Project struct {
	id              string
	typ             string
	partitionColumn string
	created         time.Time
	lim             *limits
	acct            *account // the customer's, set by the registry; nil outside one
	now             func() time.Time

	mu       sync.RWMutex // guards every field below, up to modelsMu
	names    []string     // attribute i; append-only (snapshots share the prefix)
	kinds    []dataframe.Type
	base     []string
	shifted  []bool // kinds[i] == C: the shift comes from the first row
	index    map[string]int
	min, max []float64
	total    *summary
	parts    map[string]*summary
	partKeys []string // sorted keys of parts; replaced, never modified in place
	frozen   bool
	modified time.Time
	seq      uint64 // sequence number of the last change applied with a Stamp
	version  uint64 // changes applied (live.go)
	observer Observer
	retired  bool // deleted from its registry: every change is refused
	sc       learnScratch
	// nameBytes and modelBytes are the footprint's terms of the attribute names,
	// partition values and models (project_size.go).
	nameBytes, modelBytes int64

	modelsMu sync.RWMutex // guards models
	models   map[string]*Model
	look     *Lookup // follows models and the retirement (project_lookup.go)

	// resMu guards charged and pend (project_budget.go); taken inside mu.
	resMu   sync.Mutex
	charged int64   // what p holds on its customer's account: its ceiling
	pend    pending // what the changes admitted and not yet applied may add
}

// NewProject makes an empty project. typ is "cpu" ("" means cpu) or "partition", whose
// params["partitionSplit"] names the partition column. Other params are ignored. The
// project has the default Limits until a Registry adopts it.
func NewProject(pid, typ string, params map[string]string) (*Project, error) {
	return newProject(pid, typ, params, Limits{})
}

// newProject is NewProject under the limits lim, which judge the id and the partition
// column's name (not at all with lim.LegacyNames: the application of a logged create).
func newProject(pid, typ string, params map[string]string, lim Limits) (*Project, error) {
	lim = lim.Resolved()
	legacy := lim.LegacyNames
	if !legacy {
		if err := CheckProjectID(pid, lim.MaxNameBytes); err != nil {
			return nil, err
		}
	}
	if typ == "" {
		typ = TypeCPU
	}
	p := &Project{id: pid, typ: typ, lim: newLimits(Limits{}), now: time.Now}
	switch typ {
	case TypeCPU:
	case TypePartition:
		col := params["partitionSplit"]
		if col == "" {
			return nil, errorf(`a partition project needs the parameter "partitionSplit", the partition column`)
		}
		if err := lim.checkName(col, "partitionSplit"); err != nil {
			return nil, err
		}
		p.partitionColumn = col
	default:
		return nil, errorf("project type %s is not supported; use cpu or partition", quote(typ))
	}
	p.created = p.now().UTC()
	p.modified = p.created
	p.total = newSummary(0)
	p.index = make(map[string]int)
	p.parts = make(map[string]*summary)
	p.models = make(map[string]*Model)
	p.look = new(Lookup)
	return p, nil
}

// CheckProjectID refuses a project id that breaks package ident's rule for ids (empty,
// longer than maxBytes — 0 means DefaultMaxNameBytes —, not printable UTF-8, a space, a
// '/', a line break, "." or ".."). The error is an *Error, wrapping ErrNameTooLong for
// a long id.
func CheckProjectID(pid string, maxBytes int) error {
	if err := ident.CheckID(pid, maxBytes); err != nil {
		return identError("project id "+quote(pid), err)
	}
	return nil
}

// CheckModelID is CheckProjectID for a model id: the same rule.
func CheckModelID(id string, maxBytes int) error {
	if err := ident.CheckID(id, maxBytes); err != nil {
		return identError("model id "+quote(id), err)
	}
	return nil
}

// identError is the *Error of a refusal by package ident of what (quoted), wrapping
// ErrNameTooLong for a length.
func identError(what string, err error) *Error {
	e := &Error{Msg: what + " " + err.Error()}
	if errors.Is(err, ErrNameTooLong) {
		e.Err = ErrNameTooLong
	}
	return e
}

// errNotFound is the refusal of a change to p once deleted: it names p.
func (p *Project) errNotFound() error { return projectNotFound(p.id) }

// ID is the project id.
func (p *Project) ID() string { return p.id }

// Type is "cpu" or "partition".
func (p *Project) Type() string { return p.typ }

// PartitionColumn is the partition column of a partition project, "" otherwise. Parse the
// project's DataFrames with it as dataframe.Options.PartitionColumn.
func (p *Project) PartitionColumn() string { return p.partitionColumn }

// SetFrozen refuses (true) or allows (false) learn, forget and merge into the project.
func (p *Project) SetFrozen(frozen bool) { p.ApplyFreeze(frozen, Stamp{}) }

// ApplyFreeze is SetFrozen as the change stamped st (see Stamp). Errors:
// ErrProjectNotFound (a *NotFoundError) for a deleted project (nothing changed).
func (p *Project) ApplyFreeze(frozen bool, st Stamp) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.retired {
		return p.errNotFound()
	}
	at := p.stampLocked(st)
	p.frozen = frozen
	op := OpUnfreeze
	if frozen {
		op = OpFreeze
	}
	p.appliedLocked(Change{Op: op, At: at})
	return nil
}

// Frozen reports whether the project refuses learn, forget and merge.
func (p *Project) Frozen() bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.frozen
}

// Rows is n: rows learned minus rows forgotten.
func (p *Project) Rows() int64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.total.n
}

// addAttribute appends an attribute to the project and to every summary. Caller holds mu
// and has checked the limits.
func (p *Project) addAttribute(name string, kind dataframe.Type, base string) int {
	i := len(p.names)
	p.names = append(p.names, name)
	p.kinds = append(p.kinds, kind)
	p.base = append(p.base, base)
	p.shifted = append(p.shifted, kind == dataframe.TypeC)
	p.index[name] = i
	p.nameBytes += attributeBytes(len(name), len(base))
	p.min = append(p.min, inf)
	p.max = append(p.max, -inf)
	d := len(p.names)
	p.total.grow(d)
	for _, s := range p.parts {
		s.grow(d)
	}
	return i
}

// partition returns the summary of partition value v, creating it. Caller holds mu.
func (p *Project) partition(v []byte) *summary {
	if s := p.parts[string(v)]; s != nil {
		return s
	}
	key := string(v)
	s := newSummary(len(p.names))
	p.parts[key] = s
	p.nameBytes += partitionBytes(key)
	keys := make([]string, len(p.partKeys), len(p.partKeys)+1)
	copy(keys, p.partKeys)
	i := sort.SearchStrings(keys, key)
	keys = append(keys, "")
	copy(keys[i+1:], keys[i:])
	keys[i] = key
	p.partKeys = keys
	return s
}

// dropEmptyPartitions deletes partitions whose rows were all forgotten (the change's
// recharge gives their memory back to the customer). Caller holds mu.
func (p *Project) dropEmptyPartitions() {
	var keys []string // the new partKeys, made only if a partition goes
	for i, k := range p.partKeys {
		if p.parts[k].n != 0 {
			if keys != nil {
				keys = append(keys, k)
			}
			continue
		}
		if keys == nil {
			keys = append(make([]string, 0, len(p.partKeys)-1), p.partKeys[:i]...)
		}
		delete(p.parts, k)
		p.nameBytes -= partitionBytes(k)
		p.partitionDropped(k)
	}
	if keys != nil {
		p.partKeys = keys
	}
}

// String is for debugging.
func (p *Project) String() string { return fmt.Sprintf("project %q (%s)", p.id, p.typ) }
