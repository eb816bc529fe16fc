package model

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

// budgetChange is one change admitted with a Reservation (check) and applied later
// (apply), as the store does around its log.
type budgetChange struct {
	name  string
	check func(res *Reservation) error
	apply func() error
}

// budgetScene is a customer "a" with a partition project p (partitions u and t, a model
// "m") and a project o to merge from, and changes of p of every kind that grows or
// shrinks it: learns adding attributes and partitions (some the same) or nothing, a merge,
// two puts of model "m" of different sizes, a model delete, and a forget that empties
// partition u while learns into u are pending.
func budgetScene(t *testing.T) (*Registry, []budgetChange) {
	t.Helper()
	r := NewRegistry()
	part := map[string]string{"partitionSplit": "g"}
	p, err := r.Create("a", "p", "partition", part)
	if err != nil {
		t.Fatal(err)
	}
	learn(t, p, `{"attributeNames":["x","y","z","g"],"attributeTypes":["C","C","C","S"],"data":[["1","2","0","u"],["2","1","1","u"],["3","5","0","t"],["4","2","1","t"],["5","7","3","t"]]}`)
	o, err := r.Create("a", "o", "partition", part)
	if err != nil {
		t.Fatal(err)
	}
	learn(t, o, `{"attributeNames":["x","m1","g"],"attributeTypes":["C","C","S"],"data":[["1","2","z"],["2","3","u"]]}`)
	build := func(inputs ...string) *Model {
		m, err := Build(p.Snapshot(), "mlr", "m", MLContext{InputNames: inputs, TargetNames: []string{"y"}})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	small, big := build("x"), build("x", "z")
	if big.size <= small.size {
		t.Fatalf("models of %d and %d bytes", small.size, big.size)
	}
	if err := p.PutModel(small); err != nil {
		t.Fatal(err)
	}
	lim := r.Limits()
	rowsChange := func(name, payload string, sign int) budgetChange {
		var rows Rows
		if err := rows.SetFrame(frame(t, payload, dataframe.Options{PartitionColumn: "g"})); err != nil {
			t.Fatal(err)
		}
		return budgetChange{name,
			func(res *Reservation) error { return p.CheckRows(&rows, sign, lim, res) },
			func() error { return p.ApplyRows(&rows, sign, lim, Stamp{}) }}
	}
	state := o.StateBinary()
	return r, []budgetChange{
		rowsChange("learn new attributes into u", `{"attributeNames":["x","a1","a2","a3","g"],"attributeTypes":["C","C","C","C","S"],"data":[["1","2","3","4","u"]]}`, 1),
		rowsChange("learn new partitions", `{"attributeNames":["x","g"],"attributeTypes":["C","S"],"data":[["1","v1"],["2","v2"],["3","v3"]]}`, 1),
		rowsChange("learn some of both again", `{"attributeNames":["x","a1","a2","g"],"attributeTypes":["C","C","C","S"],"data":[["1","2","3","v1"],["2","2","2","w"]]}`, 1),
		rowsChange("learn into u, adding nothing", `{"attributeNames":["x","y","g"],"attributeTypes":["C","C","S"],"data":[["7","1","u"]]}`, 1),
		rowsChange("forget partition u", `{"attributeNames":["x","y","z","g"],"attributeTypes":["C","C","C","S"],"data":[["1","2","0","u"],["2","1","1","u"]]}`, -1),
		{"merge", func(res *Reservation) error { return p.CheckMerge(state, lim, res) },
			func() error { return p.ApplyMerge(state, lim, Stamp{}) }},
		{"put the large model", func(res *Reservation) error { return p.CheckModel(big, lim, res) },
			func() error { return p.ApplyModel(big, lim, Stamp{}) }},
		{"put the small model", func(res *Reservation) error { return p.CheckModel(small, lim, res) },
			func() error { return p.ApplyModel(small, lim, Stamp{}) }},
		{"delete the model", func(*Reservation) error { return p.CheckUnmodel("m") },
			func() error { return p.ApplyUnmodel("m", Stamp{}) }},
	}
}

// realBytes is what customer cid's projects hold.
func realBytes(r *Registry, cid string) int64 {
	var sum int64
	r.Range(func(c string, p *Project) bool {
		if c == cid {
			sum += p.Bytes()
		}
		return true
	})
	return sum
}

// TestReservationsCoverEveryOrder: changes admitted together and applied in any order —
// some adding the same names, a forget emptying a partition a pending learn fills again,
// puts of one model of several sizes, a model delete — never raise the customer's
// account above what was admitted: each application and release lowers it or leaves it,
// it never falls below what the projects hold, and once nothing is pending it is exactly
// that.
func TestReservationsCoverEveryOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for round := range 200 {
		r, changes := budgetScene(t)
		res := make([]Reservation, len(changes))
		for i, c := range changes {
			if err := c.check(&res[i]); err != nil {
				t.Fatalf("check %s: %v", c.name, err)
			}
		}
		last := r.CustomerBytes("a")
		var order []string
		for _, i := range rng.Perm(len(changes)) {
			order = append(order, changes[i].name)
			err := changes[i].apply() // a refusal (the model deleted first, ...) is an outcome too
			for step, what := range []string{"applied", "released"} {
				if step == 1 {
					res[i].Release()
				}
				got, held := r.CustomerBytes("a"), realBytes(r, "a")
				if got > last || got < held {
					t.Fatalf("round %d, after %q (%v) %s: account %d, was %d, the projects hold %d; order %q",
						round, changes[i].name, err, what, got, last, held, order)
				}
				last = got
			}
		}
		checkAccounts(t, r, fmt.Sprintf("round %d", round))
	}
}

