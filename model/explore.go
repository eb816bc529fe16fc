package model

import (
	"fmt"
	"sort"

	"github.com/symscore/symscore/dataframe"
)

// Stat is one key of an exploration result.
type Stat struct {
	Key   string
	Value float64
}

// knownMetrics is the list for error messages.
const knownMetrics = "uni, bi, anova, ttest, chi2, pca"

// explorers maps each metric to its computation.
var explorers = map[string]func(*explorer) ([]Stat, error){
	"uni":   (*explorer).uni,
	"bi":    (*explorer).bi,
	"anova": (*explorer).anova,
	"ttest": (*explorer).ttest,
	"chi2":  (*explorer).chi2,
	"pca":   (*explorer).pca,
}

// Explore computes metric ("uni", "bi", "anova", "ttest", "chi2", "pca"; STATISTICS.md
// section 4) over the snapshot for one MLContext, from the moments alone. The keys come in
// a fixed order, documented with each metric; moments are population moments (÷n) unless
// a metric says otherwise.
//
// A refusal is an *Error (BAD_REQUEST) saying what is wrong: unknown metric, any
// extraParameters (no metric takes one), a bad attribute, the wrong number or type of
// inputs or targets, a project without rows, too few rows for the metric, or a cost past
// what is left of the request's work budget (wrapping ErrExploreTooCostly; see
// explore_budget.go for the costs), which is charged before any work is done. A value the
// data leave undefined (a correlation with a constant column, a ratio of zero variances)
// is NaN or ±Inf, which the REST layer writes as null; each metric lists those cases.
// The snapshot is only read.
func Explore(s *Snapshot, metric string, ctx MLContext) ([]Stat, error) {
	run, ok := explorers[metric]
	if !ok {
		return nil, errorf("unknown exploration metric %s (known: %s)", quote(metric), knownMetrics)
	}
	if len(ctx.Extra) > 0 {
		keys := make([]string, 0, len(ctx.Extra))
		for k := range ctx.Extra {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return nil, errorf("%s takes no extraParameters, got %s", metric, quote(keys[0]))
	}
	w := s.budget()
	if err := chargeWork(w, resolveWork(s, ctx), "naming the attributes of this MLContext"); err != nil {
		return nil, err
	}
	r, err := ctx.resolve(s)
	if err != nil {
		return nil, err
	}
	if s.Total.N <= 0 {
		return nil, errorf("cannot explore %s: the project has no rows", metric)
	}
	what := fmt.Sprintf("%s on %d inputs and %d targets", metric, len(r.inputs), len(r.targets))
	if err := chargeWork(w, exploreWork(s, metric, r), what); err != nil {
		return nil, err
	}
	e := &explorer{builder{s: s, algo: metric, r: r}}
	return run(e)
}

// explorer carries one exploration; it shares the builder's attribute and class helpers
// (algo is the metric, for messages).
type explorer struct {
	builder
}

// checkInputs checks that there are between lo and hi inputs (hi < 0: no upper bound),
// described by need for the message, and that each has one of the kinds.
func (e *explorer) checkInputs(lo, hi int, need string, kinds ...dataframe.Type) error {
	in := e.r.inputs
	if len(in) < lo || (hi >= 0 && len(in) > hi) {
		return errorf("%s needs %s, got %d", e.algo, need, len(in))
	}
	for _, i := range in {
		if !e.isKind(i, kinds) {
			return errorf("%s input %s has type %s; it must be %s", e.algo, quote(e.s.Names[i]), kindName(e.kind(i)), kindList(kinds))
		}
	}
	return nil
}

// noTargets refuses targets for the metrics that take inputs only.
func (e *explorer) noTargets() error {
	if len(e.r.targets) > 0 || e.r.partition {
		return errorf("%s takes input attributes only, no targets", e.algo)
	}
	return nil
}

// columnTargets refuses the partition column as target when it has no columns (typed S),
// for the metrics whose targets are B columns.
func (e *explorer) columnTargets() error {
	if e.r.partition && len(e.r.targets) == 0 {
		return errorf("%s targets are B columns; the partition column %s has none (it is typed S)", e.algo, quote(e.s.PartitionColumn))
	}
	return nil
}

func (e *explorer) isKind(i int, kinds []dataframe.Type) bool {
	k := e.kind(i)
	for _, want := range kinds {
		if k == want {
			return true
		}
	}
	return false
}

// kindList names kinds for a message: "C or B", "B".
func kindList(kinds []dataframe.Type) string {
	s := ""
	for i, k := range kinds {
		if i > 0 {
			s += " or "
		}
		s += string(rune(k))
	}
	return s
}
