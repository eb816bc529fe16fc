package store

// Over 400 lines: the store's change-and-recover round trips, one per kind of change, share
// their fixtures; they are the store's acceptance tests.

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/wal"
	"github.com/symscore/symscore/wal/waltest"
)

// history makes one of every kind of change in s, leaving projects of two customers.
func history(t testing.TB, s *Store) {
	t.Helper()
	must(t, s.Create("c1", "a", "cpu", nil))
	must(t, s.Create("c1", "b", "partition", map[string]string{"partitionSplit": "k"}))
	must(t, s.Create("c2", "a", "", nil))
	must(t, s.Learn("c1", "a", parse(t, rows(0, 40), "")))
	must(t, s.Learn("c1", "b", parse(t, rows(10, 60), "k")))
	must(t, s.Learn("c2", "a", parse(t, rows(5, 9), "")))
	must(t, s.Forget("c1", "a", parse(t, rows(3, 11), "")))
	must(t, s.Forget("c1", "b", parse(t, rows(20, 30), "k")))
	must(t, s.SetFrozen("c2", "a", true))
	must(t, s.Merge("c1", "a", "b"))
	pa, _ := s.Project("c1", "a")
	must(t, s.PutModel("c1", "a", mlr(t, pa, "m1")))
	must(t, s.PutModel("c1", "a", mlr(t, pa, "m2")))
	must(t, s.DeleteModel("c1", "a", "m2"))
	must(t, s.AddModelInto("c1", pa, mlr(t, pa, "m3")))
	data, err := s.Export("c1", "b")
	must(t, err)
	must(t, s.Import("c2", "copy-of-b", data))
	must(t, s.Create("c1", "gone", "", nil))
	must(t, s.Learn("c1", "gone", parse(t, rows(0, 5), "")))
	must(t, s.Delete("c1", "gone"))
	must(t, s.Create("c1", "again", "", nil))
	must(t, s.Learn("c1", "again", parse(t, rows(0, 3), "")))
	must(t, s.Delete("c1", "again"))
	must(t, s.Create("c1", "again", "", nil)) // recreated: empty
}

// TestRecoverEveryKindOfChange: after a clean close, a crash without close, and a
// checkpoint in between, the reopened store holds exactly the state that was acknowledged.
func TestRecoverEveryKindOfChange(t *testing.T) {
	for _, mode := range []wal.Mode{wal.ModeAlways, wal.ModeInterval, wal.ModeNone} {
		t.Run(mode.String(), func(t *testing.T) {
			dir := t.TempDir()
			opts := durable(dir)
			opts.Mode = mode
			s := open(t, opts)
			history(t, s)
			want := dump(t, s, "c1", "c2")
			if want == "" || len(s.List("c1")) != 3 || len(s.List("c2")) != 2 {
				t.Fatalf("history left %v and %v", s.List("c1"), s.List("c2"))
			}
			must(t, s.Close())
			s = open(t, opts)
			sameState(t, dump(t, s, "c1", "c2"), want)
			if p, _ := s.Project("c2", "a"); !p.Frozen() {
				t.Fatal("freeze lost")
			}
			if p, _ := s.Project("c1", "a"); len(p.Models()) != 2 {
				t.Fatalf("models %d, want 2", len(p.Models()))
			}
			// More changes, then a crash: no Close, nothing beyond what was written.
			must(t, s.Learn("c1", "again", parse(t, rows(100, 120), "")))
			want = dump(t, s, "c1", "c2")
			crash(t, s)
			s = open(t, opts)
			sameState(t, dump(t, s, "c1", "c2"), want)
		})
	}
}

