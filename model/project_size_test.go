package model

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

// checkAccounts: every project's incremental footprint equals the one recomputed from its
// state, its encoding is never larger, and each customer's account holds exactly the
// bytes of its projects.
func checkAccounts(t *testing.T, r *Registry, step string) {
	t.Helper()
	sums := map[string]int64{}
	r.Range(func(cid string, p *Project) bool {
		p.mu.RLock()
		got := p.footprint()
		want := got
		want.names, want.models = p.counted()
		p.mu.RUnlock()
		if got != want {
			t.Fatalf("%s: project %s footprint %+v, recomputed %+v", step, p.ID(), got, want)
		}
		enc := stateBytes(t, p)
		if int64(len(enc)) > p.Bytes() {
			t.Fatalf("%s: project %s encodes to %d bytes, more than the %d it is charged", step, p.ID(), len(enc), p.Bytes())
		}
		sums[cid] += p.Bytes()
		return true
	})
	for _, cid := range []string{"a", "b"} {
		if got := r.CustomerBytes(cid); got != sums[cid] {
			t.Fatalf("%s: customer %s account %d, its projects hold %d", step, cid, got, sums[cid])
		}
	}
}

// TestFootprintFollowsEveryChange drives random changes through a registry and checks the
// accounts after each: learns that add C, B and T attributes and partitions, forgets that
// empty partitions, merges, imports, model builds, rebuilds and deletes, project deletes.
func TestFootprintFollowsEveryChange(t *testing.T) {
	r := NewRegistry()
	rng := rand.New(rand.NewPCG(3, 4))
	var dp dataframe.Parser
	cids := []string{"a", "b"}
	type proj struct{ cid, pid string }
	var live []proj
	learned := map[*Project][]string{} // payloads learned, to forget them again
	pick := func() (proj, *Project) {
		pr := live[rng.IntN(len(live))]
		p, err := r.Get(pr.cid, pr.pid)
		if err != nil {
			t.Fatal(err)
		}
		return pr, p
	}
	forgets := 0
	for step := 0; step < 400; step++ {
		what := "create"
		if len(live) > 0 {
			what = []string{"create", "learn", "learn", "learn", "forget", "merge", "model", "model", "unmodel", "import", "delete"}[rng.IntN(11)]
		}
		switch what {
		case "create":
			cid := cids[rng.IntN(2)]
			pid := fmt.Sprintf("p%d", step)
			typ, params := "", map[string]string(nil)
			if rng.IntN(2) == 0 {
				typ, params = "partition", map[string]string{"partitionSplit": "grp"}
			}
			if _, err := r.Create(cid, pid, typ, params); err != nil {
				t.Fatal(err)
			}
			live = append(live, proj{cid, pid})
		case "forget":
			_, p := pick()
			ls := learned[p]
			if len(ls) == 0 {
				continue
			}
			i := rng.IntN(len(ls))
			f, err := dp.Parse([]byte(ls[i]), dataframe.Options{PartitionColumn: p.PartitionColumn()})
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Forget(f); err != nil {
				t.Fatalf("forget what was learned: %v", err)
			}
			learned[p] = append(ls[:i], ls[i+1:]...)
		case "learn":
			_, p := pick()
			col := fmt.Sprintf("c%d", rng.IntN(6))
			rows := ""
			for i := range 1 + rng.IntN(3) {
				if i > 0 {
					rows += ","
				}
				rows += fmt.Sprintf(`["%d","v%d","g%d"]`, rng.IntN(9), rng.IntN(4), rng.IntN(3))
			}
			payload := `{"attributeNames":["` + col + `","kind","grp"],"attributeTypes":["C","T","S"],"data":[` + rows + `]}`
			if p.Type() == TypeCPU {
				payload = strings.Replace(payload, `"S"`, `"X"`, 1)
			}
			f, err := dp.Parse([]byte(payload), dataframe.Options{PartitionColumn: p.PartitionColumn()})
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Learn(f); err != nil {
				t.Fatalf("learn: %v", err)
			}
			learned[p] = append(learned[p], payload)
		case "merge":
			pr, p := pick()
			other, _ := pick()
			if other.cid == pr.cid && other.pid != pr.pid {
				_ = r.Merge(pr.cid, pr.pid, other.pid) // kinds may clash: then refused
			}
			_ = p
		case "model":
			_, p := pick()
			s := p.Snapshot()
			if len(s.Names) < 2 || s.Total.N < 3 {
				continue
			}
			m, err := Build(s, "mlr", fmt.Sprintf("m%d", rng.IntN(3)), MLContext{Inputs: []string{"0"}, Targets: []string{"1"}})
			if err == nil {
				if err := p.PutModel(m); err != nil {
					t.Fatal(err)
				}
			}
		case "unmodel":
			_, p := pick()
			p.DeleteModel(fmt.Sprintf("m%d", rng.IntN(3)))
		case "import":
			pr, p := pick()
			pid := fmt.Sprintf("i%d", step)
			q, err := r.Import(pr.cid, pid, stateBytes(t, p))
			if err != nil {
				t.Fatal(err)
			}
			learned[q] = append([]string(nil), learned[p]...)
			live = append(live, proj{pr.cid, pid})
		case "delete":
			i := rng.IntN(len(live))
			if err := r.Delete(live[i].cid, live[i].pid); err != nil {
				t.Fatal(err)
			}
			live = append(live[:i], live[i+1:]...)
		}
		checkAccounts(t, r, fmt.Sprintf("step %d (%s)", step, what))
		if what == "forget" {
			forgets++
		}
	}
	if forgets < 20 {
		t.Fatalf("only %d forgets: the mix no longer empties partitions", forgets)
	}
}

