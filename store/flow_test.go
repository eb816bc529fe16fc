package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/wal"
	"github.com/symscore/symscore/wal/waltest"
)

// logKinds counts the records of each kind in the log of dir (the store must be closed or
// crashed).
func logKinds(t *testing.T, dir string) map[byte]int {
	t.Helper()
	w, err := wal.Open(filepath.Join(dir, "wal"), wal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	kinds := map[byte]int{}
	var dec decoder
	if err := w.Replay(0, func(_ uint64, payload []byte) error {
		rec, err := decodeRecord(payload, &dec)
		if err != nil {
			return err
		}
		kinds[rec.kind]++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return kinds
}

// withBadRow is rows(lo, hi) with errorHandling 1 and a bad row in the middle.
func withBadRow(lo, hi int) string {
	s := rows(lo, hi)
	s = strings.Replace(s, `"data":[`, `"data":[["not a number","1","a"],`, 1)
	return strings.TrimSuffix(s, "}") + `,"errorHandling":1}`
}

// TestLiveEqualsRecoveredBitForBit: learns and forgets logged as rows (small frames) and as
// summary deltas (large ones), with a T column, in a cpu and a partition project, some
// under errorHandling 1: the state recovered from the log alone equals the live state bit
// for bit (statistics, dates, sequence numbers), and so does the state recovered from
// snapshots and the log's tail.
func TestLiveEqualsRecoveredBitForBit(t *testing.T) {
	dir := t.TempDir()
	opts := durable(dir)
	opts.SegmentBytes = 1 << 20
	s := open(t, opts)
	must(t, s.Create("c1", "cpu", "", nil))
	must(t, s.Create("c1", "part", "partition", map[string]string{"partitionSplit": "k"}))
	for i := range 6 {
		lo := 1000 * i
		for _, pc := range [][2]string{{"cpu", ""}, {"part", "k"}} {
			must(t, s.Learn("c1", pc[0], parse(t, rows(lo, lo+2), pc[1])))     // rows
			must(t, s.Learn("c1", pc[0], parse(t, rows(lo+2, lo+300), pc[1]))) // delta
			must(t, s.Learn("c1", pc[0], parse(t, withBadRow(lo+300, lo+302), pc[1])))
			must(t, s.Learn("c1", pc[0], parse(t, withBadRow(lo+302, lo+500), pc[1])))
			must(t, s.Forget("c1", pc[0], parse(t, rows(lo, lo+2), pc[1])))     // rows
			must(t, s.Forget("c1", pc[0], parse(t, rows(lo+2, lo+100), pc[1]))) // delta
		}
	}
	want := dump(t, s, "c1")
	crash(t, s)
	kinds := logKinds(t, dir)
	for _, k := range []byte{kindLearn, kindForget, kindLearnDelta, kindForgetDelta} {
		if kinds[k] < 6 {
			t.Fatalf("%d %s records, want both record kinds used: %v", kinds[k], kindName(k), kinds)
		}
	}
	s = open(t, opts)
	sameState(t, dump(t, s, "c1"), want)
	must(t, s.Checkpoint())
	must(t, s.Learn("c1", "part", parse(t, rows(0, 400), "k")))
	must(t, s.Forget("c1", "cpu", parse(t, rows(2, 3), "")))
	want = dump(t, s, "c1")
	crash(t, s)
	s = open(t, opts)
	sameState(t, dump(t, s, "c1"), want)
}

// TestRefusedLearnInvisibleOnFullDisk: a learn whose record cannot be written (the disk is
// full) is answered ErrUnavailable and was never applied: Info, Snapshot and the export
// are as before, and after a restart too.
func TestRefusedLearnInvisibleOnFullDisk(t *testing.T) {
	for _, frame := range []string{rows(10, 12), rows(10, 510)} { // a rows record, a delta
		dir := t.TempDir()
		ffs := waltest.New(nil)
		opts := durable(dir)
		opts.FS = ffs
		s := open(t, opts)
		must(t, s.Create("c1", "a", "", nil))
		must(t, s.Learn("c1", "a", parse(t, rows(0, 10), "")))
		p, _ := s.Project("c1", "a")
		info, snap, before := p.Info(), p.Snapshot(), dump(t, s, "c1")
		ffs.Inject(waltest.Fault{Op: waltest.OpWrite, Path: ".wal", Keep: 5, Err: syscall.ENOSPC})
		err := s.Learn("c1", "a", parse(t, frame, ""))
		if !errors.Is(err, ErrUnavailable) || !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("learn on a full disk: %v", err)
		}
		after := p.Info()
		if after.Rows != info.Rows || !after.LastModificationDate.Equal(info.LastModificationDate) ||
			len(after.AttributeNames) != len(info.AttributeNames) {
			t.Fatalf("the refused learn is visible in Info: %d rows, was %d", after.Rows, info.Rows)
		}
		if got := p.Snapshot(); got.Total.N != snap.Total.N || fmt.Sprint(got.Total.M) != fmt.Sprint(snap.Total.M) {
			t.Fatal("the refused learn is visible in Snapshot")
		}
		if dump(t, s, "c1") != before {
			t.Fatal("the refused learn changed the export")
		}
		s.Close()
		opts.FS = nil
		s = open(t, opts)
		if got := dump(t, s, "c1"); got != before {
			t.Fatal("the refused learn is there after a restart")
		}
	}
}

// TestSegmentCreationFailureThenRecovery: while no new segment can be made (no file
// descriptor left), learns go on into the full segment and are answered OK; once
// descriptors are back the log rolls again, without a restart; a restart recovers every
// acknowledged learn.
func TestSegmentCreationFailureThenRecovery(t *testing.T) {
	dir := t.TempDir()
	ffs := waltest.New(nil)
	opts := durable(dir)
	opts.FS = ffs
	opts.SegmentBytes = 2 << 10
	s := open(t, opts)
	must(t, s.Create("c1", "a", "", nil))
	for i := range 10 {
		must(t, s.Learn("c1", "a", parse(t, rows(10*i, 10*i+10), "")))
	}
	ffs.Inject(waltest.Fault{Op: waltest.OpOpen, Path: ".wal", Err: syscall.EMFILE, Repeat: true})
	segs := len(segmentFiles(t, dir))
	for i := 10; i < 40; i++ {
		if err := s.Learn("c1", "a", parse(t, rows(10*i, 10*i+10), "")); err != nil {
			t.Fatalf("learn %d while segments cannot be made: %v", i, err)
		}
	}
	if s.Err() != nil || len(segmentFiles(t, dir)) != segs {
		t.Fatalf("store error %v, %d segments (was %d)", s.Err(), len(segmentFiles(t, dir)), segs)
	}
	ffs.Clear()
	for i := 40; i < 60; i++ {
		must(t, s.Learn("c1", "a", parse(t, rows(10*i, 10*i+10), "")))
	}
	if len(segmentFiles(t, dir)) <= segs {
		t.Fatal("the log did not roll once descriptors were back")
	}
	if p, _ := s.Project("c1", "a"); p.Rows() != 600 {
		t.Fatalf("%d rows, want 600", p.Rows())
	}
	want := dump(t, s, "c1")
	crash(t, s)
	opts.FS = nil
	s = open(t, opts)
	sameState(t, dump(t, s, "c1"), want)
}

// TestDeleteWhileLearning: learners keep learning into a project that is deleted and made
// again meanwhile, checkpoints run; every learn is applied to the project it was checked
// against or refused (ErrProjectNotFound), and the recovered state equals the live one
// (no change of a deleted project is left in the log to misfit).
func TestDeleteWhileLearning(t *testing.T) {
	dir := t.TempDir()
	opts := durable(dir)
	opts.Mode = wal.ModeNone
	opts.SegmentBytes = 256 << 10
	s := open(t, opts)
	must(t, s.Create("c1", "p", "", nil))
	var learners, checkpoints sync.WaitGroup
	var learned, refused atomic.Int64
	for w := range 6 {
		learners.Go(func() {
			for i := range 300 {
				lo := 100 * (w*1000 + i)
				f := parse(t, rows(lo, lo+1+(i%3)*40), "")
				switch err := s.Learn("c1", "p", f); {
				case err == nil:
					learned.Add(1)
				case errors.Is(err, model.ErrProjectNotFound):
					refused.Add(1)
				default:
					t.Error(err)
					return
				}
			}
		})
	}
	stop := make(chan struct{})
	checkpoints.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := s.Checkpoint(); err != nil {
				t.Error(err)
			}
		}
	})
	for i := range 20 {
		for learned.Load()+refused.Load() < int64(60*i) { // let the learners in between
			runtime.Gosched()
		}
		must(t, s.Delete("c1", "p"))
		must(t, s.Create("c1", "p", "", nil))
	}
	learners.Wait()
	close(stop)
	checkpoints.Wait()
	t.Logf("%d learns applied, %d refused (project deleted)", learned.Load(), refused.Load())
	if learned.Load() == 0 {
		t.Fatal("no learn was applied")
	}
	want := dump(t, s, "c1")
	crash(t, s)
	s = open(t, opts)
	sameState(t, dump(t, s, "c1"), want)
}