// crash abandons s as kill -9 would (the log's pending writes were already made by the
// acknowledged changes): it only releases the directory lock, without a checkpoint.
func crash(t testing.TB, s *Store) {
	t.Helper()
	close(s.stop)
	<-s.stopped
	s.closed.Store(true)
	if err := s.log.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestCheckpointTruncatesAndRecovers: a checkpoint writes snapshots, truncates the log,
// and recovery from snapshots plus the log tail gives the same state; changes after the
// checkpoint are replayed on top without counting anything twice.
func TestCheckpointTruncatesAndRecovers(t *testing.T) {
	dir := t.TempDir()
	opts := durable(dir)
	opts.SegmentBytes = 2 << 10
	s := open(t, opts)
	history(t, s)
	for i := range 30 {
		must(t, s.Learn("c1", "a", parse(t, rows(i*10, i*10+10), "")))
	}
	before := len(segmentFiles(t, dir))
	must(t, s.Checkpoint())
	after := len(segmentFiles(t, dir))
	if before < 3 || after != 1 {
		t.Fatalf("segments %d before the checkpoint, %d after; want several, then 1", before, after)
	}
	if n := len(snapshotFiles(t, dir)); n != 5 {
		t.Fatalf("%d snapshot files, want 5 (one per live project)", n)
	}
	must(t, s.Learn("c1", "a", parse(t, rows(500, 520), "")))
	must(t, s.Forget("c1", "b", parse(t, rows(10, 12), "k")))
	want := dump(t, s, "c1", "c2")
	crash(t, s)
	s = open(t, opts)
	sameState(t, dump(t, s, "c1", "c2"), want)
	// A checkpoint writes only the projects changed since their snapshot.
	must(t, s.Checkpoint()) // c1/a and c1/b changed after the first one
	snaps := map[string][]byte{}
	for _, f := range snapshotFiles(t, dir) {
		snaps[f] = readFile(t, f)
	}
	must(t, s.Learn("c2", "copy-of-b", parse(t, rows(0, 2), "k")))
	must(t, s.Checkpoint())
	changed := 0
	for f, old := range snaps {
		if string(readFile(t, f)) != string(old) {
			changed++
		}
	}
	if changed != 1 {
		t.Fatalf("%d snapshot files rewritten, want 1", changed)
	}
}

// TestSnapshotWithoutTruncation: snapshots written but the log not truncated (a crash
// between the two) must not apply the covered records twice.
func TestSnapshotWithoutTruncation(t *testing.T) {
	dir := t.TempDir()
	opts := durable(dir)
	s := open(t, opts)
	history(t, s)
	s.noTruncate.Store(true)
	must(t, s.Checkpoint())
	must(t, s.Learn("c1", "a", parse(t, rows(0, 7), "")))
	want := dump(t, s, "c1", "c2")
	crash(t, s)
	s = open(t, opts)
	sameState(t, dump(t, s, "c1", "c2"), want)
}

// TestCrashDuringSnapshot: a half-written snapshot (the temporary file a crash leaves) is
// removed and the state comes from the log.
func TestCrashDuringSnapshot(t *testing.T) {
	dir := t.TempDir()
	opts := durable(dir)
	s := open(t, opts)
	history(t, s)
	want := dump(t, s, "c1", "c2")
	crash(t, s)
	tmp := filepath.Join(dir, "snapshots", ".0123.snap.77.tmp")
	must(t, os.WriteFile(tmp, []byte("symsfil\x01 half written"), 0o600))
	s = open(t, opts)
	sameState(t, dump(t, s, "c1", "c2"), want)
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("temporary snapshot file left: %v", err)
	}
}

// TestDeleteAfterSnapshot: a project deleted after its snapshot was written stays deleted
// after a restart, also when its snapshot file survived the delete (a crash before its
// removal), and after the log is truncated past the delete.
func TestDeleteAfterSnapshot(t *testing.T) {
	dir := t.TempDir()
	opts := durable(dir)
	s := open(t, opts)
	history(t, s)
	must(t, s.Checkpoint())
	path := s.snapshotPath("c1", "a")
	saved := readFile(t, path)
	must(t, s.Delete("c1", "a"))
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the snapshot of a deleted project is still there")
	}
	want := dump(t, s, "c1", "c2")
	crash(t, s)
	must(t, os.WriteFile(path, saved, 0o600)) // as if the removal had not happened
	s = open(t, opts)
	sameState(t, dump(t, s, "c1", "c2"), want)
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("recovery left the snapshot of a deleted project")
	}
	must(t, s.Checkpoint())
	must(t, s.Close())
	s = open(t, opts)
	sameState(t, dump(t, s, "c1", "c2"), want)
}

