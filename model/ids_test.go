package model

import (
	"errors"
	"strings"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

// hostileIDs are project and model ids package ident refuses, with what the message says.
var hostileIDs = []struct{ id, reason string }{
	{"", `"" is empty`},
	{"a b", "holds a space (U+0020) at byte 1"},
	{"a\x00b", "holds a NUL (U+0000)"},
	{"a\nb", "holds a line break (U+000A)"},
	{"m\u202e", "holds a bidirectional control (U+202E)"},
	{"m\u2067x", "holds a bidirectional control (U+2067)"},
	{`p\ud800`, `holds a lone surrogate escape (\ud800)`},
	{"p\ufffd", "holds the replacement character (U+FFFD)"},
	{"a/b", "holds a '/'"},
	{"..", "is a relative path segment"},
	{"bad\xffutf8", "is not valid UTF-8"},
	{strings.Repeat("p", 257), "is 257 bytes long; the limit is 256"},
}

func TestProjectIDRule(t *testing.T) {
	r := NewRegistry()
	for _, tc := range hostileIDs {
		_, err := r.Create("c", tc.id, "", nil)
		var me *Error
		if !errors.As(err, &me) || !strings.HasPrefix(me.Msg, "project id ") || !strings.Contains(me.Msg, tc.reason) {
			t.Errorf("create %q: %v, want %q", tc.id, err, tc.reason)
		}
		if _, err := r.Import("c", tc.id, nil); err == nil || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("import as %q: %v, want %q", tc.id, err, tc.reason)
		}
	}
	if ids := r.List("c"); len(ids) != 0 {
		t.Fatalf("refused ids were registered: %q", ids)
	}
	if _, err := r.Create("c", strings.Repeat("p", 257), "", nil); !errors.Is(err, ErrNameTooLong) {
		t.Fatalf("a long id does not wrap ErrNameTooLong: %v", err)
	}
	r.SetLimits(Limits{MaxNameBytes: 300})
	if _, err := r.Create("c", strings.Repeat("p", 257), "", nil); err != nil {
		t.Fatalf("limits.max_name_bytes 300: %v", err)
	}
	for _, ok := range []string{"iris", "é-ü_~.x", "p$1", "日本", "a.b"} {
		if _, err := r.Create("c", ok, "", nil); err != nil {
			t.Errorf("create %q: %v", ok, err)
		}
	}
	for _, col := range []string{"g\nh", "\u202e", strings.Repeat("g", 301)} {
		if _, err := r.Create("c", "part", "partition", map[string]string{"partitionSplit": col}); err == nil || !strings.HasPrefix(err.Error(), "partitionSplit ") {
			t.Errorf("partitionSplit %q: %v", col, err)
		}
	}
	if _, err := r.Create("c", "part", "partition", map[string]string{"partitionSplit": "my group"}); err != nil {
		t.Fatalf("a partition column with a space (a name, not an id): %v", err)
	}
}

