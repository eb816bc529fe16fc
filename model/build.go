package model

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/symscore/symscore/dataframe"
)

// Build fits model modelID with algorithm algo (lda, mlda, mqda, bayes, mlr, ridge, lasso,
// elasticnet; see docs/statistics.md section 3) on the snapshot s, reading attributes and
// parameters from ctx. It never sees a row: everything comes from the snapshot's moments.
//
// A refusal is an *Error whose message says what is wrong (unknown algorithm or parameter,
// bad attribute, wrong target, too few rows, singular matrix with its reciprocal condition
// number); nothing is half-built. The snapshot is only read.
func Build(s *Snapshot, algo, modelID string, ctx MLContext) (*Model, error) {
	return BuildContext(context.Background(), s, algo, modelID, ctx)
}

// BuildContext is Build that stops when ctx ends, returning an error that wraps ctx's
// (not an *Error). It looks at ctx before every matrix factorization (an O(d³) step of at
// most a few seconds at the largest d), at every sweep of coordinate descent (lasso,
// elasticnet) and once the fit is done.
func BuildContext(cx context.Context, s *Snapshot, algo, modelID string, ctx MLContext) (*Model, error) {
	start := time.Now()
	a := algorithms[algo]
	if a == nil {
		return nil, errorf("unknown algorithm %s (known: %s)", quote(algo), knownAlgos())
	}
	if err := CheckModelID(modelID, s.maxNameBytes); err != nil {
		return nil, err
	}
	p, err := parseParams(algo, ctx.Extra)
	if err != nil {
		return nil, err
	}
	r, err := ctx.resolve(s)
	if err != nil {
		return nil, err
	}
	b := &builder{s: s, algo: algo, r: r, p: p, cx: cx}
	if err := b.checkCommon(); err != nil {
		return nil, err
	}
	m := b.newModel(modelID)
	if err := a.build(b, m); err != nil {
		return nil, err
	}
	if err := b.stopped(); err != nil {
		return nil, err
	}
	if !m.finite() {
		return nil, errorf("cannot build %s: the fitted parameters are not all finite (the inputs are too ill-conditioned)", algo)
	}
	m.derive()
	for _, c := range m.classes {
		if c == "res" || c == "Prob" {
			return nil, errorf("class name %s collides with the prediction key of the same name", quote(c))
		}
	}
	m.created = start.UTC().Round(0) // wall clock only: it is what a decoded model has
	m.buildTime = time.Since(start)
	enc, err := m.MarshalBinary()
	if err != nil {
		return nil, err
	}
	m.size = modelOverhead + int64(len(enc))
	return m, nil
}

// builder carries one build's inputs.
type builder struct {
	s    *Snapshot
	algo string
	r    resolved
	p    buildParams
	cx   context.Context // nil: never stops (explorations)
}

// stopped returns an error wrapping the build context's when it has ended, else nil.
func (b *builder) stopped() error {
	if b.cx == nil {
		return nil
	}
	if err := b.cx.Err(); err != nil {
		return fmt.Errorf("build of %s stopped: %w", b.algo, err)
	}
	return nil
}

func (b *builder) checkCommon() error {
	if b.s.Total.N <= 0 {
		return errorf("cannot build %s: the project has no rows", b.algo)
	}
	if len(b.r.inputs) == 0 {
		return errorf("%s needs at least one input attribute", b.algo)
	}
	for _, i := range b.r.inputs {
		if k := b.kind(i); k != dataframe.TypeC && k != dataframe.TypeB {
			return errorf("input %s has type %s; inputs must be C or B", quote(b.s.Names[i]), kindName(k))
		}
	}
	return nil
}

func (b *builder) kind(i int) dataframe.Type {
	if i < len(b.s.Kinds) {
		return b.s.Kinds[i]
	}
	return 0
}

// newModel fills what every model has: inputs, their means and co-moments, targets.
func (b *builder) newModel(id string) *Model {
	s, t := b.s, &b.s.Total
	w := len(t.Mean)
	m := &Model{id: id, algo: b.algo, rows: t.N, tol: b.p.rcondTol, params: b.p.used}
	for _, i := range b.r.inputs {
		m.inputs = append(m.inputs, s.Names[i])
		m.inputIdx = append(m.inputIdx, i)
		m.means = append(m.means, t.Mean[i])
	}
	m.inM = submatrix(t.M, w, b.r.inputs, b.r.inputs)
	if b.r.partition {
		m.targets = []string{s.PartitionColumn}
	}
	for _, i := range b.r.targets {
		if !b.r.partition {
			m.targets = append(m.targets, s.Names[i])
		}
		m.targetIdx = append(m.targetIdx, i)
	}
	return m
}

