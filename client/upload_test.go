package client_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/store"
)

// irisFile writes iris.csv (header and rows) into a temporary file and returns its path
// and bytes.
func irisFile(t *testing.T, rows [][]string) (string, []byte) {
	t.Helper()
	header, all := iris(t)
	if rows == nil {
		rows = all
	}
	var b bytes.Buffer
	b.WriteString(strings.Join(header, ",") + "\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\r\n")
	}
	path := filepath.Join(t.TempDir(), "iris.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, b.Bytes()
}

// stopped stops ts and opens the store it left.
func (ts *testServer) stopped(t *testing.T) *store.Store {
	t.Helper()
	ts.stop(t)
	st, err := store.Open(store.Options{Dir: ts.dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestUploadLearnsTheFile: Upload sends iris.csv in chunks over three connections,
// finalizes it with inferred types and waits for the job; the project then holds what
// learning the rows over a learn session gives, to 1e-12 relative. Progress goes from
// sending to learning and ends at the whole file.
func TestUploadLearnsTheFile(t *testing.T) {
	ts := startServer(t, seedProject(t, "up", "frames"), nil)
	c := newClient(t, ts, secret1)
	path, data := irisFile(t, nil)
	var phases []string
	var last client.UploadProgress
	res, err := c.Upload(ctxT(t), path, "up", client.UploadOptions{Connections: 3, ChunkSize: 256, JobPoll: time.Millisecond,
		Progress: func(p client.UploadProgress) {
			if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
				phases = append(phases, p.Phase)
			}
			last = p
		}})
	if err != nil {
		t.Fatal(err)
	}
	if res.RowsApplied != 150 || res.RowsSkipped != 0 || res.Sent != int64(len(data)) || res.UploadID == "" || res.JobID == "" {
		t.Fatalf("result %+v", res)
	}
	if strings.Join(phases, ",") != "sending,learning" || last.Received != int64(len(data)) || last.Job == nil || last.Job.Running {
		t.Fatalf("progress phases %v, last %+v", phases, last)
	}
	st, err := c.UploadStatus(ctxT(t), res.UploadID)
	if err != nil || st.State != "done" || st.RowsApplied != 150 || !st.Complete {
		t.Fatalf("status %+v, %v", st, err)
	}
	header, rows := iris(t)
	s, err := c.OpenLearn(ctxT(t), "frames")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(frame(t, header, irisTypes, rows).JSON()).Wait(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	st0 := ts.stopped(t)
	up, _ := st0.Project(cid1, "up")
	fr, _ := st0.Project(cid1, "frames")
	testkit.CloseSnapshots(t, up.Snapshot(), fr.Snapshot(), 1e-12)
}

// TestUploadChunksInAnyOrder: chunks shuffled over three connections at once, repeated
// ones, a conflicting one (refused, nothing written), one past the size (refused); the
// finalize of an incomplete upload is refused with the missing ranges; once complete it
// learns the file.
func TestUploadChunksInAnyOrder(t *testing.T) {
	ts := startServer(t, seedProject(t, "p"), nil)
	c := newClient(t, ts, secret1)
	_, data := irisFile(t, nil)
	a, err := c.AnnounceUpload(ctxT(t), "p", "iris.csv", int64(len(data)))
	if err != nil || a.ChunkSize != 131072 || time.Until(a.Expires) < time.Hour {
		t.Fatalf("announce %+v, %v", a, err)
	}
	var ranges []client.ByteRange
	for pos := int64(0); pos < int64(len(data)); pos += 100 {
		ranges = append(ranges, client.ByteRange{From: pos, To: min(pos+100, int64(len(data)))})
	}
	last := ranges[len(ranges)-1]
	ranges = append(ranges[:len(ranges)-1], ranges[:10]...) // the last held back, ten repeated
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(ranges), func(i, j int) { ranges[i], ranges[j] = ranges[j], ranges[i] })
	var wg sync.WaitGroup
	for k := range 3 {
		wg.Go(func() {
			uc, err := c.OpenUpload(ctxT(t), a.ID)
			if err != nil {
				t.Error(err)
				return
			}
			defer uc.Close()
			var ps []*client.Pending
			for i := k; i < len(ranges); i += 3 {
				ps = append(ps, uc.Send(ranges[i].From, data[ranges[i].From:ranges[i].To]))
			}
			for _, p := range ps {
				if _, err := p.Wait(); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	uc, err := c.OpenUpload(ctxT(t), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer uc.Close()
	if uc.Size != int64(len(data)) || uc.Received != last.From {
		t.Fatalf("connection: size %d received %d", uc.Size, uc.Received)
	}
	bad := bytes.Clone(data[50:250])
	bad[100] ^= 1
	_, err = uc.Send(50, bad).Wait()
	expectStatus(t, err, client.StatusConflict, 409, "differs from the bytes already received")
	_, err = uc.Send(int64(len(data))-5, []byte("123456")).Wait()
	expectStatus(t, err, client.StatusBadRequest, 400, "past the upload's size")
	r, err := uc.Send(0, data[:300]).Wait()
	if ack, _ := client.ChunkAckOf(r); err != nil || ack.Received != last.From || ack.Position != 0 || ack.Length != 300 {
		t.Fatalf("repeat: %+v, %v", ack, err)
	}
	_, err = c.FinalizeUpload(ctxT(t), a.ID, client.FinalizeOptions{})
	expectStatus(t, err, client.StatusConflict, 409, "incomplete")
	if m := client.MissingRanges(err); len(m) != 1 || m[0] != last {
		t.Fatalf("missing %v, want %v", m, last)
	}
	if _, err := uc.Send(last.From, data[last.From:]).Wait(); err != nil {
		t.Fatal(err)
	}
	job, err := c.FinalizeUpload(ctxT(t), a.ID, client.FinalizeOptions{Types: "C,C,C,C,T,B,B,B"})
	if err != nil {
		t.Fatal(err)
	}
	js, err := c.WaitJobProgress(ctxT(t), job, time.Millisecond, nil)
	if err != nil || js.RowsApplied != 150 {
		t.Fatalf("job %+v, %v", js, err)
	}
	_, err = c.FinalizeUpload(ctxT(t), a.ID, client.FinalizeOptions{})
	expectStatus(t, err, client.StatusConflict, 409, "finalized already")
}

// TestUploadResume: an upload cut short is completed by Upload with Resume, which sends
// only the missing bytes.
func TestUploadResume(t *testing.T) {
	ts := startServer(t, seedProject(t, "p"), nil)
	c := newClient(t, ts, secret1)
	path, data := irisFile(t, nil)
	a, err := c.AnnounceUpload(ctxT(t), "p", "iris.csv", int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	uc, err := c.OpenUpload(ctxT(t), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []client.ByteRange{{From: 0, To: 1000}, {From: 3000, To: 3500}} {
		if _, err := uc.Send(r.From, data[r.From:r.To]).Wait(); err != nil {
			t.Fatal(err)
		}
	}
	uc.Close()
	res, err := c.Upload(ctxT(t), path, "p", client.UploadOptions{Resume: a.ID, ChunkSize: 700})
	if err != nil {
		t.Fatal(err)
	}
	if res.UploadID != a.ID || res.Sent != int64(len(data))-1500 || res.RowsApplied != 150 {
		t.Fatalf("resume %+v", res)
	}
	_, err = c.Upload(ctxT(t), path, "p", client.UploadOptions{Resume: a.ID})
	var ue *client.UploadError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "nothing to resume") {
		t.Fatalf("resuming a done upload: %v", err)
	}
	_, err = c.Upload(ctxT(t), path, "other", client.UploadOptions{Resume: a.ID})
	if err == nil {
		t.Fatal("resumed for another project")
	}
}

// TestUploadBadCell: a bad cell fails the finalize with its line and column, nothing is
// learned, and the upload can be finalized again under errorHandling 1, which counts the
// bad row.
func TestUploadBadCell(t *testing.T) {
	ts := startServer(t, seedProject(t, "p"), nil)
	c := newClient(t, ts, secret1)
	_, rows := iris(t)
	rows = append([][]string(nil), rows...)
	rows[7] = append([]string(nil), rows[7]...)
	rows[7][2] = "1.4.2"
	path, _ := irisFile(t, rows)
	_, err := c.Upload(ctxT(t), path, "p", client.UploadOptions{FinalizeOptions: client.FinalizeOptions{Types: "C,C,C,C,T,B,B,B"}})
	var ue *client.UploadError
	if !errors.As(err, &ue) || !ue.Finalizing {
		t.Fatalf("error %v", err)
	}
	expectStatus(t, err, client.StatusBadRequest, 400, `iris.csv:9:3: column "petal_length": "1.4.2" is not a number`)
	info, err := c.ProjectInfo(ctxT(t), "p")
	if err != nil || info.Rows != 0 || len(info.AttributeNames) != 0 {
		t.Fatalf("project after the failed upload: %+v, %v", info, err)
	}
	job, err := c.FinalizeUpload(ctxT(t), ue.UploadID, client.FinalizeOptions{Types: "C,C,C,C,T,B,B,B", ErrorHandling: 1})
	if err != nil {
		t.Fatal(err)
	}
	js, err := c.WaitJobProgress(ctxT(t), job, time.Millisecond, nil)
	if err != nil || js.RowsApplied != 149 || js.RowsSkipped != 1 {
		t.Fatalf("errorHandling 1: %+v, %v", js, err)
	}
}

// TestUploadOtherCustomer: another customer cannot see, write, finalize or delete an
// upload.
func TestUploadOtherCustomer(t *testing.T) {
	ts := startServer(t, seedProject(t, "p"), func(cfg *config.Config) {
		cfg.Customers = append(cfg.Customers, config.Customer{ID: testenv.CID2, Secrets: []string{testenv.Secret2}})
	})
	c := newClient(t, ts, secret1)
	other, err := client.New(ts.base, testenv.CID2, testenv.Secret2)
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.AnnounceUpload(ctxT(t), "p", "f.csv", 10)
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.UploadStatus(ctxT(t), a.ID)
	expectStatus(t, err, client.StatusBadRequest, 400, "cannot find upload")
	_, err = other.OpenUpload(ctxT(t), a.ID)
	expectStatus(t, err, client.StatusBadRequest, 400, "cannot find upload")
	_, err = other.FinalizeUpload(ctxT(t), a.ID, client.FinalizeOptions{})
	expectStatus(t, err, client.StatusBadRequest, 400, "cannot find upload")
	err = other.DeleteUpload(ctxT(t), a.ID)
	expectStatus(t, err, client.StatusBadRequest, 400, "cannot find upload")
	if l, err := other.ListUploads(ctxT(t)); err != nil || len(l) != 0 {
		t.Fatalf("the other customer lists %v, %v", l, err)
	}
	_, err = other.AnnounceUpload(ctxT(t), "p", "f.csv", 10) // c1's project
	expectStatus(t, err, client.StatusBadRequest, 400, "cannot find project")
	if l, err := c.ListUploads(ctxT(t)); err != nil || len(l) != 1 || l[0].ID != a.ID || l[0].State != "receiving" {
		t.Fatalf("the owner lists %+v, %v", l, err)
	}
	if err := c.DeleteUpload(ctxT(t), a.ID); err != nil {
		t.Fatal(err)
	}
	_, err = c.UploadStatus(ctxT(t), a.ID)
	expectStatus(t, err, client.StatusBadRequest, 400, "cannot find upload")
}

// TestUploadExpires: an upload that receives nothing for uploads.ttl expires: its state
// says so and it takes no more chunks. The announce and the opening of its connection must
// come within the TTL (they write to disk): 1 s leaves a loaded machine room for them.
func TestUploadExpires(t *testing.T) {
	ts := startServer(t, seedProject(t, "p"), func(cfg *config.Config) { cfg.Uploads.TTL = time.Second })
	c := newClient(t, ts, secret1)
	a, err := c.AnnounceUpload(ctxT(t), "p", "f.csv", 10)
	if err != nil {
		t.Fatal(err)
	}
	uc, err := c.OpenUpload(ctxT(t), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer uc.Close()
	testenv.Eventually(t, "the upload to expire", func() bool {
		st, err := c.UploadStatus(ctxT(t), a.ID)
		return err == nil && st.State == "expired"
	})
	_, err = uc.Send(0, []byte("a,b\n1,2\n")).Wait()
	expectStatus(t, err, client.StatusConflict, 409, "expired")
	_, err = c.FinalizeUpload(ctxT(t), a.ID, client.FinalizeOptions{})
	expectStatus(t, err, client.StatusConflict, 409, "expired")
}