// TestNamesCountInProjectBytes is the long-names attack scaled down: learns that each add
// one long name fill the project's bytes; the learn past the limit is refused and changes
// nothing, and the project's encoding (snapshot, export) stays within the limit.
func TestNamesCountInProjectBytes(t *testing.T) {
	r := NewRegistry()
	const limit = 64 << 10
	r.SetLimits(Limits{MaxStateBytes: limit, MaxNameBytes: 16 << 10})
	p, err := r.Create("a", "p", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	opts := dataframe.Options{MaxNameBytes: 16 << 10}
	var refused error
	for i := 0; i < 40 && refused == nil; i++ {
		name := fmt.Sprintf("%05d", i) + strings.Repeat("n", 8<<10)
		f := frame(t, `{"attributeNames":["`+name+`"],"attributeTypes":["C"],"data":[["1"]]}`, opts)
		refused = p.Learn(f)
	}
	if !errors.Is(refused, ErrStateTooLarge) {
		t.Fatalf("40 learns of 8 KiB names into a %d-byte project: %v", limit, refused)
	}
	if b := p.Bytes(); b > limit {
		t.Fatalf("the project holds %d bytes, past its limit", b)
	}
	if n := len(stateBytes(t, p)); n > limit {
		t.Fatalf("the project encodes to %d bytes, past its limit", n)
	}
	name := strings.Repeat("m", 8<<10)
	unchanged(t, p, func() error {
		return p.Learn(frame(t, `{"attributeNames":["`+name+`"],"attributeTypes":["C"],"data":[["1"]]}`, opts))
	})
}

// TestPartitionValuesCountInProjectBytes: partition values are charged too.
func TestPartitionValuesCountInProjectBytes(t *testing.T) {
	r := NewRegistry()
	r.SetLimits(Limits{MaxStateBytes: 8 << 10, MaxNameBytes: 4 << 10})
	p, _ := r.Create("a", "p", "partition", map[string]string{"partitionSplit": "g"})
	opts := dataframe.Options{PartitionColumn: "g", MaxNameBytes: 4 << 10}
	var err error
	for i := 0; i < 10 && err == nil; i++ {
		v := fmt.Sprintf("%d", i) + strings.Repeat("v", 2<<10)
		err = p.Learn(frame(t, `{"attributeNames":["x","g"],"attributeTypes":["C","S"],"data":[["1","`+v+`"]]}`, opts))
	}
	if !errors.Is(err, ErrStateTooLarge) || p.Bytes() > 8<<10 {
		t.Fatalf("partition values past the limit: %v (%d bytes)", err, p.Bytes())
	}
}

// TestCustomerBudget: one customer filling its budget is refused on create, learn, merge,
// import and model builds, each counted with its sentinel; another customer is not
// affected; what a delete frees can be used again.
func TestCustomerBudget(t *testing.T) {
	r := NewRegistry()
	const budget = 64 << 10
	r.SetLimits(Limits{MaxCustomerBytes: budget})
	wide := func(prefix string, n int) string {
		names := make([]string, n)
		row := make([]string, n)
		for i := range names {
			names[i], row[i] = fmt.Sprintf("%s%d", prefix, i), "1"
		}
		return dfJSON(names, strings.Repeat("C", n), [][]string{row})
	}
	// Customer a: projects of 40 attributes (about 15 KiB each) until the budget is full.
	var full error
	var ps []*Project
	for i := 0; i < 10 && full == nil; i++ {
		var p *Project
		if p, full = r.Create("a", fmt.Sprintf("p%d", i), "", nil); full == nil {
			ps = append(ps, p)
			full = p.Learn(frame(t, wide("x", 40), dataframe.Options{}))
		}
	}
	if !errors.Is(full, ErrCustomerTooLarge) || !strings.Contains(full.Error(), "the customer's projects would take") {
		t.Fatalf("customer a never hit its budget: %v", full)
	}
	if used := r.CustomerBytes("a"); used > budget {
		t.Fatalf("customer a holds %d bytes, past %d", used, budget)
	}
	last := ps[len(ps)-1]
	for name, change := range map[string]func() error{
		"learn": func() error { return last.Learn(frame(t, wide("y", 40), dataframe.Options{})) },
		"merge": func() error { return r.Merge("a", last.ID(), ps[0].ID()) },
		"import": func() error {
			_, err := r.Import("a", "copy", stateBytes(t, ps[0]))
			return err
		},
	} {
		if err := change(); !errors.Is(err, ErrCustomerTooLarge) {
			t.Errorf("%s past the budget: %v", name, err)
		}
	}
	if used := r.CustomerBytes("a"); used > budget {
		t.Fatalf("customer a holds %d bytes, past %d", used, budget)
	}
	// Customer b is not affected.
	pb, err := r.Create("b", "p0", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := pb.Learn(frame(t, wide("x", 40), dataframe.Options{})); err != nil {
		t.Fatalf("customer b: %v", err)
	}
	// A delete gives customer a room again.
	if err := r.Delete("a", ps[0].ID()); err != nil {
		t.Fatal(err)
	}
	if err := last.Learn(frame(t, wide("y", 40), dataframe.Options{})); err != nil {
		t.Fatalf("customer a after a delete: %v", err)
	}
	checkAccounts(t, r, "end")
}

// TestCustomerBudgetUnderConcurrency: changes of many projects of one customer at once
// never take it past its budget, and the account stays exact.
func TestCustomerBudgetUnderConcurrency(t *testing.T) {
	r := NewRegistry()
	const budget = 256 << 10
	r.SetLimits(Limits{MaxCustomerBytes: budget})
	var wg sync.WaitGroup
	for g := range 8 {
		p, err := r.Create("a", fmt.Sprintf("p%d", g), "", nil)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var dp dataframe.Parser
			for i := range 200 {
				f, err := dp.Parse([]byte(fmt.Sprintf(`{"attributeNames":["x%d"],"attributeTypes":["C"],"data":[["1"]]}`, i)), dataframe.Options{})
				if err != nil {
					t.Error(err)
					return
				}
				if err := p.Learn(f); err != nil && !errors.Is(err, ErrCustomerTooLarge) {
					t.Error(err)
					return
				}
				if used := r.CustomerBytes("a"); used > budget {
					t.Errorf("customer holds %d bytes, past %d", used, budget)
					return
				}
			}
		}()
	}
	wg.Wait()
	if used := r.CustomerBytes("a"); used > budget || used < budget/2 {
		t.Fatalf("customer holds %d bytes of %d", used, budget)
	}
	checkAccounts(t, r, "end")
}

// TestModelsCountInProjectBytes: a model's encoding is charged to its project; a model
// that does not fit is refused, a delete gives its bytes back.
func TestModelsCountInProjectBytes(t *testing.T) {
	r := NewRegistry()
	p, _ := r.Create("a", "p", "", nil)
	learn(t, p, `{"attributeNames":["x","y","z"],"attributeTypes":["C","C","C"],"data":[["1","2","3"],["2","1","5"],["3","3","4"],["4","7","1"]]}`)
	before := p.Bytes()
	m, err := Build(p.Snapshot(), "mlr", "m", MLContext{Inputs: []string{"0", "1"}, Targets: []string{"2"}})
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := m.MarshalBinary()
	if err := p.PutModel(m); err != nil {
		t.Fatal(err)
	}
	if got, want := p.Bytes()-before, int64(modelOverhead+len(enc)); got != want {
		t.Fatalf("the model added %d bytes, want %d", got, want)
	}
	r.SetLimits(Limits{MaxStateBytes: p.Bytes() + 10})
	m2, _ := Build(p.Snapshot(), "mlr", "m2", MLContext{Inputs: []string{"0", "1"}, Targets: []string{"2"}})
	if err := p.PutModel(m2); !errors.Is(err, ErrStateTooLarge) {
		t.Fatalf("a model past the project's bytes: %v", err)
	}
	if !p.DeleteModel("m") || p.Bytes() != before || r.CustomerBytes("a") != before {
		t.Fatalf("after delete: %d bytes (customer %d), want %d", p.Bytes(), r.CustomerBytes("a"), before)
	}
}