// TestDeleteWaitsForPreparedChanges: a delete waits for a learn prepared while its project
// existed, so the learn is logged (and applied) before the delete, never after it against
// a project that is gone.
func TestDeleteWaitsForPreparedChanges(t *testing.T) {
	s := open(t, durable(t.TempDir()))
	must(t, s.Create("c1", "p", "", nil))
	reached, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	testHookPrepared = func() { once.Do(func() { close(reached); <-release }) }
	defer func() { testHookPrepared = nil }()
	learned := make(chan error, 1)
	go func() { learned <- s.Learn("c1", "p", parse(t, rows(0, 3), "")) }()
	<-reached
	deleted := make(chan error, 1)
	go func() { deleted <- s.Delete("c1", "p") }()
	// Let the delete run as far as it can: it holds the lane (a second reference) and,
	// were it not waiting for the learn, would finish.
	for {
		s.lanesMu.Lock()
		refs := s.lanes[laneKey{"c1", "p"}].refs
		s.lanesMu.Unlock()
		if refs == 2 || len(deleted) > 0 {
			break
		}
		runtime.Gosched()
	}
	for range 1000 {
		runtime.Gosched()
	}
	if len(deleted) > 0 {
		t.Fatal("the delete did not wait for the learn prepared before it")
	}
	close(release)
	if err := <-learned; err != nil {
		t.Fatalf("learn prepared before the delete: %v", err)
	}
	must(t, <-deleted)
}