// TestFsyncFailure: an fsync error makes the change and every later one fail with
// ErrUnavailable; nothing is applied after the failure; a restart has every change that was
// acknowledged.
func TestFsyncFailure(t *testing.T) {
	dir := t.TempDir()
	ffs := waltest.New(nil)
	opts := durable(dir)
	opts.FS = ffs
	s := open(t, opts)
	must(t, s.Create("c1", "a", "", nil))
	must(t, s.Learn("c1", "a", parse(t, rows(0, 10), "")))
	acked := dump(t, s, "c1")
	ffs.Inject(waltest.Fault{Op: waltest.OpSync, Err: syscall.EIO, Repeat: true})
	if err := s.Learn("c1", "a", parse(t, rows(10, 20), "")); !errors.Is(err, ErrUnavailable) || !errors.Is(err, syscall.EIO) {
		t.Fatalf("learn through a failed fsync: %v", err)
	}
	if s.Err() == nil {
		t.Fatal("Err is nil after a failed fsync")
	}
	p, _ := s.Project("c1", "a")
	rowsBefore := p.Rows()
	for name, change := range map[string]func() error{
		"learn":  func() error { return s.Learn("c1", "a", parse(t, rows(30, 31), "")) },
		"create": func() error { return s.Create("c1", "b", "", nil) },
		"freeze": func() error { return s.SetFrozen("c1", "a", true) },
	} {
		if err := change(); !errors.Is(err, ErrUnavailable) {
			t.Errorf("%s on a failed store: %v", name, err)
		}
	}
	if p.Rows() != rowsBefore || p.Frozen() || len(s.List("c1")) != 1 {
		t.Fatal("a change was applied after the log failed")
	}
	s.Close()
	opts.FS = nil
	s = open(t, opts)
	got := dump(t, s, "c1")
	p, _ = s.Project("c1", "a")
	// The learn whose fsync failed may or may not be there; everything acknowledged is.
	if got != acked && p.Rows() != 20 {
		t.Fatalf("after restart: %d rows; want the 10 acknowledged (or 20)", p.Rows())
	}
}

// TestRecoveryRefusesMisfits: a log whose records do not fit the state (here: the snapshot
// of a project removed by hand while the log no longer has its creation) stops Open with an
// error naming the record, and Repair opens anyway.
func TestRecoveryRefusesMisfits(t *testing.T) {
	dir := t.TempDir()
	opts := durable(dir)
	opts.SegmentBytes = 2 << 10
	s := open(t, opts)
	must(t, s.Create("c1", "a", "", nil))
	for i := range 20 { // several segments
		must(t, s.Learn("c1", "a", parse(t, rows(10*i, 10*i+10), "")))
	}
	must(t, s.Checkpoint()) // the log no longer has the creation
	must(t, s.Learn("c1", "a", parse(t, rows(10, 20), "")))
	crash(t, s)
	for _, f := range snapshotFiles(t, dir) {
		must(t, os.Remove(f))
	}
	_, err := Open(opts)
	var re *RecoveryError
	if !errors.As(err, &re) || re.LSN == 0 {
		t.Fatalf("Open with a misfit record: %v", err)
	}
	t.Log(err)
	opts.Repair = true
	s = open(t, opts)
	if len(s.List("c1")) != 0 {
		t.Fatalf("repair made projects %v", s.List("c1"))
	}
}

// TestCorruptSnapshot: a damaged snapshot file stops Open; Repair sets it aside.
func TestCorruptSnapshot(t *testing.T) {
	dir := t.TempDir()
	opts := durable(dir)
	s := open(t, opts)
	history(t, s)
	must(t, s.Close()) // checkpoints
	f := snapshotFiles(t, dir)[0]
	b := readFile(t, f)
	b[len(b)/2] ^= 1
	must(t, os.WriteFile(f, b, 0o600))
	var ce *wal.CorruptError
	if _, err := Open(opts); !errors.As(err, &ce) {
		t.Fatalf("Open with a damaged snapshot: %v", err)
	}
	opts.Repair = true
	open(t, opts)
	if _, err := os.Stat(f + ".corrupt"); err != nil {
		t.Fatalf("damaged snapshot not set aside: %v", err)
	}
}

