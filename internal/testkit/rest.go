package testkit

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit/rawws"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// RESTPrefix starts every REST path.
const RESTPrefix = "/symetry/rest/"

// RESTClient signs and sends REST requests as a SymetryML client does, over a real
// loopback connection.
type RESTClient struct {
	T      testing.TB
	Addr   string // host:port
	CID    string
	Signer *auth.Signer
	HC     *http.Client
}

// NewREST is a client of the server at addr for customer cid.
func NewREST(t testing.TB, addr, cid, secret string) *RESTClient {
	t.Helper()
	sg, err := auth.NewSigner(cid, secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 4}
	t.Cleanup(tr.CloseIdleConnections)
	return &RESTClient{T: t, Addr: addr, CID: cid, Signer: sg, HC: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// Reply is a REST reply: the HTTP code and headers, and the envelope.
type Reply struct {
	Code   int
	Header http.Header
	Raw    []byte

	StatusCode   string                     `json:"statusCode"`
	StatusString string                     `json:"statusString"`
	Values       map[string]json.RawMessage `json:"values"`
}

// Path is the REST path of the client's customer: /symetry/rest/{cid}<rel>.
func (c *RESTClient) Path(rel string) string { return RESTPrefix + url.PathEscape(c.CID) + rel }

// Do sends a signed request to c.Path(rel) with a raw (already escaped) query.
func (c *RESTClient) Do(method, rel, rawQuery string, body []byte) *Reply {
	c.T.Helper()
	return c.DoPath(method, c.Path(rel), rawQuery, body)
}

// DoPath sends a signed request to a raw path.
func (c *RESTClient) DoPath(method, rawPath, rawQuery string, body []byte) *Reply {
	c.T.Helper()
	return c.Send(method, rawPath, rawQuery, body, c.Sign(method, rawPath, rawQuery, body))
}

// Sign returns the signed headers of a request.
func (c *RESTClient) Sign(method, rawPath, rawQuery string, body []byte) http.Header {
	date, md5, sig := c.Signer.SignREST(method, rawPath, rawQuery, body)
	h := http.Header{}
	h.Set("Authorization", sig)
	h.Set("sym-date", date)
	h.Set("Content-MD5", md5)
	h.Set("Content-Type", "application/json")
	return h
}

// Send sends a request with exactly the headers h and checks that the reply is an
// envelope whose HTTP code is its status' (404 and 405 aside) and whose type is JSON.
func (c *RESTClient) Send(method, rawPath, rawQuery string, body []byte, h http.Header) *Reply {
	c.T.Helper()
	u := "http://" + c.Addr + rawPath
	if rawQuery != "" {
		u += "?" + rawQuery
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		c.T.Fatal(err)
	}
	if got := req.URL.EscapedPath(); got != rawPath {
		c.T.Fatalf("path %q would be sent as %q", rawPath, got)
	}
	req.Header = h
	resp, err := c.HC.Do(req)
	if err != nil {
		c.T.Fatalf("%s %s: %v", method, rawPath, err)
	}
	defer resp.Body.Close()
	r := &Reply{Code: resp.StatusCode, Header: resp.Header}
	if r.Raw, err = io.ReadAll(resp.Body); err != nil {
		c.T.Fatalf("%s %s: reading the reply: %v", method, rawPath, err)
	}
	CheckEnvelope(c.T, method+" "+rawPath, r)
	return r
}

// CheckEnvelope decodes r.Raw into r, failing unless it is exactly an envelope.
func CheckEnvelope(t testing.TB, what string, r *Reply) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s: Content-Type %q, body %s", what, ct, rawws.Clip(r.Raw))
	}
	dec := json.NewDecoder(bytes.NewReader(r.Raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(r); err != nil {
		t.Fatalf("%s: reply is not an envelope: %v: %s", what, err, rawws.Clip(r.Raw))
	}
	if r.Values == nil {
		t.Fatalf("%s: envelope without values: %s", what, rawws.Clip(r.Raw))
	}
	st, ok := protocol.ParseStatus(r.StatusCode)
	switch {
	case !ok:
		t.Fatalf("%s: unknown statusCode %q", what, r.StatusCode)
	case r.Code == http.StatusNotFound || r.Code == http.StatusMethodNotAllowed:
		if st != protocol.StatusBadRequest {
			t.Fatalf("%s: HTTP %d with statusCode %s", what, r.Code, r.StatusCode)
		}
	case st.HTTPCode() != r.Code:
		t.Fatalf("%s: HTTP %d with statusCode %s (%d)", what, r.Code, r.StatusCode, st.HTTPCode())
	}
}

// Expect fails unless the reply has the HTTP code and a statusString containing text.
func (r *Reply) Expect(t testing.TB, code int, text string) *Reply {
	t.Helper()
	if r.Code != code || !strings.Contains(r.StatusString, text) {
		t.Fatalf("got HTTP %d %s %q, want %d with %q; reply %s", r.Code, r.StatusCode, r.StatusString, code, text, rawws.Clip(r.Raw))
	}
	return r
}

// Value decodes values[key] into v.
func (r *Reply) Value(t testing.TB, key string, v any) {
	t.Helper()
	raw, ok := r.Values[key]
	if !ok {
		t.Fatalf("reply has no values.%s: %s", key, rawws.Clip(r.Raw))
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("values.%s: %v: %s", key, err, rawws.Clip(raw))
	}
}

// StrList returns values.stringList.values.
func (r *Reply) StrList(t testing.TB) []string {
	t.Helper()
	var l struct{ Values []string }
	r.Value(t, "stringList", &l)
	return l.Values
}

// KSVS returns values.KSVSMap.values (null values as nil).
func (r *Reply) KSVS(t testing.TB) []map[string]*string {
	t.Helper()
	var l struct{ Values []map[string]*string }
	r.Value(t, "KSVSMap", &l)
	return l.Values
}

// KSVD returns values.KSVDMap.values (null values as nil).
func (r *Reply) KSVD(t testing.TB) []map[string]*float64 {
	t.Helper()
	var l struct{ Values []map[string]*float64 }
	r.Value(t, "KSVDMap", &l)
	return l.Values
}

// AwaitJob polls a job's Location until it is no longer running.
func (c *RESTClient) AwaitJob(location string) *Reply {
	c.T.Helper()
	var r *Reply
	testenv.Eventually(c.T, "job "+location, func() bool {
		r = c.DoPath(http.MethodGet, location, "", nil)
		return r.Code != http.StatusAccepted
	})
	return r
}

// Build submits a build, checks the 202 and its headers, and returns the finished job.
func (c *RESTClient) Build(pid, algo, modelID, ctx string) *Reply {
	c.T.Helper()
	return c.build(pid, algo, modelID, "", ctx)
}

// Rebuild is Build with replace=true: it replaces a model of the same id.
func (c *RESTClient) Rebuild(pid, algo, modelID, ctx string) *Reply {
	c.T.Helper()
	return c.build(pid, algo, modelID, "&replace=true", ctx)
}

func (c *RESTClient) build(pid, algo, modelID, more, ctx string) *Reply {
	c.T.Helper()
	r := c.Do(http.MethodPost, "/projects/"+url.PathEscape(pid)+"/build", "algo="+url.QueryEscape(algo)+"&modelid="+url.QueryEscape(modelID)+more, []byte(ctx))
	r.Expect(c.T, http.StatusAccepted, "ACCEPTED")
	id := r.Header.Get("sym-job-id")
	if loc := r.Header.Get("Location"); id == "" || loc != c.Path("/jobs/"+id) {
		c.T.Fatalf("build: Location %q, sym-job-id %q", loc, id)
	}
	return c.AwaitJob(r.Header.Get("Location"))
}

// Create makes project pid (type cpu), failing the test unless it is created.
func (c *RESTClient) Create(pid string) {
	c.T.Helper()
	c.Do(http.MethodPost, "/projects", "pid="+url.QueryEscape(pid), nil).Expect(c.T, http.StatusCreated, "CREATED")
}

// Learn learns frame into project pid, failing the test unless it is OK.
func (c *RESTClient) Learn(pid string, frame []byte) {
	c.T.Helper()
	c.Do(http.MethodPost, "/projects/"+url.PathEscape(pid)+"/learn", "", frame).Expect(c.T, http.StatusOK, "OK")
}

// Export returns project pid's state as the server encodes it (what a refused request must
// leave unchanged).
func (c *RESTClient) Export(pid string) []byte {
	c.T.Helper()
	var state string
	c.Do(http.MethodGet, "/projects/"+url.PathEscape(pid)+"/export", "", nil).Expect(c.T, http.StatusOK, "OK").Value(c.T, "projectState", &state)
	b, err := base64.StdEncoding.DecodeString(state)
	if err != nil {
		c.T.Fatal(err)
	}
	return b
}

// Project is project pid as the server holds it, decoded from its export.
func (c *RESTClient) Project(pid string) *model.Project {
	c.T.Helper()
	p, err := model.UnmarshalProject(c.Export(pid))
	if err != nil {
		c.T.Fatal(err)
	}
	return p
}

// BuildModel builds model id with algo on project pid from ctx (an MLContext's JSON),
// fails the test unless the build succeeds, and returns the model as the server holds it.
func (c *RESTClient) BuildModel(pid, algo, id, ctx string) *model.Model {
	c.T.Helper()
	c.Build(pid, algo, id, ctx).Expect(c.T, http.StatusOK, "Job is finished")
	m, ok := c.Project(pid).Model(id)
	if !ok {
		c.T.Fatalf("model %s of %s not in the export", id, pid)
	}
	return m
}
