package model

import "testing"

// TestLookupVersion: the version moves when a model is put, replaced or removed, not when
// rows are learned or a model is refused; deleting the project makes it not live, for good.
func TestLookupVersion(t *testing.T) {
	r := NewRegistry()
	p, err := r.Create("c1", "p", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	look := p.Lookup()
	version := func() uint64 {
		t.Helper()
		v, live := look.Version()
		if !live {
			t.Fatal("a registered project's lookup is not live")
		}
		return v
	}
	payload := dfJSON([]string{"x", "y"}, "CC", numRows([][]float64{{1, 2}, {2, 3.5}, {3, 6.5}, {4, 8}}))
	v0 := version()
	learn(t, p, payload)
	if version() != v0 {
		t.Fatal("learning moved the lookup version")
	}
	ctx := MLContext{InputNames: []string{"x"}, TargetNames: []string{"y"}}
	m, err := Build(p.Snapshot(), "mlr", "m1", ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.PutModel(m); err != nil {
		t.Fatal(err)
	}
	v1 := version()
	if v1 == v0 {
		t.Fatal("putting a model did not move the lookup version")
	}
	m2, err := Build(p.Snapshot(), "mlr", "m1", ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.PutModel(m2); err != nil {
		t.Fatal(err)
	}
	v2 := version()
	if v2 == v1 {
		t.Fatal("replacing a model did not move the lookup version")
	}
	if p.DeleteModel("nope") || version() != v2 {
		t.Fatal("removing no model moved the lookup version")
	}
	if !p.DeleteModel("m1") {
		t.Fatal("m1 not deleted")
	}
	v3 := version()
	if v3 == v2 {
		t.Fatal("removing a model did not move the lookup version")
	}
	if err := r.Delete("c1", "p"); err != nil {
		t.Fatal(err)
	}
	if _, live := look.Version(); live {
		t.Fatal("a deleted project's lookup is live")
	}
	if err := p.PutModel(m); err == nil {
		t.Fatal("a deleted project took a model")
	}
	if _, live := look.Version(); live {
		t.Fatal("a deleted project's lookup came back to life")
	}
	q, err := r.Create("c1", "p", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if q.Lookup() == look {
		t.Fatal("a new project of the same id shares the old one's lookup")
	}
	if _, live := q.Lookup().Version(); !live {
		t.Fatal("the new project's lookup is not live")
	}
}
