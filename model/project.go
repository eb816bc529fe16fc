package model

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/symscore/symscore/dataframe"
)

// Project types.
const (
	TypeCPU       = "cpu"
	TypePartition = "partition"
)

// MaxProjectIDBytes bounds the length of a project id.
const MaxProjectIDBytes = 128

// Project is one project's statistics (a summary of every row learned minus every row
// forgotten; per partition value too in a partition project) and its models. It is safe for
// concurrent use: learn, forget and merge are applied atomically under the project's write
// lock; Snapshot copies a consistent state under the read lock.
//
// Lock order: Registry.mu before mu before modelsMu. Changes of models (PutModelWith,
// DeleteModelWith) and encodings (MarshalBinary, Checkpoint) hold mu and then modelsMu, so
// that models, statistics and Seq are consistent; readers of models take modelsMu alone.
// No method holds the locks of two projects (Merge copies the source, releases it, then
// locks the target).
type Project struct {
	id              string
	typ             string
	partitionColumn string
	created         time.Time
	lim             *limits
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
	seq      uint64 // sequence number of the last journaled change (see Commit)
	retired  bool   // deleted from its registry: every change is refused
	sc       learnScratch

	modelsMu sync.RWMutex // guards models
	models   map[string]*Model
}

// NewProject makes an empty project. typ is "cpu" ("" means cpu) or "partition", whose
// params["partitionSplit"] names the partition column. Other params are ignored. The
// project has the default Limits until a Registry adopts it.
func NewProject(pid, typ string, params map[string]string) (*Project, error) {
	if err := ValidateProjectID(pid); err != nil {
		return nil, err
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
		if len(col) > dataframeNameLimit || !utf8.ValidString(col) {
			return nil, errorf("partitionSplit %s is not a valid attribute name", quote(col))
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
	return p, nil
}

// dataframeNameLimit bounds the partition column's name.
const dataframeNameLimit = 1024

// ValidateProjectID refuses ids that are empty, longer than MaxProjectIDBytes, not UTF-8,
// not printable, containing '/', or "." / "..".
func ValidateProjectID(pid string) error {
	switch {
	case pid == "":
		return errorf("project id is empty")
	case len(pid) > MaxProjectIDBytes:
		return errorf("project id %s is longer than %d bytes", quote(pid), MaxProjectIDBytes)
	case !utf8.ValidString(pid):
		return errorf("project id %s is not UTF-8", quote(pid))
	case strings.ContainsRune(pid, '/'):
		return errorf("project id %s contains '/'", quote(pid))
	case pid == "." || pid == "..":
		return errorf("project id %s is not allowed", quote(pid))
	}
	for _, r := range pid {
		if !unicode.IsPrint(r) {
			return errorf("project id %s contains a non-printable character", quote(pid))
		}
	}
	return nil
}

// ID is the project id.
func (p *Project) ID() string { return p.id }

// Type is "cpu" or "partition".
func (p *Project) Type() string { return p.typ }

// PartitionColumn is the partition column of a partition project, "" otherwise. Parse the
// project's DataFrames with it as dataframe.Options.PartitionColumn.
func (p *Project) PartitionColumn() string { return p.partitionColumn }

// SetFrozen refuses (true) or allows (false) learn, forget and merge into the project.
func (p *Project) SetFrozen(frozen bool) { p.SetFrozenWith(frozen, nil) }

// SetFrozenWith is SetFrozen journaled by commit (see Commit). Errors: ErrProjectNotFound
// for a deleted project, or commit's error (nothing changed).
func (p *Project) SetFrozenWith(frozen bool, commit Commit) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := p.commitLocked(commit); err != nil {
		return err
	}
	p.frozen = frozen
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
	keys := make([]string, len(p.partKeys), len(p.partKeys)+1)
	copy(keys, p.partKeys)
	i := sort.SearchStrings(keys, key)
	keys = append(keys, "")
	copy(keys[i+1:], keys[i:])
	keys[i] = key
	p.partKeys = keys
	return s
}

// dropEmptyPartitions deletes partitions whose rows were all forgotten. Caller holds mu.
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
	}
	if keys != nil {
		p.partKeys = keys
	}
}

// String is for debugging.
func (p *Project) String() string { return fmt.Sprintf("project %q (%s)", p.id, p.typ) }
