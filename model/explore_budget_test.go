package model

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

// wideProject is a project of d C attributes x0..x{d−1} and 4 rows, under limits l.
func wideProject(t *testing.T, d int, l Limits) *Project {
	t.Helper()
	r := NewRegistry()
	r.SetLimits(l)
	p, err := r.Create("c", "wide", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, d)
	rows := make([][]string, 4)
	for i := range names {
		names[i] = "x" + strconv.Itoa(i)
	}
	for k := range rows {
		for i := range names {
			rows[k] = append(rows[k], strconv.Itoa((i*7+k*k*3+k)%11))
		}
	}
	learn(t, p, dfJSON(names, strings.Repeat("C", d), rows))
	return p
}

func indexRange(lo, hi int) []string {
	var out []string
	for i := lo; i < hi; i++ {
		out = append(out, strconv.Itoa(i))
	}
	return out
}

// TestExploreBudgetDefaultHoldsOnePCAOn512: the documented size of the default budget.
func TestExploreBudgetDefaultHoldsOnePCAOn512(t *testing.T) {
	s := &Snapshot{Names: make([]string, 512)}
	r := resolved{inputs: make([]int, 512)}
	one := exploreWork(s, "pca", r)
	if one > DefaultMaxExploreWork || 2*one <= DefaultMaxExploreWork {
		t.Fatalf("pca on 512 inputs costs %d: the default budget %d must hold one, not two", one, DefaultMaxExploreWork)
	}
	if w := exploreWork(s, "pca", resolved{inputs: make([]int, 1<<21)}); w != 1<<63-1 {
		t.Fatalf("an overflowing cost is %d, want the largest int64", w)
	}
}

// TestExploreBudgetRefusesBeforeWorking is 64 × pca in one request, scaled down: the
// contexts past the request's budget are refused with ErrExploreTooCostly; a new request
// (another Snapshot) has its whole budget again.
func TestExploreBudgetRefusesBeforeWorking(t *testing.T) {
	const d = 48
	oneCost := exploreWork(&Snapshot{Names: make([]string, d)}, "pca", resolved{inputs: make([]int, d)}) +
		resolveWork(&Snapshot{Names: make([]string, d)}, MLContext{Inputs: indexRange(0, d)})
	p := wideProject(t, d, Limits{MaxExploreWork: 3*oneCost + oneCost/2})
	ctx := MLContext{Inputs: indexRange(0, d)}
	snap := p.Snapshot()
	done := 0
	var err error
	for range 64 {
		if _, err = Explore(snap, "pca", ctx); err != nil {
			break
		}
		done++
	}
	if done != 3 || !errors.Is(err, ErrExploreTooCostly) {
		t.Fatalf("%d pca ran before %v; want 3, then ErrExploreTooCostly", done, err)
	}
	var me *Error
	if !errors.As(err, &me) || !strings.Contains(me.Msg, fmt.Sprintf("pca on %d inputs and 0 targets costs", d)) {
		t.Fatalf("message %q", err)
	}
	if _, err := Explore(p.Snapshot(), "pca", ctx); err != nil {
		t.Fatalf("a new request: %v", err)
	}
}

// TestExploreBudgetChargedBeforeWork: the cost is charged before the metric runs — a
// context past the budget is refused for its cost, not for what running it would find
// (here: too few rows for pca), and what fits runs.
func TestExploreBudgetChargedBeforeWork(t *testing.T) {
	s := &Snapshot{Names: make([]string, 8), Kinds: make([]dataframe.Type, 8), Base: make([]string, 8),
		Total: Moments{N: 1, Mean: make([]float64, 8), M: make([]float64, 64)}}
	for i := range s.Names {
		s.Names[i], s.Kinds[i] = "x"+strconv.Itoa(i), dataframe.TypeC
	}
	ctx := MLContext{Inputs: indexRange(0, 8)}
	s.work = newWorkBudget(1000)
	if _, err := Explore(s, "pca", ctx); !errors.Is(err, ErrExploreTooCostly) {
		t.Fatalf("past the budget: %v, want ErrExploreTooCostly", err)
	}
	s.work = newWorkBudget(DefaultMaxExploreWork)
	if _, err := Explore(s, "pca", ctx); err == nil || !strings.Contains(err.Error(), "at least 2 rows") {
		t.Fatalf("within the budget: %v, want the metric's own refusal", err)
	}
}

// TestExploreBudgetCountsNames: naming attributes costs a search of the project's
// attributes each, and the keys of uni carry the names: both count.
func TestExploreBudgetCountsNames(t *testing.T) {
	p := wideProject(t, 300, Limits{MaxExploreWork: 1 << 20})
	names := make([]string, 4000)
	for i := range names {
		names[i] = "x" + strconv.Itoa(i%300)
	}
	_, err := Explore(p.Snapshot(), "uni", MLContext{InputNames: names})
	if !errors.Is(err, ErrExploreTooCostly) || !strings.Contains(err.Error(), "naming the attributes") {
		t.Fatalf("4000 names in a 300-attribute project: %v", err)
	}
	// uni on every input, by index: 300 · 7 values.
	s := p.Snapshot()
	r := resolved{inputs: make([]int, 300)}
	for i := range r.inputs {
		r.inputs[i] = i
	}
	short := exploreWork(s, "uni", r)
	if short < 300*7*workPerValue {
		t.Fatalf("uni on 300 inputs costs %d", short)
	}
	long := wideProjectNamed(t, 300, strings.Repeat("n", 200))
	if w := exploreWork(long.Snapshot(), "uni", r); w < short+300*7*workPerKeyByte*190 {
		t.Fatalf("uni on 300 long names costs %d, short names %d: the names' bytes are not counted", w, short)
	}
}

// wideProjectNamed is wideProject with every name prefixed.
func wideProjectNamed(t *testing.T, d int, prefix string) *Project {
	t.Helper()
	p, _ := NewProject("p", "", nil)
	names := make([]string, d)
	row := make([]string, d)
	for i := range names {
		names[i], row[i] = prefix+strconv.Itoa(i), "1"
	}
	f := frame(t, dfJSON(names, strings.Repeat("C", d), [][]string{row, row}), dataframe.Options{MaxNameBytes: 1 << 10})
	if err := p.Learn(f); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestExploreBudgetHandMadeSnapshot: a Snapshot made by hand gets the default budget per
// call.
func TestExploreBudgetHandMadeSnapshot(t *testing.T) {
	s := testSnapshot()
	for range 100 {
		if _, err := Explore(s, "uni", MLContext{Inputs: []string{"0", "1"}}); err != nil {
			t.Fatal(err)
		}
	}
}