// TestPendingChangesCountAgainstTheBudget: a change admitted and not yet applied holds its
// growth: another that fits alone is refused while it is pending, admitted once it is
// released; a refusal holds nothing.
func TestPendingChangesCountAgainstTheBudget(t *testing.T) {
	r := NewRegistry()
	p, _ := r.Create("a", "p", "", nil)
	q, _ := r.Create("a", "q", "", nil)
	wide := func(prefix string, n int) *Rows {
		names := make([]string, n)
		row := make([]string, n)
		for i := range names {
			names[i], row[i] = fmt.Sprintf("%s%d", prefix, i), "1"
		}
		var rows Rows
		if err := rows.SetFrame(frame(t, dfJSON(names, strings.Repeat("C", n), [][]string{row}), dataframe.Options{})); err != nil {
			t.Fatal(err)
		}
		return &rows
	}
	r1, r2 := wide("x", 30), wide("y", 30)
	// Room for one 30-attribute learn, not two.
	var probe Reservation
	if err := p.CheckRows(r1, 1, r.Limits(), &probe); err != nil {
		t.Fatal(err)
	}
	one := r.CustomerBytes("a") - realBytes(r, "a")
	probe.Release()
	r.SetLimits(Limits{MaxCustomerBytes: realBytes(r, "a") + one + one/2})
	lim := r.Limits()
	var res1, res2 Reservation
	if err := p.CheckRows(r1, 1, lim, &res1); err != nil {
		t.Fatal(err)
	}
	before := r.CustomerBytes("a")
	if err := q.CheckRows(r2, 1, lim, &res2); !errors.Is(err, ErrCustomerTooLarge) {
		t.Fatalf("a second learn past the budget with the first pending: %v", err)
	}
	if r.CustomerBytes("a") != before || res2.p != nil {
		t.Fatal("the refused learn holds something")
	}
	res1.Release() // never applied: its record could not be made durable
	if got := r.CustomerBytes("a"); got != realBytes(r, "a") {
		t.Fatalf("after the release the account holds %d, the projects %d", got, realBytes(r, "a"))
	}
	if err := q.CheckRows(r2, 1, lim, &res2); err != nil {
		t.Fatalf("the second learn once the first is released: %v", err)
	}
	if err := q.ApplyRows(r2, 1, lim, Stamp{}); err != nil {
		t.Fatal(err)
	}
	res2.Release()
	checkAccounts(t, r, "end")
}

