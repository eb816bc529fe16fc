package model

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/symscore/symscore/dataframe"
)

// journal is a Commit source that records what was committed.
type journal struct {
	next  uint64
	calls int
	fail  error     // returned instead of a sequence number when set
	at    time.Time // the time of every change; zero means now
}

func (j *journal) commit() (uint64, time.Time, error) {
	j.calls++
	if j.fail != nil {
		return 0, time.Time{}, j.fail
	}
	j.next++
	return j.next, j.at, nil
}

const twoRows = `{"attributeNames":["x","y"],"attributeTypes":["C","B"],"data":[["1.5","0"],["2","1"]]}`

// TestCommitOnlyValidChanges: every accepted change commits exactly once and records the
// sequence number; refused changes never commit; a failing commit applies nothing.
func TestCommitOnlyValidChanges(t *testing.T) {
	p := newTestProject(t, "", nil)
	j := &journal{}
	f := frame(t, twoRows, dataframe.Options{})
	if err := p.LearnWith(f, j.commit); err != nil {
		t.Fatal(err)
	}
	if j.calls != 1 || p.Seq() != 1 {
		t.Fatalf("after learn: %d commits, seq %d", j.calls, p.Seq())
	}
	// Refused: forgetting more rows than learned, a bad B value, a frozen project.
	three := frame(t, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"],["2"],["3"]]}`, dataframe.Options{})
	unchanged(t, p, func() error { return p.ForgetWith(three, j.commit) })
	bad := &dataframe.Frame{Names: [][]byte{[]byte("y")}, Kinds: []dataframe.Type{dataframe.TypeB}, Base: []int{-1}, Rows: 1, Vals: []float64{2}}
	unchanged(t, p, func() error { return p.LearnWith(bad, j.commit) })
	if j.calls != 1 {
		t.Fatalf("refused changes committed: %d commits", j.calls)
	}
	// A failing commit: nothing applied, the error is returned as is.
	boom := errors.New("log failed")
	j.fail = boom
	if err := unchanged(t, p, func() error { return p.LearnWith(f, j.commit) }); !errors.Is(err, boom) {
		t.Fatalf("learn with a failing commit: %v", err)
	}
	if err := unchanged(t, p, func() error { return p.SetFrozenWith(true, j.commit) }); !errors.Is(err, boom) {
		t.Fatalf("freeze with a failing commit: %v", err)
	}
	j.fail = nil
	if err := p.SetFrozenWith(true, j.commit); err != nil || !p.Frozen() || p.Seq() != 2 {
		t.Fatalf("freeze: %v, frozen %v, seq %d", err, p.Frozen(), p.Seq())
	}
	calls := j.calls
	if err := unchanged(t, p, func() error { return p.LearnWith(f, j.commit) }); !errors.Is(err, ErrFrozen) || j.calls != calls {
		t.Fatalf("learn into a frozen project: %v (%d commits)", err, j.calls-calls)
	}
}

// TestCommitModels: publishing and deleting models commits; deleting a missing model does
// not; the encoding carries models and Seq together.
func TestCommitModels(t *testing.T) {
	p := newTestProject(t, "", nil)
	learn(t, p, twoRows)
	learn(t, p, `{"attributeNames":["x","y"],"attributeTypes":["C","B"],"data":[["3","1"],["0.5","0"]]}`)
	m, err := Build(p.Snapshot(), "mlr", "m1", MLContext{InputNames: []string{"y"}, TargetNames: []string{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	j := &journal{next: 41}
	if err := p.PutModelWith(m, j.commit); err != nil || p.Seq() != 42 {
		t.Fatalf("PutModelWith: %v, seq %d", err, p.Seq())
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
	if err := p.DeleteModelWith("nope", j.commit); !errors.Is(err, ErrModelNotFound) || j.calls != 1 {
		t.Fatalf("delete of a missing model: %v, %d commits", err, j.calls)
	}
	if err := p.DeleteModelWith("m1", j.commit); err != nil || len(p.Models()) != 0 || p.Seq() != 43 {
		t.Fatalf("DeleteModelWith: %v, %d models, seq %d", err, len(p.Models()), p.Seq())
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
	j := &journal{}
	if err := r.DeleteWith("c1", "p", j.commit); err != nil || j.calls != 1 {
		t.Fatalf("DeleteWith: %v, %d commits", err, j.calls)
	}
	f := frame(t, twoRows, dataframe.Options{})
	for name, change := range map[string]func() error{
		"learn":  func() error { return p.LearnWith(f, j.commit) },
		"forget": func() error { return p.ForgetWith(f, j.commit) },
		"freeze": func() error { return p.SetFrozenWith(true, j.commit) },
		"merge":  func() error { return p.MergeStateWith(p.StateBinary(), j.commit) },
		"model":  func() error { return p.DeleteModelWith("m", j.commit) },
	} {
		if err := change(); !errors.Is(err, ErrProjectNotFound) {
			t.Errorf("%s on a deleted project: %v", name, err)
		}
	}
	if j.calls != 1 {
		t.Fatalf("a deleted project committed %d changes", j.calls-1)
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

// TestRegistryCommitFailures: a failing commit leaves the registry as it was.
func TestRegistryCommitFailures(t *testing.T) {
	r := NewRegistry()
	boom := errors.New("log failed")
	fail := func() (uint64, time.Time, error) { return 0, time.Time{}, boom }
	if _, err := r.CreateWith("c1", "p", "", nil, fail); !errors.Is(err, boom) || len(r.List("c1")) != 0 {
		t.Fatalf("create with a failing commit: %v, %v", err, r.List("c1"))
	}
	p, _ := r.Create("c1", "p", "", nil)
	if err := r.DeleteWith("c1", "p", fail); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if got, err := r.Get("c1", "p"); err != nil || got != p {
		t.Fatal("a delete whose commit failed removed the project")
	}
	learn(t, p, twoRows)
	if err := p.LearnWith(frame(t, twoRows, dataframe.Options{}), nil); err != nil {
		t.Fatal("a delete whose commit failed retired the project")
	}
	if _, err := r.ImportWith("c1", "q", stateBytes(t, p), fail); !errors.Is(err, boom) || len(r.List("c1")) != 1 {
		t.Fatalf("import with a failing commit: %v, %v", err, r.List("c1"))
	}
}

// TestRegistryImport: an exported project imported under another id has the same state;
// malformed encodings and existing ids are refused.
func TestRegistryImport(t *testing.T) {
	r := NewRegistry()
	p, _ := r.Create("c1", "src", "partition", map[string]string{"partitionSplit": "g"})
	learn(t, p, `{"attributeNames":["x","g"],"attributeTypes":["C","T"],"data":[["1","a"],["2","b"],["4","a"]]}`)
	data := stateBytes(t, p)
	q, err := r.ImportWith("c2", "copy", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if q.ID() != "copy" || !bytes.Equal(statsBytes(q), statsBytes(p)) || q.Type() != TypePartition {
		t.Fatalf("imported project differs: id %q", q.ID())
	}
	if _, err := r.ImportWith("c2", "copy", data, nil); !errors.Is(err, ErrProjectExists) {
		t.Fatalf("import over an existing project: %v", err)
	}
	for i := 0; i < len(data); i += 7 {
		if _, err := r.ImportWith("c2", "cut", data[:i], nil); err == nil {
			t.Fatalf("import of %d of %d bytes succeeded", i, len(data))
		}
	}
	if _, err := r.ImportWith("c2", "a/b", data, nil); err == nil {
		t.Fatal("import under an invalid id succeeded")
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
	j := &journal{}
	if err := c.MergeStateWith(b.StateBinary(), j.commit); err != nil || j.calls != 1 {
		t.Fatalf("MergeStateWith: %v", err)
	}
	if !bytes.Equal(statsBytes(a), statsBytes(c)) {
		t.Fatal("MergeStateWith differs from Merge")
	}
	if err := r.Merge("c1", "a", "a"); err == nil {
		t.Fatal("a project merged into itself")
	}
	if err := c.MergeStateWith([]byte("garbage"), j.commit); err == nil || j.calls != 1 {
		t.Fatalf("merge of garbage: %v", err)
	}
}

// TestCommitTimes: the time a commit returns becomes the creation date of a created project
// and the modification date of learn, forget and merge, so a replay restores the dates.
func TestCommitTimes(t *testing.T) {
	r := NewRegistry()
	at := time.Date(2024, 2, 29, 12, 0, 0, 0, time.FixedZone("x", 3600))
	j := &journal{at: at}
	p, err := r.CreateWith("c1", "p", "", nil, j.commit)
	if err != nil {
		t.Fatal(err)
	}
	info := p.Info()
	if !info.CreationDate.Equal(at) || !info.LastModificationDate.Equal(at) || info.CreationDate.Location() != time.UTC {
		t.Fatalf("created %v, modified %v, want %v in UTC", info.CreationDate, info.LastModificationDate, at)
	}
	j.at = at.Add(time.Hour)
	if err := p.LearnWith(frame(t, twoRows, dataframe.Options{}), j.commit); err != nil {
		t.Fatal(err)
	}
	if info := p.Info(); !info.LastModificationDate.Equal(j.at) || !info.CreationDate.Equal(at) {
		t.Fatalf("after learn: created %v, modified %v", info.CreationDate, info.LastModificationDate)
	}
	j.at = at.Add(2 * time.Hour)
	if err := p.MergeStateWith(p.StateBinary(), j.commit); err != nil {
		t.Fatal(err)
	}
	if info := p.Info(); !info.LastModificationDate.Equal(j.at) {
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
	if _, err := r.ImportWith("c2", "x", stateBytes(t, part), nil); !errors.Is(err, ErrTooManyPartitions) {
		t.Fatalf("import past the partition limit: %v", err)
	}
}
