package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/protocol"
)

// Customers of the REST tests: c1 has the secret of PROTOCOL.md's known-answer vectors.
const (
	secretC1 = "A1ciUrDJgm5LIJU710bxeQ=="
	secretC2 = "kq3rF8oZk0Hh7n2B5yR1Vw=="
)

// restTestConfig is wsTestConfig with customers c1 and c2.
func restTestConfig() config.Config {
	cfg := wsTestConfig()
	cfg.Customers = []config.Customer{
		{ID: "c1", Secrets: []string{secretC1}},
		{ID: "c2", Secrets: []string{secretC2}},
	}
	return cfg
}

// restClient signs and sends REST requests as a SymetryML client does, over a real
// loopback connection.
type restClient struct {
	t      testing.TB
	addr   string // host:port
	cid    string
	signer *auth.Signer
	hc     *http.Client
}

// newRESTClient is a client of server s for customer cid; its idle connections are closed
// when the test ends.
func newRESTClient(t testing.TB, s *Server, cid, secret string) *restClient {
	t.Helper()
	sg, err := auth.NewSigner(cid, secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 4}
	t.Cleanup(tr.CloseIdleConnections)
	return &restClient{t: t, addr: s.Addr(), cid: cid, signer: sg, hc: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// restReply is a REST reply: the HTTP code and headers, and the envelope.
type restReply struct {
	code   int
	header http.Header
	raw    []byte

	StatusCode   string                     `json:"statusCode"`
	StatusString string                     `json:"statusString"`
	Values       map[string]json.RawMessage `json:"values"`
}

// path is the REST path of the client's customer: /symetry/rest/{cid}<rel>.
func (c *restClient) path(rel string) string { return restPrefix + url.PathEscape(c.cid) + rel }

// do sends a signed request to c.path(rel) with a raw (already escaped) query.
func (c *restClient) do(method, rel, rawQuery string, body []byte) *restReply {
	c.t.Helper()
	return c.doPath(method, c.path(rel), rawQuery, body)
}

// doPath sends a signed request to a raw path.
func (c *restClient) doPath(method, rawPath, rawQuery string, body []byte) *restReply {
	c.t.Helper()
	return c.send(method, rawPath, rawQuery, body, c.sign(method, rawPath, rawQuery, body))
}

// sign returns the signed headers of a request.
func (c *restClient) sign(method, rawPath, rawQuery string, body []byte) http.Header {
	date, md5, sig := c.signer.SignREST(method, rawPath, rawQuery, body)
	h := http.Header{}
	h.Set("Authorization", sig)
	h.Set("sym-date", date)
	h.Set("Content-MD5", md5)
	h.Set("Content-Type", "application/json")
	return h
}

// send sends a request with exactly the headers h and checks that the reply is an
// envelope whose HTTP code is its status' (404 and 405 aside) and whose type is JSON.
func (c *restClient) send(method, rawPath, rawQuery string, body []byte, h http.Header) *restReply {
	c.t.Helper()
	u := "http://" + c.addr + rawPath
	if rawQuery != "" {
		u += "?" + rawQuery
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if got := req.URL.EscapedPath(); got != rawPath {
		c.t.Fatalf("path %q would be sent as %q", rawPath, got)
	}
	req.Header = h
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, rawPath, err)
	}
	defer resp.Body.Close()
	r := &restReply{code: resp.StatusCode, header: resp.Header}
	if r.raw, err = io.ReadAll(resp.Body); err != nil {
		c.t.Fatalf("%s %s: reading the reply: %v", method, rawPath, err)
	}
	checkEnvelope(c.t, method+" "+rawPath, r)
	return r
}

// checkEnvelope decodes r.raw into r, failing unless it is exactly an envelope.
func checkEnvelope(t testing.TB, what string, r *restReply) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s: Content-Type %q, body %s", what, ct, clip(r.raw))
	}
	dec := json.NewDecoder(bytes.NewReader(r.raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(r); err != nil {
		t.Fatalf("%s: reply is not an envelope: %v: %s", what, err, clip(r.raw))
	}
	if r.Values == nil {
		t.Fatalf("%s: envelope without values: %s", what, clip(r.raw))
	}
	st, ok := protocol.ParseStatus(r.StatusCode)
	switch {
	case !ok:
		t.Fatalf("%s: unknown statusCode %q", what, r.StatusCode)
	case r.code == http.StatusNotFound || r.code == http.StatusMethodNotAllowed:
		if st != protocol.StatusBadRequest {
			t.Fatalf("%s: HTTP %d with statusCode %s", what, r.code, r.StatusCode)
		}
	case st.HTTPCode() != r.code:
		t.Fatalf("%s: HTTP %d with statusCode %s (%d)", what, r.code, r.StatusCode, st.HTTPCode())
	}
}

// expect fails unless the reply has the HTTP code and a statusString containing text.
func (r *restReply) expect(t testing.TB, code int, text string) *restReply {
	t.Helper()
	if r.code != code || !strings.Contains(r.StatusString, text) {
		t.Fatalf("got HTTP %d %s %q, want %d with %q; reply %s", r.code, r.StatusCode, r.StatusString, code, text, clip(r.raw))
	}
	return r
}

// value decodes values[key] into v.
func (r *restReply) value(t testing.TB, key string, v any) {
	t.Helper()
	raw, ok := r.Values[key]
	if !ok {
		t.Fatalf("reply has no values.%s: %s", key, clip(r.raw))
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("values.%s: %v: %s", key, err, clip(raw))
	}
}

// strList returns values.stringList.values.
func (r *restReply) strList(t testing.TB) []string {
	t.Helper()
	var l struct{ Values []string }
	r.value(t, "stringList", &l)
	return l.Values
}

// ksvs returns values.KSVSMap.values (null values as nil).
func (r *restReply) ksvs(t testing.TB) []map[string]*string {
	t.Helper()
	var l struct{ Values []map[string]*string }
	r.value(t, "KSVSMap", &l)
	return l.Values
}

// ksvd returns values.KSVDMap.values (null values as nil).
func (r *restReply) ksvd(t testing.TB) []map[string]*float64 {
	t.Helper()
	var l struct{ Values []map[string]*float64 }
	r.value(t, "KSVDMap", &l)
	return l.Values
}

// awaitJob polls a job's Location until it is no longer running.
func (c *restClient) awaitJob(location string) *restReply {
	c.t.Helper()
	var r *restReply
	eventually(c.t, "job "+location, func() bool {
		r = c.doPath(http.MethodGet, location, "", nil)
		return r.code != http.StatusAccepted
	})
	return r
}

// build submits a build, checks the 202 and its headers, and returns the finished job.
func (c *restClient) build(pid, algo, modelID, ctx string) *restReply {
	c.t.Helper()
	r := c.do(http.MethodPost, "/projects/"+url.PathEscape(pid)+"/build", "algo="+url.QueryEscape(algo)+"&modelid="+url.QueryEscape(modelID), []byte(ctx))
	r.expect(c.t, http.StatusAccepted, "ACCEPTED")
	id := r.header.Get("sym-job-id")
	if loc := r.header.Get("Location"); id == "" || loc != c.path("/jobs/"+id) {
		c.t.Fatalf("build: Location %q, sym-job-id %q", loc, id)
	}
	return c.awaitJob(r.header.Get("Location"))
}

// frameJSON is a DataFrame JSON; errorHandling < 0 leaves the key out.
func frameJSON(names, types []string, rows [][]string, errorHandling int) []byte {
	df := map[string]any{"attributeNames": names, "attributeTypes": types, "data": rows}
	if errorHandling >= 0 {
		df["errorHandling"] = errorHandling
	}
	b, err := json.Marshal(df)
	if err != nil {
		panic(err)
	}
	return b
}

// Iris, from testdata/iris.csv (written by clients/testdata/gen_iris.py from
// model/testdata/iris_classifiers.json): four measurements, the species as a category, and
// one 0/1 column per species.
var (
	irisNames = []string{"sepal_length", "sepal_width", "petal_length", "petal_width", "species", "Iris_setosa", "Iris_versicolor", "Iris_virginica"}
	irisTypes = []string{"C", "C", "C", "C", "T", "B", "B", "B"}
)

func irisRows(t testing.TB) [][]string {
	t.Helper()
	f, err := os.Open("testdata/iris.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(irisNames, ",") || len(rows) != 151 {
		t.Fatalf("testdata/iris.csv: header %v, %d lines", rows[0], len(rows))
	}
	return rows[1:]
}

// exportOf is the project's state as the store encodes it (to prove a refused request
// changed nothing).
func exportOf(t testing.TB, s *Server, cid, pid string) []byte {
	t.Helper()
	b, err := s.svc.store.Export(cid, pid)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
