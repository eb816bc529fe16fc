package store

import (
	"errors"
	"testing"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/wal/waltest"
)

// deltaOf summarises rows(lo, hi) (a cpu project's frame).
func deltaOf(t *testing.T, lo, hi int) *model.Delta {
	t.Helper()
	d := model.NewDelta(false)
	must(t, d.AddFrame(parse(t, rows(lo, hi), "")))
	return d
}

// outcome returns the outcome the store holds for upload id; ok is false when it holds
// none.
func outcome(s *Store, id string) (UploadOutcome, bool) {
	for _, o := range s.Uploads() {
		if o.ID == id {
			return o, true
		}
	}
	return UploadOutcome{}, false
}

// TestUploadRecord: an upload is logged as one record of its kind holding its id, applied
// as a delta is (the same state as LearnDelta of the same delta), held with its outcome
// until settled, and a forget upload takes its rows out again.
func TestUploadRecord(t *testing.T) {
	dir := t.TempDir()
	opts := durable(dir)
	s := open(t, opts)
	must(t, s.Create("c1", "up", "", nil))
	must(t, s.Create("c1", "delta", "", nil))
	d := deltaOf(t, 0, 3000)
	must(t, s.LearnUpload("c1", "up", "u1", d))
	must(t, s.LearnDelta("c1", "delta", d))
	up, _ := s.Project("c1", "up")
	dl, _ := s.Project("c1", "delta")
	closeSnapshots(t, up.Snapshot(), dl.Snapshot(), 0)
	o, ok := outcome(s, "u1")
	if !ok || !o.Final || o.Err != nil || o.CID != "c1" || o.PID != "up" {
		t.Fatalf("outcome %+v, %v", o, ok)
	}
	s.Settle("u1")
	if _, ok := outcome(s, "u1"); ok {
		t.Fatal("still held after Settle")
	}
	s.Settle("u1") // harmless
	must(t, s.ForgetUpload("c1", "up", "u2", d))
	if n := up.Snapshot().Total.N; n != 0 {
		t.Fatalf("%d rows after forgetting the upload", n)
	}
	err := s.ForgetUpload("c1", "up", "u3", d)
	if !errors.Is(err, model.ErrNegativeCount) {
		t.Fatalf("forgetting more rows than held: %v", err)
	}
	if _, ok := outcome(s, "u3"); ok {
		t.Fatal("an upload refused before it was logged is held")
	}
	if err := s.LearnUpload("c1", "up", "", d); err == nil {
		t.Fatal("an upload without an id")
	}
	crash(t, s)
	kinds := logKinds(t, dir)
	if kinds[kindLearnUpload] != 1 || kinds[kindForgetUpload] != 1 {
		t.Fatalf("log kinds %v", kinds)
	}
}

// TestHeldUploadSurvivesCheckpointAndCrash: while an upload is held, checkpoints write no
// snapshot of its project past its record, so that a recovery replays the record and
// knows the outcome: applied, or refused at application. Once settled, the project is
// snapshotted and the log truncated as usual, and a recovery holds nothing.
func TestHeldUploadSurvivesCheckpointAndCrash(t *testing.T) {
	dir := t.TempDir()
	opts := durable(dir)
	opts.SegmentBytes = 2 << 10
	s := open(t, opts)
	must(t, s.Create("c1", "p", "", nil))
	must(t, s.Create("c1", "q", "", nil))
	for i := range 10 {
		must(t, s.Learn("c1", "p", parse(t, rows(i*10, i*10+10), "")))
	}
	must(t, s.Checkpoint())
	must(t, s.LearnUpload("c1", "p", "up-ok", deltaOf(t, 0, 500)))
	for i := range 10 {
		must(t, s.Learn("c1", "q", parse(t, rows(i*10, i*10+10), "")))
	}
	must(t, s.Checkpoint())
	must(t, s.Checkpoint())
	want := dump(t, s, "c1")
	crash(t, s)

	s = open(t, opts)
	sameState(t, dump(t, s, "c1"), want)
	o, ok := outcome(s, "up-ok")
	if !ok || !o.Final || o.Err != nil || o.PID != "p" {
		t.Fatalf("recovered outcome %+v, %v", o, ok)
	}
	// Still held after the recovery, until settled.
	must(t, s.Checkpoint())
	crash(t, s)
	s = open(t, opts)
	if _, ok := outcome(s, "up-ok"); !ok {
		t.Fatal("an unsettled upload is not held after a second recovery")
	}
	s.Settle("up-ok")
	must(t, s.Checkpoint())
	crash(t, s)
	s = open(t, opts)
	if len(s.Uploads()) != 0 {
		t.Fatalf("held after settling and a checkpoint: %+v", s.Uploads())
	}
	sameState(t, dump(t, s, "c1"), want)
}

// TestUploadRefusedAtApplication: an upload whose record is logged but refused when
// applied (its project frozen by a change logged first) is held as refused, and so after
// a recovery.
func TestUploadRefusedAtApplication(t *testing.T) {
	dir := t.TempDir()
	opts := durable(dir)
	s := open(t, opts)
	must(t, s.Create("c1", "p", "", nil))
	frozen := make(chan error, 1)
	d := deltaOf(t, 0, 100)
	// Freeze the project between the upload's preparation and its application: the freeze
	// is logged first (the gate is shared), so the upload's application meets it.
	prepared := make(chan struct{})
	release := make(chan struct{})
	testHookPrepared = func() { close(prepared); <-release }
	defer func() { testHookPrepared = nil }()
	go func() {
		<-prepared
		frozen <- s.SetFrozen("c1", "p", true)
		close(release)
	}()
	err := s.LearnUpload("c1", "p", "u", d)
	if e := <-frozen; e != nil {
		t.Fatal(e)
	}
	if !errors.Is(err, model.ErrFrozen) {
		t.Fatalf("upload into a project frozen meanwhile: %v", err)
	}
	o, ok := outcome(s, "u")
	if !ok || !o.Final || !errors.Is(o.Err, model.ErrFrozen) {
		t.Fatalf("outcome %+v", o)
	}
	crash(t, s)
	s = open(t, opts)
	o, ok = outcome(s, "u")
	if !ok || !o.Final || !errors.Is(o.Err, model.ErrFrozen) {
		t.Fatalf("recovered outcome %+v, %v", o, ok)
	}
}

// TestUploadNotDurable: an upload whose record cannot be written is held as not final
// (it might be replayed after a restart) and nothing is applied.
func TestUploadNotDurable(t *testing.T) {
	dir := t.TempDir()
	opts := durable(dir)
	ffs := waltest.New(nil)
	opts.FS = ffs
	s := open(t, opts)
	must(t, s.Create("c1", "p", "", nil))
	ffs.Inject(waltest.Fault{Op: waltest.OpSync, Path: ".wal"})
	err := s.LearnUpload("c1", "p", "u", deltaOf(t, 0, 100))
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("LearnUpload on a failing disk: %v", err)
	}
	o, ok := outcome(s, "u")
	if !ok || o.Final {
		t.Fatalf("outcome %+v, %v", o, ok)
	}
	p, _ := s.Project("c1", "p")
	if p.Snapshot().Total.N != 0 {
		t.Fatal("applied")
	}
	if err := s.Sync(); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Sync of a failed log: %v", err)
	}
}
