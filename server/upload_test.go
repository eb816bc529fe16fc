package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/protocol"
)

// announce announces an upload of size bytes to project pid over REST and returns its id.
func announce(t *testing.T, c *testkit.RESTClient, pid string, size int) string {
	t.Helper()
	r := c.Do(http.MethodPost, "/uploads", "", []byte(fmt.Sprintf(`{"pid":%q,"name":"f.csv","size":%d,"format":"csv"}`, pid, size))).
		Expect(t, http.StatusCreated, "CREATED")
	var id string
	r.Value(t, "uploadId", &id)
	return id
}

// sendChunks writes data to upload id over one WebSocket connection, one chunk of each
// size in turn, and checks every reply.
func sendChunks(t *testing.T, s interface {
	Sym(path, cid, secret string) *testkit.SymClient
}, id string, data []byte, size int) {
	t.Helper()
	c := s.Sym("/symetry/ws/upload", "c1", testenv.Secret1)
	c.Signed(`{}`, id)
	c.Expect("OK")
	for pos := 0; pos < len(data); pos += size {
		c.SendMessage(ws.OpBinary, protocol.AppendChunk(nil, int64(pos), data[pos:min(pos+size, len(data))]))
		if e := c.Expect("OK"); !strings.Contains(string(e.Values), fmt.Sprintf(`"position":%d`, pos)) {
			t.Fatalf("chunk at %d: %s", pos, e.Values)
		}
	}
}

// TestUploadOverREST: the announce, status, list, finalize and job replies of the REST
// routes; a replayed finalize (the same signed request again) is refused as a replay,
// another customer's path is unauthorized, and refusals by the upload limits are counted.
func TestUploadOverREST(t *testing.T) {
	cfg := testkit.Config()
	cfg.Limits.MaxUploads = 2
	s := start(t, cfg, nil)
	c := rest1(s)
	c.Create("p")
	data := []byte("x,y\n1,2\n3,4\n5,6\n")
	id := announce(t, c, "p", len(data))

	r := c.Do(http.MethodGet, "/uploads/"+id, "", nil).Expect(t, http.StatusOK, "OK")
	var missing [][2]int64
	r.Value(t, "missing", &missing)
	var state string
	r.Value(t, "state", &state)
	if fmt.Sprint(missing) != fmt.Sprintf("[[0 %d]]", len(data)) || state != "receiving" {
		t.Fatalf("status %s", r.Raw)
	}
	c.Do(http.MethodPost, "/uploads/"+id+"/finalize", "", []byte(`{}`)).Expect(t, http.StatusConflict, "incomplete")
	sendChunks(t, s, id, data, 5)

	body := []byte(`{"op":"learn","errorHandling":0}`)
	path := c.Path("/uploads/" + id + "/finalize")
	h := c.Sign(http.MethodPost, path, "", body)
	r = c.Send(http.MethodPost, path, "", body, h).Expect(t, http.StatusAccepted, "ACCEPTED")
	loc := r.Header.Get("Location")
	if loc == "" || r.Header.Get("sym-job-id") == "" || !strings.HasSuffix(loc, "/jobs/"+r.Header.Get("sym-job-id")) {
		t.Fatalf("finalize headers %v", r.Header)
	}
	c.Send(http.MethodPost, path, "", body, h).Expect(t, http.StatusConflict, "replayed request")
	c.Do(http.MethodPost, "/uploads/"+id+"/finalize", "", body).Expect(t, http.StatusConflict, "")
	done := c.AwaitJob(loc).Expect(t, http.StatusOK, "Job is finished")
	var applied int64
	done.Value(t, "rowsApplied", &applied)
	if applied != 3 {
		t.Fatalf("job %s", done.Raw)
	}
	if p := c.Project("p"); p.Rows() != 3 {
		t.Fatalf("%d rows", p.Rows())
	}

	list := c.Do(http.MethodGet, "/uploads", "", nil).Expect(t, http.StatusOK, "OK")
	var uploads []map[string]json.RawMessage
	list.Value(t, "uploads", &uploads)
	if len(uploads) != 1 || string(uploads[0]["state"]) != `"done"` || string(uploads[0]["rowsApplied"]) != "3" {
		t.Fatalf("list %s", list.Raw)
	}
	other := s.REST("c2", testenv.Secret2)
	other.DoPath(http.MethodGet, c.Path("/uploads/"+id), "", nil).Expect(t, http.StatusUnauthorized, "")
	other.Do(http.MethodGet, "/uploads/"+id, "", nil).Expect(t, http.StatusBadRequest, "cannot find upload")

	// Limits, each refusal counted.
	c.Do(http.MethodPost, "/uploads", "", []byte(`{"pid":"p","name":"f.csv","size":70000000000}`)).
		Expect(t, http.StatusBadRequest, "limits.max_upload_bytes")
	announce(t, c, "p", 10)
	announce(t, c, "p", 10)
	c.Do(http.MethodPost, "/uploads", "", []byte(`{"pid":"p","name":"f.csv","size":10}`)).
		Expect(t, http.StatusServiceUnavailable, "limits.max_uploads")
	for limit, want := range map[string]float64{"max_upload_bytes": 1, "max_uploads": 1} {
		if got := s.Metric("symscore_refusals_total", "limit="+limit); got != want {
			t.Errorf("refusals %s = %v, want %v", limit, got, want)
		}
	}
	if got := s.Metric("symscore_uploads", ""); got != 2 {
		t.Errorf("symscore_uploads = %v", got)
	}
	if got := s.Metric("symscore_upload_reserved_bytes", ""); got != 20 {
		t.Errorf("symscore_upload_reserved_bytes = %v", got)
	}
	if got := s.Metric("symscore_upload_bytes_total", ""); got != float64(len(data)) {
		t.Errorf("symscore_upload_bytes_total = %v", got)
	}
	for _, bad := range []string{`{"pid":"p","name":"f.csv","size":10,"x":1}`, `{"pid":"p","name":"f.csv"}`, `{"pid":"p","name":"f.csv","size":-1}`, `nope`} {
		c.Do(http.MethodPost, "/uploads", "", []byte(bad)).Expect(t, http.StatusBadRequest, "")
	}
}