// TestLearnDelta: rows summarised in parallel parts, merged and learned as one change, make
// one small record; the project equals (1e-12) the same rows learned through frames, and
// bit for bit after a restart; ForgetDelta returns the statistics to what they were.
func TestLearnDelta(t *testing.T) {
	dir := t.TempDir()
	opts := durable(dir)
	s := open(t, opts)
	must(t, s.Create("c1", "up", "partition", map[string]string{"partitionSplit": "k"}))
	must(t, s.Create("c1", "frames", "partition", map[string]string{"partitionSplit": "k"}))
	parts := make([]*model.Delta, 3)
	var wg sync.WaitGroup
	for i := range parts {
		parts[i] = model.NewDelta(true)
		wg.Go(func() {
			for lo := 2000 * i; lo < 2000*(i+1); lo += 500 {
				if err := parts[i].AddFrame(parse(t, rows(lo, lo+500), "k")); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	for _, o := range parts[1:] {
		must(t, parts[0].Merge(o))
	}
	must(t, s.Learn("c1", "up", parse(t, rows(9000, 9010), "k")))
	must(t, s.Learn("c1", "frames", parse(t, rows(9000, 9010), "k")))
	up, _ := s.Project("c1", "up")
	before := up.Snapshot()
	next := s.log.NextSeq()
	size := logBytesOf(t, dir)
	must(t, s.LearnDelta("c1", "up", parts[0]))
	if s.log.NextSeq() != next+1 {
		t.Fatalf("%d records for one delta", s.log.NextSeq()-next)
	}
	if grown := logBytesOf(t, dir) - size; grown > 8<<10 {
		t.Fatalf("6000 rows learned as a delta grew the log by %d bytes", grown)
	}
	for lo := 0; lo < 6000; lo += 500 {
		must(t, s.Learn("c1", "frames", parse(t, rows(lo, lo+500), "k")))
	}
	fr, _ := s.Project("c1", "frames")
	closeSnapshots(t, up.Snapshot(), fr.Snapshot(), 1e-12)
	want := dump(t, s, "c1")
	crash(t, s)
	s = open(t, opts)
	sameState(t, dump(t, s, "c1"), want)
	must(t, s.ForgetDelta("c1", "up", parts[0]))
	up, _ = s.Project("c1", "up")
	after := up.Snapshot()
	after.Min, after.Max = before.Min, before.Max // forget never narrows the extremes
	closeSnapshots(t, after, before, 1e-12)
	if err := s.ForgetDelta("c1", "up", parts[0]); !errors.Is(err, model.ErrNegativeCount) {
		t.Fatalf("forgetting the delta twice: %v", err)
	}
	if err := s.LearnDelta("c1", "up", model.NewDelta(false)); err != nil {
		t.Fatalf("an empty delta: %v", err)
	}
	cpu := model.NewDelta(false)
	must(t, cpu.AddFrame(parse(t, rows(0, 5), "")))
	if err := s.LearnDelta("c1", "up", cpu); err == nil {
		t.Fatal("a delta without partitions learned into a partition project")
	}
}

// closeSnapshots is testkit.CloseSnapshots: the same counts, attributes, partitions and
// extremes, means and co-moments within tol relative to each quantity's scale.
func closeSnapshots(t *testing.T, got, want *model.Snapshot, tol float64) {
	t.Helper()
	testkit.CloseSnapshots(t, got, want, tol)
}

// TestTColumnRecordIsNotExpanded: a DataFrame whose T column has a distinct value per row
// is logged as received — each value once, each row's value by index — not as its
// expansion (rows × values doubles); past limits.max_new_attributes_per_message it is
// refused before it is logged.
func TestTColumnRecordIsNotExpanded(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"attributeNames":["x","t"],"attributeTypes":["C","T"],"data":[`)
	for i := range 1000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `["%d","value%d"]`, i, i)
	}
	b.WriteString(`]}`)
	payload := b.String()
	dir := t.TempDir()
	opts := durable(dir)
	opts.Limits = model.Limits{MaxNewAttributes: 500}
	s := open(t, opts)
	must(t, s.Create("c1", "a", "", nil))
	next := s.log.NextSeq()
	if err := s.Learn("c1", "a", parse(t, payload, "")); !errors.Is(err, model.ErrTooManyNewAttributes) {
		t.Fatalf("1001 new attributes in one message past a limit of 500: %v", err)
	}
	if s.log.NextSeq() != next {
		t.Fatal("the refused message was logged")
	}
	s.Close()
	opts.SegmentBytes = 64 << 20
	opts.Limits = model.Limits{}
	s = open(t, opts)
	before := logBytesOf(t, dir)
	must(t, s.Learn("c1", "a", parse(t, payload, "")))
	grown := logBytesOf(t, dir) - before
	if expanded := 1000 * 1001 * 8; grown > 2*int64(len(payload)) || grown*100 > int64(expanded) {
		t.Fatalf("a %d-byte DataFrame grew the log by %d bytes (its expansion takes %d)", len(payload), grown, expanded)
	}
	t.Logf("a %d-byte DataFrame of 1000 T values: a %d-byte record", len(payload), grown)
}

// TestConcurrentCreatesKeepTheProjectLimit: creates of different projects racing for the
// customer's last places: exactly as many succeed as the limit allows (a create logged but
// not yet applied holds its place), and the recovered registry is the live one.
func TestConcurrentCreatesKeepTheProjectLimit(t *testing.T) {
	dir := t.TempDir()
	opts := durable(dir)
	opts.Limits = model.Limits{MaxProjects: 5}
	s := open(t, opts)
	var wg sync.WaitGroup
	var created, refused atomic.Int64
	for i := range 20 {
		wg.Go(func() {
			switch err := s.Create("c1", fmt.Sprintf("p%d", i), "", nil); {
			case err == nil:
				created.Add(1)
			case errors.Is(err, model.ErrTooManyProjects):
				refused.Add(1)
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if created.Load() != 5 || refused.Load() != 15 || len(s.List("c1")) != 5 {
		t.Fatalf("%d created, %d refused, %d listed", created.Load(), refused.Load(), len(s.List("c1")))
	}
	want := dump(t, s, "c1")
	crash(t, s)
	s = open(t, opts)
	sameState(t, dump(t, s, "c1"), want)
}