func TestModelIDRule(t *testing.T) {
	p := newTestProject(t, "", nil)
	learn(t, p, twoRows)
	learn(t, p, `{"attributeNames":["x","y"],"attributeTypes":["C","B"],"data":[["3","1"],["0.5","0"]]}`)
	s := p.Snapshot()
	m, err := Build(s, "mlr", "ok", MLContext{InputNames: []string{"y"}, TargetNames: []string{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range hostileIDs {
		if _, err := Build(s, "mlr", tc.id, MLContext{InputNames: []string{"y"}, TargetNames: []string{"x"}}); err == nil ||
			!strings.HasPrefix(err.Error(), "model id ") || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("build %q: %v, want %q", tc.id, err, tc.reason)
		}
		bad := *m
		bad.id = tc.id
		if err := p.PutModel(&bad); err == nil || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("put %q: %v, want %q", tc.id, err, tc.reason)
		}
	}
	if len(p.Models()) != 0 {
		t.Fatalf("refused models were published: %d", len(p.Models()))
	}
}

// hostileProject is an encoded project whose names break package ident's rules, as a
// client could forge an export: a registry accepting legacy names makes it.
func hostileProject(t *testing.T, name string) []byte {
	t.Helper()
	r := NewRegistry()
	r.SetLimits(Limits{LegacyNames: true})
	p, err := r.Create("c", "src", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &dataframe.Frame{Names: [][]byte{[]byte(name)}, Kinds: []dataframe.Type{dataframe.TypeC}, Base: []int{-1},
		Rows: 1, Vals: []float64{1}}
	if err := p.Learn(f); err != nil {
		t.Fatal(err)
	}
	return stateBytes(t, p)
}

// TestImportFollowsTheNameRule: an export is the client's: its names are judged as any
// other client input; recovery (LegacyNames) replays what was accepted before.
func TestImportFollowsTheNameRule(t *testing.T) {
	for _, tc := range []struct{ name, reason string }{
		{"a\nb", "line break"},
		{"x\u202ey", "bidirectional control"},
		{`\udfff`, "lone surrogate escape"},
		{strings.Repeat("n", 300), "is 300 bytes long"},
	} {
		data := hostileProject(t, tc.name)
		r := NewRegistry()
		_, err := r.Import("c", "imported", data)
		if err == nil || !strings.Contains(err.Error(), "cannot import project \"imported\": attribute") || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("import of a project with attribute %q: %v", tc.name, err)
		}
		if len(r.List("c")) != 0 {
			t.Fatal("the refused import was registered")
		}
		r.SetLimits(Limits{LegacyNames: true})
		if _, err := r.Import("c", "imported", data); err != nil {
			t.Errorf("recovery of a project with attribute %q: %v", tc.name, err)
		}
	}
	// Recovery also replays ids accepted under older rules.
	r := NewRegistry()
	r.SetLimits(Limits{LegacyNames: true})
	if _, err := r.Create("c", "my project", "", nil); err != nil {
		t.Fatalf("legacy id: %v", err)
	}
}

func TestNotFoundNamesTheIDs(t *testing.T) {
	r := NewRegistry()
	p, _ := r.Create("c1", "iris", "", nil)
	long := strings.Repeat("z", 60)
	for _, tc := range []struct {
		err      error
		msg      string
		sentinel error
	}{
		{get(r, "c1", "nope"), `cannot find project "nope"`, ErrProjectNotFound},
		{get(r, "c2", "iris"), `cannot find project "iris"`, ErrProjectNotFound},
		{get(r, "c1", long), `cannot find project "` + long[:40] + `"...`, ErrProjectNotFound},
		{get(r, "c1", "a\nb"), `cannot find project "a\nb"`, ErrProjectNotFound},
		{findModel(p, "m1"), `cannot find model "m1" in project "iris"`, ErrModelNotFound},
		{findModel(p, long), `cannot find model "` + long[:40] + `"... in project "iris"`, ErrModelNotFound},
		{p.ApplyUnmodel("m2", Stamp{}), `cannot find model "m2" in project "iris"`, ErrModelNotFound},
		{r.Delete("c1", "gone"), `cannot find project "gone"`, ErrProjectNotFound},
		{r.Merge("c1", "iris", "other"), `cannot find project "other"`, ErrProjectNotFound},
	} {
		var nf *NotFoundError
		if !errors.As(tc.err, &nf) || tc.err.Error() != tc.msg || !errors.Is(tc.err, tc.sentinel) {
			t.Errorf("%v: want %q wrapping %v", tc.err, tc.msg, tc.sentinel)
		}
	}
	if errors.Is(findModel(p, "m"), ErrProjectNotFound) {
		t.Error("a missing model matches ErrProjectNotFound")
	}
	if err := r.Delete("c1", "iris"); err != nil {
		t.Fatal(err)
	}
	err := p.Learn(frame(t, twoRows, dataframe.Options{}))
	if err == nil || err.Error() != `cannot find project "iris"` {
		t.Fatalf("learn into a deleted project: %v", err)
	}
}

func get(r *Registry, cid, pid string) error {
	_, err := r.Get(cid, pid)
	return err
}

func findModel(p *Project, id string) error {
	_, err := p.FindModel(id)
	return err
}
