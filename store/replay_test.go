package store

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/wal"
)

// writeLog makes dir's log hold exactly recs (a log written by hand).
func writeLog(t *testing.T, dir string, recs ...[]byte) {
	t.Helper()
	w, err := wal.Open(filepath.Join(dir, "wal"), wal.Options{Mode: wal.ModeNone})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Replay(0, func(uint64, []byte) error { return nil }); err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if _, err := w.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	must(t, w.Close())
}

// learnRecord is a format 2 learn record of the rows of payload, under lim.
func learnRecord(t *testing.T, payload string, created, at time.Time, lim model.Limits) []byte {
	t.Helper()
	var r model.Rows
	must(t, r.SetFrame(parse(t, payload, "")))
	b := appendProjectHead(nil, kindLearn, "c1", "a", created)
	setRecordTime(b, at)
	return r.AppendBinary(appendLimits(b, lim))
}

// TestRecordLimitsDecideReplay: a learn refused when it was applied because it passed the
// limits its record holds is refused again by a replay, whatever the limits configured
// now; one accepted then is accepted again, even past the limits configured now.
func TestRecordLimitsDecideReplay(t *testing.T) {
	dir := t.TempDir()
	created := time.Unix(1700000000, 0)
	create := appendCreate(nil, "c1", "a", "", nil)
	setRecordTime(create, created)
	lim := model.Limits{MaxAttributes: 4}
	writeLog(t, dir, create,
		learnRecord(t, `{"attributeNames":["x","y","z"],"attributeTypes":["C","C","C"],"data":[["1","2","3"]]}`, created, created.Add(time.Second), lim),
		learnRecord(t, `{"attributeNames":["u","v"],"attributeTypes":["C","C"],"data":[["4","5"]]}`, created, created.Add(2*time.Second), lim),
		learnRecord(t, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["7"]]}`, created, created.Add(3*time.Second), lim),
	)
	var want string
	for _, now := range []model.Limits{{}, {MaxAttributes: 2}, {MaxAttributes: 100}} {
		opts := durable(dir)
		opts.Limits = now
		s := open(t, opts)
		p, err := s.Project("c1", "a")
		if err != nil {
			t.Fatal(err)
		}
		names, _ := p.Attributes()
		if len(names) != 3 || p.Rows() != 2 || !p.Info().LastModificationDate.Equal(created.Add(3*time.Second)) {
			t.Fatalf("limits %+v: attributes %v, %d rows, modified %v", now, names, p.Rows(), p.Info().LastModificationDate)
		}
		if got := dump(t, s, "c1"); want == "" {
			want = got
		} else {
			sameState(t, got, want)
		}
		crash(t, s)
	}
}

// TestFormat1LogReplays: a log written before format 2 (learn and forget records holding
// the expanded frame, no limits, no creation dates) replays as it was applied then: row
// by row, unlimited.
func TestFormat1LogReplays(t *testing.T) {
	dir := t.TempDir()
	at := time.Unix(1700000000, 0)
	stamp := func(b []byte) []byte {
		at = at.Add(time.Second)
		setRecordTime(b, at)
		return b
	}
	create := func(pid, typ string, params map[string]string) []byte {
		b := appendCreate(nil, "c1", pid, typ, params)
		b[0] = recordFormat1
		return stamp(b)
	}
	ref := model.NewRegistry()
	ref.SetLimits(model.Unlimited)
	refA, _ := ref.Create("c1", "a", "", nil)
	refB, _ := ref.Create("c1", "b", "partition", map[string]string{"partitionSplit": "k"})
	recs := [][]byte{create("a", "", nil), create("b", "partition", map[string]string{"partitionSplit": "k"})}
	for i := range 4 {
		lo := 100 * i
		fa, fb := parse(t, rows(lo, lo+60), ""), parse(t, rows(lo, lo+30), "k")
		recs = append(recs, stamp(appendFrame1(nil, kindLearn, "c1", "a", fa)), stamp(appendFrame1(nil, kindLearn, "c1", "b", fb)))
		must(t, refA.Learn(fa))
		must(t, refB.Learn(fb))
		ff := parse(t, rows(lo, lo+5), "k")
		recs = append(recs, stamp(appendFrame1(nil, kindForget, "c1", "b", ff)))
		must(t, refB.Forget(ff))
	}
	recs = append(recs, stamp(append(appendRecordHead1(nil, kindFreeze, "c1", "a"), 1)))
	refA.SetFrozen(true)
	writeLog(t, dir, recs...)
	s := open(t, durable(dir))
	// A Snapshot carries the name limit and explore budget of its registry: the store's.
	ref.SetLimits(durable(dir).Limits)
	for _, want := range []*model.Project{refA, refB} {
		got, err := s.Project("c1", want.ID())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Snapshot(), want.Snapshot()) || got.Frozen() != want.Frozen() {
			t.Fatalf("project %s replayed from a format 1 log differs", want.ID())
		}
	}
	// New changes go on in format 2, and the whole log replays.
	must(t, s.Learn("c1", "b", parse(t, rows(0, 300), "k")))
	want := dump(t, s, "c1")
	crash(t, s)
	s = open(t, durable(dir))
	sameState(t, dump(t, s, "c1"), want)
}
