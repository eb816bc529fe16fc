package model

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/symscore/symscore/dataframe"
)

const twoRows = `{"attributeNames":["x","y"],"attributeTypes":["C","B"],"data":[["1.5","0"],["2","1"]]}`

// rowsOf is the Rows of a frame parsed from payload.
func rowsOf(t testing.TB, payload string, opts dataframe.Options) *Rows {
	t.Helper()
	var r Rows
	if err := r.SetFrame(frame(t, payload, opts)); err != nil {
		t.Fatal(err)
	}
	return &r
}

// TestApplyStampsOnlyValidChanges: every applied change records its sequence number;
// refused changes change nothing, Seq included.
func TestApplyStampsOnlyValidChanges(t *testing.T) {
	p := newTestProject(t, "", nil)
	if err := p.ApplyRows(rowsOf(t, twoRows, dataframe.Options{}), 1, Limits{}, Stamp{Seq: 1}); err != nil {
		t.Fatal(err)
	}
	if p.Seq() != 1 {
		t.Fatalf("after learn: seq %d", p.Seq())
	}
	// Refused: forgetting more rows than learned, a new attribute past the limits, a frozen
	// project, a column named twice.
	three := rowsOf(t, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"],["2"],["3"]]}`, dataframe.Options{})
	unchanged(t, p, func() error { return p.ApplyRows(three, -1, Limits{}, Stamp{Seq: 2}) })
	wide := rowsOf(t, `{"attributeNames":["a","b"],"attributeTypes":["C","C"],"data":[["1","2"]]}`, dataframe.Options{})
	if err := unchanged(t, p, func() error { return p.ApplyRows(wide, 1, Limits{MaxNewAttributes: 1}, Stamp{Seq: 3}) }); !errors.Is(err, ErrTooManyNewAttributes) {
		t.Fatalf("two new attributes past a limit of one: %v", err)
	}
	twice := &Rows{n: 1, cbNames: [][]byte{[]byte("x"), []byte("x")}, cbKinds: []dataframe.Type{dataframe.TypeC, dataframe.TypeC},
		vals: []float64{1, 2}, off: []int32{0, 0}}
	if err := unchanged(t, p, func() error { return p.ApplyRows(twice, 1, Limits{}, Stamp{Seq: 4}) }); err == nil {
		t.Fatal("a column named twice was learned")
	}
	if err := p.ApplyFreeze(true, Stamp{Seq: 5}); err != nil || !p.Frozen() || p.Seq() != 5 {
		t.Fatalf("freeze: %v, frozen %v, seq %d", err, p.Frozen(), p.Seq())
	}
	if err := unchanged(t, p, func() error { return p.ApplyRows(rowsOf(t, twoRows, dataframe.Options{}), 1, Limits{}, Stamp{Seq: 6}) }); !errors.Is(err, ErrFrozen) {
		t.Fatalf("learn into a frozen project: %v", err)
	}
	if err := p.CheckRows(rowsOf(t, twoRows, dataframe.Options{}), 1, Limits{}, nil); !errors.Is(err, ErrFrozen) {
		t.Fatalf("CheckRows of a frozen project: %v", err)
	}
}

// TestApplyModels: publishing and deleting models records the sequence number; deleting
// a missing model changes nothing; the encoding carries models and Seq together.
func TestApplyModels(t *testing.T) {
	p := newTestProject(t, "", nil)
	learn(t, p, twoRows)
	learn(t, p, `{"attributeNames":["x","y"],"attributeTypes":["C","B"],"data":[["3","1"],["0.5","0"]]}`)
	m, err := Build(p.Snapshot(), "mlr", "m1", MLContext{InputNames: []string{"y"}, TargetNames: []string{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.ApplyModel(m, Limits{}, Stamp{Seq: 42}); err != nil || p.Seq() != 42 {
		t.Fatalf("ApplyModel: %v, seq %d", err, p.Seq())
	}
	data, seq, err := p.Checkpoint()
	if err != nil || seq != 42 {
		t.Fatalf("Checkpoint: seq %d, %v", seq, err)
	}
	q, err := UnmarshalProject(data)
	if err != nil {
		t.Fatal(err)
	}
	if q.Seq() != 42 || len(q.Models()) != 1 || !bytes.Equal(stateBytes(t, q), data) {
		t.Fatalf("decoded: seq %d, %d models, same bytes %v", q.Seq(), len(q.Models()), bytes.Equal(stateBytes(t, q), data))
	}
	if err := p.ApplyUnmodel("nope", Stamp{Seq: 43}); !errors.Is(err, ErrModelNotFound) || p.Seq() != 42 {
		t.Fatalf("delete of a missing model: %v, seq %d", err, p.Seq())
	}
	if err := p.CheckUnmodel("m1"); err != nil {
		t.Fatal(err)
	}
	if err := p.ApplyUnmodel("m1", Stamp{Seq: 43}); err != nil || len(p.Models()) != 0 || p.Seq() != 43 {
		t.Fatalf("ApplyUnmodel: %v, %d models, seq %d", err, len(p.Models()), p.Seq())
	}
	if err := p.ApplyModel(m, Limits{MaxModels: 1}, Stamp{Seq: 44}); err != nil {
		t.Fatal(err)
	}
	m2, _ := Build(p.Snapshot(), "mlr", "m2", MLContext{InputNames: []string{"y"}, TargetNames: []string{"x"}})
	if err := p.CheckModel(m2, Limits{MaxModels: 1}, nil); !errors.Is(err, ErrTooManyModels) {
		t.Fatalf("CheckModel past the limit: %v", err)
	}
	if err := p.ApplyModel(m2, Limits{MaxModels: 1}, Stamp{Seq: 45}); !errors.Is(err, ErrTooManyModels) || p.Seq() != 44 {
		t.Fatalf("ApplyModel past the limit: %v, seq %d", err, p.Seq())
	}
}

// TestRegistryIsolatesCustomers: a customer never sees, gets, deletes or merges another
// customer's project, even one of the same id.
func TestRegistryIsolatesCustomers(t *testing.T) {
	r := NewRegistry()
	a, err := r.Create("c1", "shared", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	learn(t, a, twoRows)
	if _, err := r.Create("c1", "shared", "", nil); !errors.Is(err, ErrProjectExists) {
		t.Fatalf("second create: %v", err)
	}
	if _, err := r.Create("c1", "only-c1", "", nil); err != nil {
		t.Fatal(err)
	}
	b, err := r.Create("c2", "shared", "", nil)
	if err != nil {
		t.Fatalf("another customer's project of the same id: %v", err)
	}
	if a == b || b.Rows() != 0 {
		t.Fatal("customers share a project")
	}
	if got := r.List("c2"); len(got) != 1 || got[0] != "shared" {
		t.Fatalf("c2 lists %v", got)
	}
	if got := r.List("c1"); len(got) != 2 || got[0] != "only-c1" || got[1] != "shared" {
		t.Fatalf("c1 lists %v", got)
	}
	if _, err := r.Get("c2", "only-c1"); !errors.Is(err, ErrProjectNotFound) {
		t.Fatalf("c2 gets c1's project: %v", err)
	}
	if err := r.Delete("c2", "only-c1"); !errors.Is(err, ErrProjectNotFound) {
		t.Fatalf("c2 deletes c1's project: %v", err)
	}
	if err := r.Merge("c2", "shared", "only-c1"); !errors.Is(err, ErrProjectNotFound) {
		t.Fatalf("c2 merges c1's project: %v", err)
	}
	if _, err := r.Get("c1", "only-c1"); err != nil {
		t.Fatal("c1's project is gone")
	}
	if got := r.List("nobody"); len(got) != 0 {
		t.Fatalf("unknown customer lists %v", got)
	}
}

// TestRegistryDeleteRetires: a deleted project refuses every change through a pointer
// obtained before, and its id can be created again, empty.
func TestRegistryDeleteRetires(t *testing.T) {
	r := NewRegistry()
	p, _ := r.Create("c1", "p", "", nil)
	learn(t, p, twoRows)
	if err := r.ApplyDelete("c1", "p", Stamp{Seq: 7}); err != nil {
		t.Fatalf("ApplyDelete: %v", err)
	}
	rows := rowsOf(t, twoRows, dataframe.Options{})
	var d Delta
	d.Reset(false)
	if err := d.AddRows(rows); err != nil {
		t.Fatal(err)
	}
	m, _ := Build(p.Snapshot(), "mlr", "m", MLContext{InputNames: []string{"y"}, TargetNames: []string{"x"}})
	for name, change := range map[string]func() error{
		"learn":        func() error { return p.ApplyRows(rows, 1, Limits{}, Stamp{Seq: 8}) },
		"forget":       func() error { return p.ApplyRows(rows, -1, Limits{}, Stamp{Seq: 8}) },
		"learn delta":  func() error { return p.ApplyDelta(&d, 1, Limits{}, Stamp{Seq: 8}) },
		"forget delta": func() error { return p.ApplyDelta(&d, -1, Limits{}, Stamp{Seq: 8}) },
		"freeze":       func() error { return p.ApplyFreeze(true, Stamp{Seq: 8}) },
		"merge":        func() error { return p.ApplyMerge(p.StateBinary(), Limits{}, Stamp{Seq: 8}) },
		"model":        func() error { return p.ApplyModel(m, Limits{}, Stamp{Seq: 8}) },
		"unmodel":      func() error { return p.ApplyUnmodel("m", Stamp{Seq: 8}) },
		"check":        func() error { return p.CheckRows(rows, 1, Limits{}, nil) },
	} {
		if err := change(); !errors.Is(err, ErrProjectNotFound) {
			t.Errorf("%s on a deleted project: %v", name, err)
		}
	}
	if p.Seq() != 7 {
		t.Fatalf("a deleted project applied a change: seq %d", p.Seq())
	}
	if p.Rows() != 2 {
		t.Fatal("a deleted project is no longer readable")
	}
	q, err := r.Create("c1", "p", "", nil)
	if err != nil || q.Rows() != 0 {
		t.Fatalf("create after delete: %v, %d rows", err, q.Rows())
	}
	if err := r.Delete("c1", "missing"); !errors.Is(err, ErrProjectNotFound) {
		t.Fatalf("delete of a missing project: %v", err)
	}
}

// TestCheckNewProject: an existing id and the customer's project limit, counting the
// projects reserved by creates not yet applied, are refused; ApplyCreate leaves the limit to
// that check.
func TestCheckNewProject(t *testing.T) {
	r := NewRegistry()
	r.SetLimits(Limits{MaxProjects: 2})
	if _, err := r.Create("c1", "a", "", nil); err != nil {
		t.Fatal(err)
	}
	if err := r.CheckNewProject("c1", "a", 0); !errors.Is(err, ErrProjectExists) {
		t.Fatalf("existing id: %v", err)
	}
	if err := r.CheckNewProject("c1", "b", 0); err != nil {
		t.Fatalf("second project: %v", err)
	}
	if err := r.CheckNewProject("c1", "b", 1); !errors.Is(err, ErrTooManyProjects) {
		t.Fatalf("second project with one reserved: %v", err)
	}
	if err := r.CheckNewProject("", "b", 0); err == nil {
		t.Fatal("empty customer id accepted")
	}
	for _, pid := range []string{"b", "c"} {
		if _, err := r.ApplyCreate("c1", pid, "", nil, Stamp{Seq: 3}); err != nil {
			t.Fatalf("ApplyCreate %s: %v", pid, err)
		}
	}
	if _, err := r.ApplyCreate("c1", "c", "", nil, Stamp{Seq: 4}); !errors.Is(err, ErrProjectExists) {
		t.Fatalf("ApplyCreate of an existing id: %v", err)
	}
	// Ids are judged when a create is admitted (NewProject), under the rules of the day;
	// the application of a logged create takes the id it holds, as older rules accepted it.
	if _, err := r.NewProject("my project", "", nil); err == nil {
		t.Fatal("an id with a space admitted")
	}
	if _, err := r.ApplyCreate("c1", "my project", "", nil, Stamp{Seq: 5}); err != nil {
		t.Fatalf("ApplyCreate of an id older rules accepted: %v", err)
	}
	if _, err := r.ApplyCreate("c1", "d", "partition", nil, Stamp{}); err == nil {
		t.Fatal("a partition project without partitionSplit created")
	}
}

// TestRegistryImport: an exported project imported under another id has the same state;
// malformed encodings and existing ids are refused.
func TestRegistryImport(t *testing.T) {
	r := NewRegistry()
	p, _ := r.Create("c1", "src", "partition", map[string]string{"partitionSplit": "g"})
	learn(t, p, `{"attributeNames":["x","g"],"attributeTypes":["C","T"],"data":[["1","a"],["2","b"],["4","a"]]}`)
	data := stateBytes(t, p)
	q, err := r.ApplyImport("c2", "copy", data, Limits{}, Stamp{})
	if err != nil {
		t.Fatal(err)
	}
	if q.ID() != "copy" || !bytes.Equal(statsBytes(q), statsBytes(p)) || q.Type() != TypePartition {
		t.Fatalf("imported project differs: id %q", q.ID())
	}
	if _, err := r.ApplyImport("c2", "copy", data, Limits{}, Stamp{}); !errors.Is(err, ErrProjectExists) {
		t.Fatalf("import over an existing project: %v", err)
	}
	for i := 0; i < len(data); i += 7 {
		if _, err := r.ApplyImport("c2", "cut", data[:i], Limits{}, Stamp{}); err == nil {
			t.Fatalf("import of %d of %d bytes succeeded", i, len(data))
		}
	}
	if _, err := DecodeImport("a/b", data, Limits{}); err == nil {
		t.Fatal("import under an invalid id admitted")
	}
	if _, err := r.ApplyImport("c2", "old id", data, Limits{}, Stamp{}); err != nil {
		t.Fatalf("ApplyImport under an id older rules accepted: %v", err)
	}
}

// TestMergeStateEqualsMerge: folding an encoded state gives the same statistics as Merge.
func TestMergeStateEqualsMerge(t *testing.T) {
	r := NewRegistry()
	a, _ := r.Create("c1", "a", "", nil)
	b, _ := r.Create("c1", "b", "", nil)
	c, _ := r.Create("c1", "c", "", nil)
	learn(t, a, twoRows)
	learn(t, c, twoRows)
	learn(t, b, `{"attributeNames":["z","x"],"attributeTypes":["C","C"],"data":[["7","3"],["8","1.25"]]}`)
	if err := r.Merge("c1", "a", "b"); err != nil {
		t.Fatal(err)
	}
	if err := c.ApplyMerge(b.StateBinary(), Limits{}, Stamp{Seq: 9}); err != nil || c.Seq() != 9 {
		t.Fatalf("ApplyMerge: %v", err)
	}
	if !bytes.Equal(statsBytes(a), statsBytes(c)) {
		t.Fatal("ApplyMerge differs from Merge")
	}
	if err := r.Merge("c1", "a", "a"); err == nil {
		t.Fatal("a project merged into itself")
	}
	if err := c.CheckMerge([]byte("garbage"), Limits{}, nil); err == nil {
		t.Fatal("CheckMerge of garbage accepted")
	}
	if err := c.ApplyMerge([]byte("garbage"), Limits{}, Stamp{Seq: 10}); err == nil || c.Seq() != 9 {
		t.Fatalf("merge of garbage: %v", err)
	}
}

// TestStampTimes: a stamp's time becomes the creation date of a created project and the
// modification date of learn, forget and merge, so a replay restores the dates; an older
// stamp never moves the modification date back.
func TestStampTimes(t *testing.T) {
	r := NewRegistry()
	at := time.Date(2024, 2, 29, 12, 0, 0, 0, time.FixedZone("x", 3600))
	p, err := r.ApplyCreate("c1", "p", "", nil, Stamp{Seq: 1, At: at})
	if err != nil {
		t.Fatal(err)
	}
	info := p.Info()
	if !info.CreationDate.Equal(at) || !info.LastModificationDate.Equal(at) || info.CreationDate.Location() != time.UTC {
		t.Fatalf("created %v, modified %v, want %v in UTC", info.CreationDate, info.LastModificationDate, at)
	}
	if !p.Created().Equal(at) {
		t.Fatalf("Created %v", p.Created())
	}
	later := at.Add(time.Hour)
	if err := p.ApplyRows(rowsOf(t, twoRows, dataframe.Options{}), 1, Limits{}, Stamp{Seq: 2, At: later}); err != nil {
		t.Fatal(err)
	}
	if info := p.Info(); !info.LastModificationDate.Equal(later) || !info.CreationDate.Equal(at) {
		t.Fatalf("after learn: created %v, modified %v", info.CreationDate, info.LastModificationDate)
	}
	if err := p.ApplyRows(rowsOf(t, twoRows, dataframe.Options{}), 1, Limits{}, Stamp{Seq: 3, At: at}); err != nil {
		t.Fatal(err)
	}
	if info := p.Info(); !info.LastModificationDate.Equal(later) || p.Seq() != 3 {
		t.Fatalf("an older stamp moved the date to %v", info.LastModificationDate)
	}
	latest := at.Add(2 * time.Hour)
	if err := p.ApplyMerge(p.StateBinary(), Limits{}, Stamp{Seq: 4, At: latest}); err != nil {
		t.Fatal(err)
	}
	if info := p.Info(); !info.LastModificationDate.Equal(latest) {
		t.Fatalf("after merge: modified %v", info.LastModificationDate)
	}
}

// TestProjectAndModelCounts: a customer's projects and a project's models are bounded; a
// rebuild under an existing id is not a new model; an import past the limits is refused.
func TestProjectAndModelCounts(t *testing.T) {
	r := NewRegistry()
	r.SetLimits(Limits{MaxProjects: 2, MaxModels: 1, MaxPartitions: 1})
	p, _ := r.Create("c1", "a", "", nil)
	if _, err := r.Create("c1", "b", "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Create("c1", "c", "", nil); !errors.Is(err, ErrTooManyProjects) {
		t.Fatalf("third project: %v", err)
	}
	if _, err := r.Create("c2", "c", "", nil); err != nil {
		t.Fatalf("another customer's first project: %v", err)
	}
	learn(t, p, twoRows)
	learn(t, p, `{"attributeNames":["x","y"],"attributeTypes":["C","B"],"data":[["3","1"],["0.5","0"]]}`)
	build := func(id string) *Model {
		m, err := Build(p.Snapshot(), "mlr", id, MLContext{InputNames: []string{"y"}, TargetNames: []string{"x"}})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if err := p.PutModel(build("m1")); err != nil {
		t.Fatal(err)
	}
	if err := p.PutModel(build("m1")); err != nil {
		t.Fatalf("rebuild of m1: %v", err)
	}
	if err := p.PutModel(build("m2")); !errors.Is(err, ErrTooManyModels) || len(p.Models()) != 1 {
		t.Fatalf("second model: %v (%d models)", err, len(p.Models()))
	}
	part, _ := NewProject("x", "partition", map[string]string{"partitionSplit": "g"})
	learn(t, part, `{"attributeNames":["v","g"],"attributeTypes":["C","S"],"data":[["1","a"],["2","b"]]}`)
	if _, err := r.ApplyImport("c2", "x", stateBytes(t, part), r.Limits(), Stamp{}); !errors.Is(err, ErrTooManyPartitions) {
		t.Fatalf("import past the partition limit: %v", err)
	}
}
