package ops

import (
	"bytes"
	"context"

	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/upload"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// uploadFile announces data as an upload to project pid and writes it in chunks of
// chunk bytes, last chunk first; it returns the upload's id.
func uploadFile(t *testing.T, s *Service, c Customer, pid string, data []byte, chunk int) string {
	t.Helper()
	st, err := s.Announce(c, AnnounceArgs{PID: pid, Name: "f.csv", Format: "csv", Size: int64(len(data))})
	if err != nil {
		t.Fatal(err)
	}
	tgt, _, err := s.BindUpload(c, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	for pos := (len(data) - 1) / chunk * chunk; pos >= 0; pos -= chunk {
		res, err := s.WriteChunk(tgt, int64(pos), data[pos:min(pos+chunk, len(data))])
		if err != nil || res.Position != int64(pos) {
			t.Fatalf("chunk at %d: %+v, %v", pos, res, err)
		}
	}
	return st.ID
}

// finalize finalizes upload id and waits for its job.
func finalize(t *testing.T, s *Service, c Customer, id string, a FinalizeArgs) JobState {
	t.Helper()
	job, err := s.Finalize(c, id, a)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	js, err := s.WaitJob(ctx, c, job)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// csvOf writes a CSV file of names and rows.
func csvOf(names []string, rows [][]string) []byte {
	var b bytes.Buffer
	b.WriteString(strings.Join(names, ",") + "\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	return b.Bytes()
}

// learnFrames learns rows into project pid through DataFrames of 37 rows, as clients do.
func learnFrames(t *testing.T, s *Service, c Customer, pid string, names, types []string, rows [][]string, forget bool) {
	t.Helper()
	sc := s.Scratch()
	defer s.Release(sc)
	for lo := 0; lo < len(rows); lo += 37 {
		f := testkit.FrameJSON(names, types, rows[lo:min(lo+37, len(rows))], -1)
		var err error
		if forget {
			_, err = s.Forget(sc, c, pid, f)
		} else {
			_, err = s.Learn(sc, c, pid, f)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func snapshot(t *testing.T, s *Service, c Customer, pid string) *model.Snapshot {
	t.Helper()
	p, err := s.project(c, pid)
	if err != nil {
		t.Fatal(err)
	}
	return p.Snapshot()
}

// TestUploadLearnsAsDataFrames: an uploaded file, finalized with inferred types, gives the
// statistics learning its rows through DataFrames gives, to 1e-12 relative; the job
// reports the rows, the upload is done and its file gone; finalizing again is CONFLICT.
func TestUploadLearnsAsDataFrames(t *testing.T) {
	s, m := open(t, testConfig(t), nil)
	for _, pid := range []string{"up", "frames"} {
		if err := s.Create(c1, pid, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	ds := testkit.NewDataset(7, 5000, 6)
	names := append(ds.InputNames(), "t", "k")
	types := []string{"C", "C", "C", "C", "C", "C", "B", "T"}
	var rows [][]string
	for i, r := range ds.Rows {
		var cells []string
		for _, v := range r {
			cells = append(cells, fmt.Sprint(v))
		}
		rows = append(rows, append(cells, ds.Cats[i]))
	}
	data := csvOf(names, rows)
	id := uploadFile(t, s, c1, "up", data, 7000)
	js := finalize(t, s, c1, id, FinalizeArgs{})
	if js.Status != protocol.StatusOK || js.Rows == nil || js.Rows.Applied != 5000 || js.Rows.Skipped != 0 {
		t.Fatalf("job %+v rows %+v", js, js.Rows)
	}
	learnFrames(t, s, c1, "frames", names, types, rows, false)
	testkit.CloseSnapshots(t, snapshot(t, s, c1, "up"), snapshot(t, s, c1, "frames"), 1e-12)
	st, err := s.Upload(c1, id)
	if err != nil || st.State != upload.Done || st.Rows != 5000 {
		t.Fatalf("upload %+v, %v", st, err)
	}
	_, err = s.Finalize(c1, id, FinalizeArgs{})
	if r := refusalOf(t, err); r.Status != protocol.StatusConflict {
		t.Fatalf("finalizing twice: %+v", r)
	}
	if got := metric(t, m, "symscore_rows_total", "learned"); got != 5000+5000 {
		t.Fatalf("rows learned %v", got)
	}
}

// TestUploadBadCellChangesNothing: under errorHandling 0 a bad cell fails the job with its
// line and column and the project is as before; the upload may then be finalized again,
// and under errorHandling 1 the bad rows are skipped and counted.
func TestUploadBadCellChangesNothing(t *testing.T) {
	s, _ := open(t, testConfig(t), nil)
	if err := s.Create(c1, "p", "", nil); err != nil {
		t.Fatal(err)
	}
	rows := testkit.IrisRows(t)
	learnFrames(t, s, c1, "p", testkit.IrisNames, testkit.IrisTypes, rows[:10], false)
	before := snapshot(t, s, c1, "p")
	bad := append([][]string(nil), rows...)
	bad[40] = append([]string(nil), bad[40]...)
	bad[40][1] = "3.x"
	bad[90] = append([]string(nil), bad[90]...)
	bad[90][6] = "2"
	id := uploadFile(t, s, c1, "p", csvOf(testkit.IrisNames, bad), 1000)
	js := finalize(t, s, c1, id, FinalizeArgs{})
	want := `f.csv:42:2: column "sepal_width": "3.x" is not a number`
	if js.Status != protocol.StatusBadRequest || js.Msg != want {
		t.Fatalf("job %v %q, want %q", js.Status, js.Msg, want)
	}
	testkit.CloseSnapshots(t, snapshot(t, s, c1, "p"), before, 0)
	if st, _ := s.Upload(c1, id); st.State != upload.Failed || !st.Retry || st.Msg != want {
		t.Fatalf("upload after a bad cell: %+v", st)
	}
	js = finalize(t, s, c1, id, FinalizeArgs{ErrorHandling: 1})
	if js.Status != protocol.StatusOK || js.Rows.Applied != 148 || js.Rows.Skipped != 2 {
		t.Fatalf("errorHandling 1: %+v %+v", js, js.Rows)
	}
	if n := snapshot(t, s, c1, "p").Total.N; n != 10+148 {
		t.Fatalf("%d rows", n)
	}
}

// TestForgetUpload: forgetting an uploaded file returns the statistics to what they were
// before it was learned.
func TestForgetUpload(t *testing.T) {
	s, _ := open(t, testConfig(t), nil)
	if err := s.Create(c1, "p", "", nil); err != nil {
		t.Fatal(err)
	}
	// Every fifth row first (every species), then the others uploaded.
	var first, rest [][]string
	for i, r := range testkit.IrisRows(t) {
		if i%5 == 0 {
			first = append(first, r)
		} else {
			rest = append(rest, r)
		}
	}
	learnFrames(t, s, c1, "p", testkit.IrisNames, testkit.IrisTypes, first, false)
	before := snapshot(t, s, c1, "p")
	data := csvOf(testkit.IrisNames, rest)
	if js := finalize(t, s, c1, uploadFile(t, s, c1, "p", data, 512), FinalizeArgs{}); js.Status != protocol.StatusOK {
		t.Fatalf("learn: %+v", js)
	}
	if n := snapshot(t, s, c1, "p").Total.N; n != 150 {
		t.Fatalf("%d rows after the upload", n)
	}
	if js := finalize(t, s, c1, uploadFile(t, s, c1, "p", data, 512), FinalizeArgs{Forget: true}); js.Status != protocol.StatusOK {
		t.Fatalf("forget: %+v", js)
	}
	after := snapshot(t, s, c1, "p")
	after.Min, after.Max = before.Min, before.Max // forget never narrows the extremes
	testkit.CloseSnapshots(t, after, before, 1e-12)
}

// TestFinalizeRefusals: an incomplete upload (with its missing ranges), bad types and
// errorHandling, another customer's upload, a deleted project.
func TestFinalizeRefusals(t *testing.T) {
	s, _ := open(t, testConfig(t), nil)
	if err := s.Create(c1, "p", "", nil); err != nil {
		t.Fatal(err)
	}
	st, err := s.Announce(c1, AnnounceArgs{PID: "p", Name: "f.csv", Format: "csv", Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	tgt, _, _ := s.BindUpload(c1, st.ID)
	if _, err := s.WriteChunk(tgt, 10, bytes.Repeat([]byte("1"), 30)); err != nil {
		t.Fatal(err)
	}
	_, err = s.Finalize(c1, st.ID, FinalizeArgs{})
	r := refusalOf(t, err)
	if r.Status != protocol.StatusConflict || fmt.Sprint(r.Missing) != "[[0 10] [40 100]]" {
		t.Fatalf("incomplete: %+v", r)
	}
	for _, a := range []FinalizeArgs{{Types: "C,Q"}, {ErrorHandling: 2}} {
		_, err = s.Finalize(c1, st.ID, a)
		if r := refusalOf(t, err); r.Status != protocol.StatusBadRequest {
			t.Fatalf("%+v: %+v", a, r)
		}
	}
	_, err = s.Finalize(c2, st.ID, FinalizeArgs{})
	if r := refusalOf(t, err); r.Status != protocol.StatusBadRequest || !strings.Contains(r.Msg, "cannot find upload") {
		t.Fatalf("another customer: %+v", r)
	}
	if _, _, err := s.BindUpload(c2, st.ID); err == nil {
		t.Fatal("another customer bound the upload")
	}
	if err := s.DeleteUpload(c2, st.ID); err == nil {
		t.Fatal("another customer deleted the upload")
	}
	if l, _ := s.Uploads(c2); len(l) != 0 {
		t.Fatalf("another customer lists %v", l)
	}
	_, err = s.Announce(c1, AnnounceArgs{PID: "nope", Name: "f.csv", Format: "csv", Size: 100})
	if r := refusalOf(t, err); r.Status != protocol.StatusBadRequest {
		t.Fatalf("announce for an unknown project: %+v", r)
	}
	_, err = s.Announce(c1, AnnounceArgs{PID: "p", Name: "a\nb", Format: "csv", Size: 100})
	if r := refusalOf(t, err); r.Status != protocol.StatusBadRequest {
		t.Fatalf("a name with a newline: %+v", r)
	}
}

// TestUploadResolvedAfterCrash: an upload whose change was logged and applied, but whose
// outcome was not written down before the process stopped, is done after the restart; one
// stopped before its change was logged fails and can be finalized again.
func TestUploadResolvedAfterCrash(t *testing.T) {
	cfg := testConfig(t)
	s, _ := open(t, cfg, nil)
	if err := s.Create(c1, "p", "", nil); err != nil {
		t.Fatal(err)
	}
	data := csvOf(testkit.IrisNames, testkit.IrisRows(t))
	logged := uploadFile(t, s, c1, "p", data, 4096)
	unlogged := uploadFile(t, s, c1, "p", data, 4096)
	// What a finalize does up to its change, by hand, then the process "stops".
	u, _ := s.uploads.Get(c1.id, logged)
	if _, err := u.BeginFinalize(upload.FinalizeRequest{Job: "J"}); err != nil {
		t.Fatal(err)
	}
	if err := u.Applying(150, 0); err != nil {
		t.Fatal(err)
	}
	d := model.NewDelta(false)
	if err := d.AddFrame(testkit.ParseFrame(t, string(testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, testkit.IrisRows(t), -1)))); err != nil {
		t.Fatal(err)
	}
	if err := s.applyUpload(c1, "p", logged, d, false); err != nil {
		t.Fatal(err)
	}
	v, _ := s.uploads.Get(c1.id, unlogged)
	if _, err := v.BeginFinalize(upload.FinalizeRequest{Job: "K"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, _ = open(t, cfg, nil)
	st, err := s.Upload(c1, logged)
	if err != nil || st.State != upload.Done || st.Rows != 150 {
		t.Fatalf("the logged upload after the restart: %+v, %v", st, err)
	}
	st, _ = s.Upload(c1, unlogged)
	if st.State != upload.Failed || !st.Retry || st.FailStatus != protocol.StatusServiceUnavailable {
		t.Fatalf("the unlogged upload after the restart: %+v", st)
	}
	if n := snapshot(t, s, c1, "p").Total.N; n != 150 {
		t.Fatalf("%d rows", n)
	}
	if held := s.heldUploads(); len(held) != 0 {
		t.Fatalf("still held: %+v", held)
	}
	if js := finalize(t, s, c1, unlogged, FinalizeArgs{}); js.Status != protocol.StatusOK {
		t.Fatalf("finalizing the interrupted upload again: %+v", js)
	}
	if n := snapshot(t, s, c1, "p").Total.N; n != 300 {
		t.Fatalf("%d rows", n)
	}
}

// TestFinalizeStoppedByShutdown: a finalize still reading its file when the service shuts
// down stops, and its upload can be finalized again after the restart.
func TestFinalizeStoppedByShutdown(t *testing.T) {
	cfg := testConfig(t)
	s, _ := open(t, cfg, nil)
	if err := s.Create(c1, "p", "", nil); err != nil {
		t.Fatal(err)
	}
	id := uploadFile(t, s, c1, "p", csvOf(testkit.IrisNames, testkit.IrisRows(t)), 4096)
	s.stopJobs() // as Shutdown does first: the job finds its context ended
	js := finalize(t, s, c1, id, FinalizeArgs{})
	if js.Status != protocol.StatusServiceUnavailable {
		t.Fatalf("job %+v", js)
	}
	st, _ := s.Upload(c1, id)
	if st.State != upload.Failed || !st.Retry {
		t.Fatalf("upload %+v", st)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, _ = open(t, cfg, nil)
	if js := finalize(t, s, c1, id, FinalizeArgs{}); js.Status != protocol.StatusOK {
		t.Fatalf("after the restart: %+v", js)
	}
}

// TestUploadIntoPartitionProject: a partition project's upload, types inferred, keeps a
// summary per partition value as learning the rows as DataFrames does.
func TestUploadIntoPartitionProject(t *testing.T) {
	s, _ := open(t, testConfig(t), nil)
	for _, pid := range []string{"up", "frames"} {
		if err := s.Create(c1, pid, "partition", map[string]string{"partitionSplit": "species"}); err != nil {
			t.Fatal(err)
		}
	}
	rows := testkit.IrisRows(t)
	id := uploadFile(t, s, c1, "up", csvOf(testkit.IrisNames, rows), 700)
	if js := finalize(t, s, c1, id, FinalizeArgs{}); js.Status != protocol.StatusOK || js.Rows.Applied != 150 {
		t.Fatalf("job %+v", js)
	}
	types := append([]string(nil), testkit.IrisTypes...)
	types[4] = "S"
	learnFrames(t, s, c1, "frames", testkit.IrisNames, types, rows, false)
	got, want := snapshot(t, s, c1, "up"), snapshot(t, s, c1, "frames")
	if len(got.Partitions) != 3 {
		t.Fatalf("%d partitions", len(got.Partitions))
	}
	for k := range want.Partitions {
		if got.Partitions[k].Value != want.Partitions[k].Value || got.Partitions[k].N != want.Partitions[k].N {
			t.Fatalf("partition %d: %s %d, want %s %d", k, got.Partitions[k].Value, got.Partitions[k].N, want.Partitions[k].Value, want.Partitions[k].N)
		}
	}
}