// TestConcurrentLearnersShareFsyncs: 32 learners into one project in ModeAlways; the
// recovered statistics equal the in-memory ones bit for bit and the count is exact.
func TestConcurrentLearnersShareFsyncs(t *testing.T) {
	dir := t.TempDir()
	opts := durable(dir)
	opts.SegmentBytes = 1 << 20
	s := open(t, opts)
	must(t, s.Create("c1", "a", "", nil))
	var wg sync.WaitGroup
	for w := range 32 {
		wg.Go(func() {
			for i := range 10 {
				lo := (w*10 + i) * 5
				if err := s.Learn("c1", "a", parse(t, rows(lo, lo+5), "")); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	p, _ := s.Project("c1", "a")
	if p.Rows() != 32*10*5 {
		t.Fatalf("%d rows", p.Rows())
	}
	want := dump(t, s, "c1")
	crash(t, s)
	s = open(t, opts)
	sameState(t, dump(t, s, "c1"), want)
}

// TestMemoryStore: without a directory every change works and nothing touches the disk.
func TestMemoryStore(t *testing.T) {
	s := open(t, Options{Limits: model.Limits{MaxAttributes: 6}})
	history(t, s)
	if s.Durable() || s.Err() != nil {
		t.Fatal("a memory store claims durability or failed")
	}
	must(t, s.Checkpoint())
	if err := s.Learn("c1", "a", parse(t, `{"attributeNames":["n1","n2","n3"],"attributeTypes":["C","C","C"],"data":[["1","2","3"]]}`, "")); !errors.Is(err, model.ErrTooManyAttributes) {
		t.Fatalf("limits not applied: %v", err)
	}
}

// TestRefusalsAreNotLogged: refused changes leave no record: the log's next LSN does not
// move, and the state is unchanged.
func TestRefusalsAreNotLogged(t *testing.T) {
	dir := t.TempDir()
	s := open(t, durable(dir))
	must(t, s.Create("c1", "a", "", nil))
	must(t, s.Learn("c1", "a", parse(t, rows(0, 3), "")))
	next := s.log.NextSeq()
	before := dump(t, s, "c1")
	for name, err := range map[string]error{
		"create existing":  s.Create("c1", "a", "", nil),
		"bad type":         s.Create("c1", "b", "gpu", nil),
		"forget too many":  s.Forget("c1", "a", parse(t, rows(0, 5), "")),
		"unknown project":  s.Learn("c1", "zz", parse(t, rows(0, 1), "")),
		"other customer":   s.Learn("c2", "a", parse(t, rows(0, 1), "")),
		"merge itself":     s.Merge("c1", "a", "a"),
		"delete model":     s.DeleteModel("c1", "a", "nope"),
		"import garbage":   s.Import("c1", "b", []byte("garbage")),
		"delete missing":   s.Delete("c1", "zz"),
		"freeze missing":   s.SetFrozen("c2", "a", true),
		"zero rows (noop)": errors.New(""),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	must(t, s.Learn("c1", "a", parse(t, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["bad"]],"errorHandling":1}`, "")))
	if s.log.NextSeq() != next {
		t.Fatalf("refused changes were logged: next LSN %d → %d", next, s.log.NextSeq())
	}
	if dump(t, s, "c1") != before {
		t.Fatal("refused changes changed the state")
	}
	if p, _ := s.Project("c1", "a"); p.Rows() != 3 {
		t.Fatal("rows changed")
	}
}

// TestPutModelIntoRecreatedProject: a model built on a project that was deleted and created
// again under the same id is refused, and the new project stays without it.
func TestPutModelIntoRecreatedProject(t *testing.T) {
	s := open(t, durable(t.TempDir()))
	must(t, s.Create("c1", "p", "", nil))
	must(t, s.Learn("c1", "p", parse(t, rows(0, 8), "")))
	old, _ := s.Project("c1", "p")
	m := mlr(t, old, "m1")
	must(t, s.Delete("c1", "p"))
	must(t, s.Create("c1", "p", "", nil))
	if err := s.PutModelInto("c1", old, m); !errors.Is(err, model.ErrProjectNotFound) {
		t.Fatalf("model into a deleted project: %v", err)
	}
	if p, _ := s.Project("c1", "p"); len(p.Models()) != 0 {
		t.Fatal("the recreated project got the old project's model")
	}
}

// TestSeenSurvivesRestartAndWindow: the replay keys of accepted signed changes come back
// after a crash (Seen), checkpoints keep them in the log for ReplayWindow, and truncate
// them once that long has passed.
func TestSeenSurvivesRestartAndWindow(t *testing.T) {
	dir := t.TempDir()
	var clock atomic.Int64
	start := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	clock.Store(start.UnixNano())
	opts := durable(dir)
	opts.SegmentBytes = 2 << 10
	opts.ReplayWindow = 6 * time.Minute
	opts.Now = func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	s := open(t, opts)
	must(t, s.Create("c1", "a", "", nil))
	keys := map[[16]byte]time.Time{}
	for i := range 40 { // several segments of learns, each with its seen record
		var k [16]byte
		k[0], k[1] = byte(i), byte(i>>8)
		date := start.Add(time.Duration(i) * time.Millisecond)
		must(t, s.RecordSeen(k, date))
		must(t, s.Learn("c1", "a", parse(t, rows(10*i, 10*i+10), "")))
		keys[k] = date
	}
	must(t, s.Checkpoint()) // within the window: nothing truncated
	if n := len(segmentFiles(t, dir)); n < 3 {
		t.Fatalf("%d segments left inside the replay window", n)
	}
	crash(t, s)
	s = open(t, opts)
	if got := len(s.Seen()); got != len(keys) {
		t.Fatalf("%d seen records after a crash, want %d", got, len(keys))
	}
	for _, sn := range s.Seen() {
		if d, ok := keys[sn.Key]; !ok || !d.Equal(sn.Date) {
			t.Fatalf("seen %x at %v, want %v", sn.Key, sn.Date, d)
		}
	}
	clock.Add(int64(7 * time.Minute))
	must(t, s.Checkpoint()) // the marks of this run: the log may be cut below the last one
	clock.Add(int64(7 * time.Minute))
	must(t, s.Checkpoint())
	if n := len(segmentFiles(t, dir)); n != 1 {
		t.Fatalf("%d segments after the replay window passed, want 1", n)
	}
	must(t, s.Close())
	s = open(t, opts)
	// The active segment is never truncated: what is left of it may come back, expired
	// (the replay memory ignores those).
	if got := len(s.Seen()); got >= len(keys) {
		t.Fatalf("%d seen records after the window passed and the log was truncated", got)
	}
}

// TestVersionSurvivesRecovery: a project's version (its count of applied changes) is
// the same after a restart, replayed from the log alone or from a snapshot and the log's
// tail, so that a subscriber's versions never go back.
func TestVersionSurvivesRecovery(t *testing.T) {
	dir := t.TempDir()
	opts := durable(dir)
	s := open(t, opts)
	history(t, s)
	// c1/a: learn, forget, merge, two models put, one deleted, a new model added.
	version := func(s *Store) uint64 {
		p, err := s.Project("c1", "a")
		must(t, err)
		return p.Version()
	}
	if v := version(s); v != 7 {
		t.Fatalf("version %d after 7 changes", v)
	}
	crash(t, s)
	s = open(t, opts)
	if v := version(s); v != 7 {
		t.Fatalf("version %d after replaying the log", v)
	}
	must(t, s.Learn("c1", "a", parse(t, rows(200, 210), "")))
	must(t, s.Checkpoint())
	must(t, s.SetFrozen("c1", "a", true))
	crash(t, s)
	s = open(t, opts)
	if v := version(s); v != 9 {
		t.Fatalf("version %d after a snapshot and the log's tail, want 9", v)
	}
	must(t, s.Close())
}