// TestModelReplacedAtTheBudget: a customer at its budget may replace a model with one of
// about the same size (it adds nothing but the difference), not publish a new one.
func TestModelReplacedAtTheBudget(t *testing.T) {
	r := NewRegistry()
	p, _ := r.Create("a", "p", "", nil)
	learn(t, p, `{"attributeNames":["x","y"],"attributeTypes":["C","C"],"data":[["1","2"],["2","1"],["3","5"],["4","4"]]}`)
	build := func(id string) *Model {
		m, err := Build(p.Snapshot(), "mlr", id, MLContext{InputNames: []string{"x"}, TargetNames: []string{"y"}})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if err := p.PutModel(build("m")); err != nil {
		t.Fatal(err)
	}
	// A model's encoding holds its build duration as a varint, so a rebuild may be a byte or
	// two longer or shorter: the budget leaves the width of that varint (10 bytes) free, far
	// less than a second model takes.
	r.SetLimits(Limits{MaxCustomerBytes: r.CustomerBytes("a") + 10})
	if err := p.PutModel(build("m")); err != nil {
		t.Fatalf("a rebuild of about the same size at the budget: %v", err)
	}
	if err := p.PutModel(build("n")); !errors.Is(err, ErrCustomerTooLarge) {
		t.Fatalf("a new model past the budget: %v", err)
	}
	checkAccounts(t, r, "end")
}

// TestApplicationIgnoresTheBudget: an application (a replay, a record of another node) is
// never refused for the customer's budget, which depends on other projects: it is charged
// what it adds, and the next change admitted is refused.
func TestApplicationIgnoresTheBudget(t *testing.T) {
	r := NewRegistry()
	p, _ := r.Create("a", "p", "", nil)
	r.SetLimits(Limits{MaxCustomerBytes: r.CustomerBytes("a")})
	var rows Rows
	if err := rows.SetFrame(frame(t, `{"attributeNames":["x","y"],"attributeTypes":["C","C"],"data":[["1","2"]]}`, dataframe.Options{})); err != nil {
		t.Fatal(err)
	}
	if err := p.CheckRows(&rows, 1, r.Limits(), new(Reservation)); !errors.Is(err, ErrCustomerTooLarge) {
		t.Fatalf("admission past the budget: %v", err)
	}
	if err := p.ApplyRows(&rows, 1, Limits{}, Stamp{Seq: 7}); err != nil {
		t.Fatalf("application past the budget: %v", err)
	}
	if r.CustomerBytes("a") != p.Bytes() || p.Rows() != 1 {
		t.Fatalf("account %d, project %d bytes", r.CustomerBytes("a"), p.Bytes())
	}
	if _, err := r.Create("a", "q", "", nil); !errors.Is(err, ErrCustomerTooLarge) {
		t.Fatalf("a create past the budget: %v", err)
	}
	checkAccounts(t, r, "end")
}

// TestPartitionEmptiedWhileALearnIsPending: a forget that empties a partition while a
// learn admitted into it is pending gives nothing back yet (the learn may make the
// partition again), so another project cannot take those bytes meanwhile; once the
// learn is released — here refused, the project frozen first — they go back.
func TestPartitionEmptiedWhileALearnIsPending(t *testing.T) {
	r := NewRegistry()
	part := map[string]string{"partitionSplit": "g"}
	p, _ := r.Create("a", "p", "partition", part)
	q, _ := r.Create("a", "q", "partition", part)
	learn(t, p, `{"attributeNames":["x","g"],"attributeTypes":["C","S"],"data":[["1","u"],["2","t"]]}`)
	learn(t, q, `{"attributeNames":["x","g"],"attributeTypes":["C","S"],"data":[["1","t"]]}`)
	rowsOf := func(payload string) *Rows {
		var rows Rows
		if err := rows.SetFrame(frame(t, payload, dataframe.Options{PartitionColumn: "g"})); err != nil {
			t.Fatal(err)
		}
		return &rows
	}
	into := rowsOf(`{"attributeNames":["x","g"],"attributeTypes":["C","S"],"data":[["5","u"]]}`)
	lim := r.Limits()
	var pending Reservation
	if err := p.CheckRows(into, 1, lim, &pending); err != nil {
		t.Fatal(err)
	}
	held := r.CustomerBytes("a")
	if err := p.ApplyRows(rowsOf(`{"attributeNames":["x","g"],"attributeTypes":["C","S"],"data":[["1","u"]]}`), -1, lim, Stamp{}); err != nil {
		t.Fatal(err)
	}
	if got := r.CustomerBytes("a"); got != held || realBytes(r, "a") >= held {
		t.Fatalf("after the forget emptied u: account %d (was %d), projects %d", got, held, realBytes(r, "a"))
	}
	// Exactly the room u took: q may not take it while the learn into u is pending.
	r.SetLimits(Limits{MaxCustomerBytes: held})
	var other Reservation
	if err := q.CheckRows(rowsOf(`{"attributeNames":["x","g"],"attributeTypes":["C","S"],"data":[["1","u"]]}`), 1, r.Limits(), &other); !errors.Is(err, ErrCustomerTooLarge) {
		t.Fatalf("another project takes the bytes of a partition a pending learn may make again: %v", err)
	}
	if err := p.ApplyFreeze(true, Stamp{}); err != nil {
		t.Fatal(err)
	}
	if err := p.ApplyRows(into, 1, lim, Stamp{}); !errors.Is(err, ErrFrozen) {
		t.Fatalf("learn into a frozen project: %v", err)
	}
	pending.Release()
	checkAccounts(t, r, "after the release")
	if err := q.CheckRows(rowsOf(`{"attributeNames":["x","g"],"attributeTypes":["C","S"],"data":[["1","u"]]}`), 1, r.Limits(), &other); err != nil {
		t.Fatalf("once nothing is pending: %v", err)
	}
	other.Release()
}