// classes resolves the classes of a classifier. In a partition project with no target, or
// with the partition column as target, the classes are the partitions (partitions = true).
// Otherwise: one B target gives classes "0" and "1"; several B targets (a T attribute's
// columns, or columns named one by one) give one class each, named by the T value or the
// column name.
func (b *builder) classes() (ind []indicator, partitions bool, err error) {
	s, r := b.s, b.r
	if r.partition || (len(r.targets) == 0 && s.Type == "partition" && s.PartitionColumn != "") {
		if r.partition && len(r.targets) > 0 && len(r.targets) != b.partitionColumns() {
			return nil, false, errorf("%s: the partition column %s cannot be a target together with other attributes", b.algo, quote(s.PartitionColumn))
		}
		return nil, true, nil
	}
	switch len(r.targets) {
	case 0:
		return nil, false, errorf("%s needs a target: a B attribute, a T attribute or the partition column", b.algo)
	case 1:
		t := r.targets[0]
		if b.kind(t) != dataframe.TypeB {
			return nil, false, errorf("%s target %s must be binary (B) or a category (T), not %s", b.algo, quote(s.Names[t]), kindName(b.kind(t)))
		}
		return []indicator{{name: "0", col: t, neg: true}, {name: "1", col: t}}, false, nil
	}
	if b.isPartitionColumns(r.targets) {
		return nil, true, nil
	}
	for _, t := range r.targets {
		if b.kind(t) != dataframe.TypeB {
			return nil, false, errorf("%s target %s must be binary (B): several targets are the class columns", b.algo, quote(s.Names[t]))
		}
		ind = append(ind, indicator{name: className(s, t), col: t})
	}
	seen := map[string]bool{}
	for _, c := range ind {
		if seen[c.name] {
			return nil, false, errorf("%s: two target columns give the class name %s", b.algo, quote(c.name))
		}
		seen[c.name] = true
	}
	return ind, false, nil
}

// partitionColumns counts the T-derived columns of the partition column.
func (b *builder) partitionColumns() int {
	n := 0
	for i := range b.s.Names {
		if b.s.PartitionColumn != "" && baseName(b.s, i) == b.s.PartitionColumn {
			n++
		}
	}
	return n
}

// isPartitionColumns reports whether targets are exactly the partition column's T columns.
func (b *builder) isPartitionColumns(targets []int) bool {
	if b.s.Type != "partition" || b.s.PartitionColumn == "" || len(targets) != b.partitionColumns() {
		return false
	}
	for _, t := range targets {
		if baseName(b.s, t) != b.s.PartitionColumn {
			return false
		}
	}
	return true
}

// classStats computes the class statistics and checks that at least two classes have rows.
func (b *builder) classStats() (*classStats, bool, error) {
	ind, partitions, err := b.classes()
	if err != nil {
		return nil, false, err
	}
	var cs *classStats
	if partitions {
		if b.s.Type != "partition" {
			return nil, false, errorf("%s: classes from the partition column need a partition project", b.algo)
		}
		cs = classesFromPartitions(b.s, b.r.inputs)
	} else if cs, err = classesFromIndicators(b.s, b.r.inputs, ind); err != nil {
		return nil, false, err
	}
	if len(cs.names) < 2 {
		return nil, false, errorf("cannot build %s: the rows are all in one class (%d class with rows)", b.algo, len(cs.names))
	}
	return cs, partitions, nil
}

// oneTarget checks that there is exactly one target, of type C or B, and returns it.
func (b *builder) oneTarget() (int, error) {
	s, r := b.s, b.r
	if r.partition {
		return 0, errorf("%s needs one C or B target, not the partition column", b.algo)
	}
	switch len(r.targets) {
	case 0:
		return 0, errorf("%s needs one target attribute", b.algo)
	case 1:
	default:
		what := ""
		if base := baseName(s, r.targets[0]); base != "" {
			what = fmt.Sprintf(" (%s is a category: name one of its columns)", quote(base))
		}
		return 0, errorf("%s needs exactly one target attribute, got %d%s", b.algo, len(r.targets), what)
	}
	t := r.targets[0]
	if k := b.kind(t); k != dataframe.TypeC && k != dataframe.TypeB {
		return 0, errorf("%s target %s must be C or B, not %s", b.algo, quote(s.Names[t]), kindName(k))
	}
	return t, nil
}

// factor factors a d×d matrix over the inputs and turns a refusal into an *Error naming the
// matrix, the attribute at fault, and a likely cause.
func (b *builder) factor(a []float64, what string) (*spd, error) {
	if err := b.stopped(); err != nil {
		return nil, err
	}
	f, err := factorSPD(a, len(b.r.inputs), b.p.rcondTol)
	if err == nil {
		return f, nil
	}
	var se *singularError
	if !errors.As(err, &se) {
		return nil, err
	}
	if se.zero >= 0 {
		return nil, errorf("cannot build %s: the %s is singular: input %s has no variance", b.algo, what, quote(b.s.Names[b.r.inputs[se.zero]]))
	}
	hint := ""
	if cat := b.wholeCategory(); cat != "" {
		hint = fmt.Sprintf("; the inputs hold every column of category %s, which sum to 1: leave one out", quote(cat))
	}
	return nil, errorf("cannot build %s: the %s is singular or ill-conditioned (rcond %.2g < %g)%s", b.algo, what, se.rcond, se.tol, hint)
}

// wholeCategory returns a T attribute all of whose columns are inputs, or "".
func (b *builder) wholeCategory() string {
	in := map[int]bool{}
	for _, i := range b.r.inputs {
		in[i] = true
	}
	for _, i := range b.r.inputs {
		base := baseName(b.s, i)
		if base == "" {
			continue
		}
		all := true
		for j := range b.s.Names {
			if baseName(b.s, j) == base && !in[j] {
				all = false
			}
		}
		if all {
			return base
		}
	}
	return ""
}

// kindName quotes an attribute type code for a message.
func kindName(k dataframe.Type) string { return quote(string(rune(k))) }
