package model

import (
	"bytes"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/symscore/symscore/dataframe"
)

// recorder is an Observer that keeps what it hears.
type recorder struct{ changes []Change }

func (r *recorder) Applied(_ *Project, c Change) { r.changes = append(r.changes, c) }

// TestVersionCountsAppliedChanges: every applied change, of every kind, adds one to the
// version and is heard by the observer in order; refused and empty changes count nothing.
func TestVersionCountsAppliedChanges(t *testing.T) {
	r := NewRegistry()
	p, err := r.Create("c", "p", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	other, err := r.Create("c", "q", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	learn(t, other, `{"attributeNames":["x","z"],"attributeTypes":["C","C"],"data":[["1","2"],["3","5"]]}`)
	rec := &recorder{}
	if v, err := p.Observe(rec); err != nil || v != 0 {
		t.Fatalf("Observe = %d, %v; want 0 on a new project", v, err)
	}
	learn(t, p, `{"attributeNames":["x","y"],"attributeTypes":["C","B"],"data":[["1","0"],["2","1"],["4","1"]]}`)
	forget(t, p, `{"attributeNames":["x","y"],"attributeTypes":["C","B"],"data":[["4","1"]]}`)
	// Refused: frozen is checked before anything; an empty frame (all rows skipped) is no
	// change.
	if err := p.Forget(frame(t, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"],["1"],["1"]]}`, dataframe.Options{})); err == nil {
		t.Fatal("forgetting more rows than held succeeded")
	}
	learnSkipped := frame(t, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["a"]],"errorHandling":1}`, dataframe.Options{})
	if learnSkipped.Rows != 0 {
		t.Fatalf("frame has %d rows", learnSkipped.Rows)
	}
	if err := p.Learn(learnSkipped); err != nil {
		t.Fatal(err)
	}
	if err := r.Merge("c", "p", "q"); err != nil {
		t.Fatal(err)
	}
	p.SetFrozen(true)
	if err := p.Learn(frame(t, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`, dataframe.Options{})); !errors.Is(err, ErrFrozen) {
		t.Fatalf("learn into a frozen project: %v", err)
	}
	p.SetFrozen(false)
	m, err := Build(p.Snapshot(), "mlr", "m1", MLContext{InputNames: []string{"x"}, TargetNames: []string{"z"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.PutModel(m); err != nil {
		t.Fatal(err)
	}
	if err := p.ApplyUnmodel("nope", Stamp{}); err == nil {
		t.Fatal("deleting a missing model succeeded")
	}
	if !p.DeleteModel("m1") {
		t.Fatal("DeleteModel(m1) = false")
	}
	if err := r.Delete("c", "p"); err != nil {
		t.Fatal(err)
	}

	want := []struct {
		op    ChangeOp
		rows  int64
		attrs int
		model string
	}{
		{OpLearn, 3, 2, ""}, {OpForget, 1, 2, ""}, {OpMerge, 2, 3, ""}, {OpFreeze, 0, 3, ""},
		{OpUnfreeze, 0, 3, ""}, {OpModelBuilt, 0, 3, "m1"}, {OpModelDeleted, 0, 3, "m1"}, {OpDelete, 0, 3, ""},
	}
	if len(rec.changes) != len(want) {
		t.Fatalf("heard %d changes, want %d: %+v", len(rec.changes), len(want), rec.changes)
	}
	for i, w := range want {
		c := rec.changes[i]
		version := uint64(min(i+1, 7)) // a delete does not count
		if c.Op != w.op || c.Rows != w.rows || c.Attributes != w.attrs || c.ModelID != w.model || c.Version != version || c.At.IsZero() {
			t.Errorf("change %d = %+v, want %v rows %d attributes %d model %q version %d", i, c, w.op, w.rows, w.attrs, w.model, version)
		}
		if w.model != "" && c.ModelType != "mlr" {
			t.Errorf("change %d model type %q", i, c.ModelType)
		}
	}
	if p.Version() != 7 {
		t.Fatalf("Version = %d, want 7", p.Version())
	}
	if _, err := p.Observe(rec); !errors.Is(err, ErrProjectNotFound) {
		t.Fatalf("Observe on a deleted project: %v", err)
	}
}

// TestVersionEncoded: the version is part of the encoding (a snapshot restores it), and
// an encoding of version 1, which has none, decodes as 0.
func TestVersionEncoded(t *testing.T) {
	p := newTestProject(t, "cpu", nil)
	learn(t, p, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"],["2"]]}`)
	learn(t, p, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["3"]]}`)
	p.SetFrozen(true)
	b := stateBytes(t, p)
	q, err := UnmarshalProject(b)
	if err != nil {
		t.Fatal(err)
	}
	if q.Version() != 3 {
		t.Fatalf("decoded version %d, want 3", q.Version())
	}
	// Version 1: the same bytes without the change counter (after magic, version byte,
	// three strings, frozen, two dates and seq).
	hdr := len(projectCodecMagic) + 1 + 1 + len("p1") + 1 + len("cpu") + 1 + 1 + 8 + 8 + 8
	v1 := append(append([]byte(nil), b[:hdr]...), b[hdr+8:]...)
	v1[len(projectCodecMagic)] = projectCodecVersion1
	q, err = UnmarshalProject(v1)
	if err != nil {
		t.Fatal(err)
	}
	if q.Version() != 0 || q.Rows() != 3 || !q.Frozen() {
		t.Fatalf("version 1 decoded: version %d, rows %d, frozen %v", q.Version(), q.Rows(), q.Frozen())
	}
	b[len(projectCodecMagic)] = 3
	if _, err := UnmarshalProject(b); err == nil {
		t.Fatal("version 3 decoded")
	}
}

// TestReadIsExplore: Read's uni and bi values are explore's, bit for bit, for every
// attribute, named ones, pairs in both orders, and names the project lacks.
func TestReadIsExplore(t *testing.T) {
	p := newTestProject(t, "cpu", nil)
	learn(t, p, dfJSON([]string{"a", "b", "s"}, "CCT", [][]string{
		{"1e9", "0.5", "u"}, {"1000000001.25", "-3", "v"}, {"999999998.5", "7.75", "u"}, {"1000000000", "2", "w"},
	}))
	learn(t, p, dfJSON([]string{"c"}, "B", [][]string{{"1"}, {"0"}, {"1"}}))
	snap := p.Snapshot()
	var r Reading
	p.Read(&ReadRequest{All: true, Pairs: [][2]string{{"a", "b"}, {"b", "a"}, {"a", "s$u"}, {"c", "a"}, {"a", "nope"}}}, &r)
	if r.Version != 2 || r.Rows != 7 || len(r.Names) != 6 || len(r.Uni) != 6 || len(r.Bi) != 5 {
		t.Fatalf("reading %+v", r)
	}
	same := func(what string, got, want float64) {
		t.Helper()
		if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("%s = %v, explore says %v", what, got, want)
		}
	}
	for i, name := range snap.Names {
		st, err := Explore(snap, "uni", MLContext{InputNames: []string{name}})
		if err != nil {
			t.Fatal(err)
		}
		u := r.Uni[i]
		if u.Index != i {
			t.Fatalf("Uni[%d].Index = %d", i, u.Index)
		}
		got := []float64{u.Count, u.Mean, u.Variance, u.Stddev, u.Min, u.Max, u.Stderr}
		for k, s := range st {
			same(name+"."+s.Key, got[k], s.Value)
		}
	}
	for k, pr := range [][2]string{{"a", "b"}, {"b", "a"}, {"a", "s$u"}, {"c", "a"}} {
		st, err := Explore(snap, "bi", MLContext{InputNames: pr[:]})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Bi[k].Found {
			t.Fatalf("pair %v not found", pr)
		}
		same(pr[0]+","+pr[1]+" covar", r.Bi[k].Covar, st[0].Value)
		same(pr[0]+","+pr[1]+" linCorr", r.Bi[k].LinCorr, st[1].Value)
	}
	if r.Bi[4].Found {
		t.Fatal("a pair with a missing name was found")
	}

	p.Read(&ReadRequest{Names: []string{"b", "zz", "s$w"}}, &r)
	if len(r.Uni) != 3 || r.Uni[0].Index != 1 || r.Uni[1].Index != -1 || r.Uni[2].Index != 4 {
		t.Fatalf("named reading %+v", r.Uni)
	}
	if r.Uni[0].Mean != snap.Total.Mean[1] {
		t.Fatalf("b's mean %v, snapshot %v", r.Uni[0].Mean, snap.Total.Mean[1])
	}
}

// TestReadEmpty: with no rows, counts are 0 and the ratios undefined (NaN), never a
// division by zero panic or a stale value.
func TestReadEmpty(t *testing.T) {
	p := newTestProject(t, "cpu", nil)
	learn(t, p, `{"attributeNames":["x","y"],"attributeTypes":["C","C"],"data":[["1","2"]]}`)
	forget(t, p, `{"attributeNames":["x","y"],"attributeTypes":["C","C"],"data":[["1","2"]]}`)
	var r Reading
	p.Read(&ReadRequest{Names: []string{"x"}, Pairs: [][2]string{{"x", "y"}}}, &r)
	u := r.Uni[0]
	if r.Rows != 0 || u.Count != 0 || u.Mean != 0 || !math.IsNaN(u.Variance) || !math.IsNaN(u.Stderr) || u.Min != 1 || u.Max != 1 {
		t.Fatalf("empty reading %+v", u)
	}
	if b := r.Bi[0]; !b.Found || !math.IsNaN(b.Covar) || !math.IsNaN(b.LinCorr) {
		t.Fatalf("empty pair %+v", b)
	}
}

// TestVersionNotCountedWhenApplicationRefuses: a change refused when its record is applied
// (a forget that the changes logged before it made too large) changes nothing, the
// version included, and no observer hears of it.
func TestVersionNotCountedWhenApplicationRefuses(t *testing.T) {
	p := newTestProject(t, "cpu", nil)
	learn(t, p, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"],["2"]]}`)
	rec := &recorder{}
	if _, err := p.Observe(rec); err != nil {
		t.Fatal(err)
	}
	r := getRows()
	defer putRows(r)
	if err := r.SetFrame(frame(t, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"],["2"],["3"]]}`, dataframe.Options{})); err != nil {
		t.Fatal(err)
	}
	before := stateBytes(t, p)
	if err := p.ApplyRows(r, -1, Limits{}, Stamp{Seq: 9, At: time.Unix(5, 0)}); err == nil {
		t.Fatal("forgetting 3 rows of 2 applied")
	}
	if !bytes.Equal(before, stateBytes(t, p)) || p.Version() != 1 || len(rec.changes) != 0 {
		t.Fatalf("a refused application changed the project: version %d, heard %+v", p.Version(), rec.changes)
	}
}
