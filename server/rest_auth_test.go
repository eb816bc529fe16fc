package server_test

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/server"
)

// The known answers of docs/protocol.md section 2, sent as they are to a server whose clock is
// the vectors' date.
const (
	katDate     = "2025-11-16 20:11:50;294669000"
	katInfoPath = "/symetry/rest/c1/projects/irisTest/info"
	katInfoSig  = "k//rgtxhG24fM8p/DA0RZNHkBmkhxr9WlmM+IBRWYWg="
	katBuildPth = "/symetry/rest/c1/projects/irisTest/build"
	katBuildQ   = "algo=lda&modelid=lda1"
	katBuildMD5 = "4X9CgBqOcvXkRJ0a2NYnHw=="
	katBuildSig = "Igg4xCVfhmY7ycYXYhzwjvDz7rs+3AmgHrwQzyx1ZkA="
	katBuildBdy = `{"targets":["12"],"inputAttributes":["0","1","2","3"],"extraParameters":{}}`
)

func katHeader(date, md5, sig string) http.Header {
	h := http.Header{}
	h.Set("sym-date", date)
	h.Set("Content-MD5", md5)
	h.Set("Authorization", sig)
	h.Set("Content-Type", "application/json")
	return h
}

// TestRESTKnownAnswers: the vectors verify end to end; one changed character does not.
func TestRESTKnownAnswers(t *testing.T) {
	at, err := auth.ParseDate([]byte(katDate))
	if err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return at }
	s := start(t, testkit.Config(), &server.Hooks{Now: clock})
	c := s.REST("c1", testenv.Secret1)
	c.Signer.Now = clock

	// Verified (the project does not exist yet: 400 from the endpoint, not from auth).
	c.Send(http.MethodGet, katInfoPath, "", nil, katHeader(katDate, "", katInfoSig)).Expect(t, http.StatusBadRequest, "cannot find project")

	c.Do(http.MethodPost, "/projects", "pid=irisTest", nil).Expect(t, http.StatusCreated, "CREATED")
	var info smlInfo
	c.Send(http.MethodGet, katInfoPath, "", nil, katHeader(katDate, "", katInfoSig)).Expect(t, http.StatusOK, "OK").Value(t, "smlInfo", &info)
	if info.PID != "irisTest" {
		t.Fatalf("info of %q", info.PID)
	}
	// The build vector starts a job, which fails: the project has no attribute 12.
	r := c.Send(http.MethodPost, katBuildPth, katBuildQ, []byte(katBuildBdy), katHeader(katDate, katBuildMD5, katBuildSig)).Expect(t, http.StatusAccepted, "ACCEPTED")
	c.AwaitJob(r.Header.Get("Location")).Expect(t, http.StatusBadRequest, "out of range")
	// A build changes state: the same signed request again is a replay.
	c.Send(http.MethodPost, katBuildPth, katBuildQ, []byte(katBuildBdy), katHeader(katDate, katBuildMD5, katBuildSig)).Expect(t, http.StatusConflict, "replayed request")

	bad := []byte(katInfoSig)
	bad[0] = 'K'
	r = c.Send(http.MethodGet, katInfoPath, "", nil, katHeader(katDate, "", string(bad))).Expect(t, http.StatusUnauthorized, "bad signature")
	var sts string
	r.Value(t, "stringToSign", &sts)
	if want := "GET\n\nSECRETKEY\n" + katDate + "\nc1\n" + katInfoPath + "\n"; sts != want {
		t.Fatalf("stringToSign %q, want %q", sts, want)
	}
}

// restStringToSign is the REST string to sign of docs/protocol.md section 2, written plainly.
func restStringToSign(method, md5, secret, date, cid, body, resource, query string) string {
	s := method + "\n" + md5 + "\n" + secret + "\n" + date + "\n" + cid + "\n"
	if body != "" {
		s += body + "\n"
	}
	s += resource + "\n"
	if query != "" {
		s += query + "\n"
	}
	return s
}

// TestRESTAuthFailures: every refusal of docs/protocol.md section 2 with its HTTP code, an
// testkit.Envelope, its metric reason, and no effect.
func TestRESTAuthFailures(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	c := s.REST("c1", testenv.Secret1)
	c.Do(http.MethodPost, "/projects", "pid=p", nil).Expect(t, http.StatusCreated, "")
	body := testkit.FrameJSON([]string{"x"}, []string{"C"}, [][]string{{"1"}}, -1)
	learn := c.Path("/projects/p/learn")
	before := rest1(s).Export("p")

	signedBy := func(cid, secret string, now func() time.Time) http.Header {
		sg, err := auth.NewSigner(cid, secret, now)
		if err != nil {
			t.Fatal(err)
		}
		o := &testkit.RESTClient{Signer: sg}
		return o.Sign(http.MethodPost, learn, "", body)
	}
	ago := func(d time.Duration) func() time.Time { return func() time.Time { return time.Now().Add(-d) } }
	sha1Sig := func() http.Header {
		h := c.Sign(http.MethodPost, learn, "", body)
		key, _ := base64.StdEncoding.DecodeString(testenv.Secret1)
		mac := hmac.New(sha1.New, key)
		mac.Write([]byte(restStringToSign("POST", h.Get("Content-MD5"), testenv.Secret1, h.Get("sym-date"), "c1", string(body), learn, "")))
		h.Set("Authorization", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
		return h
	}

	tests := []struct {
		name   string
		header func() http.Header
		path   string // default: learn
		code   int
		text   string
		reason string
	}{
		{"no Authorization", func() http.Header { h := c.Sign("POST", learn, "", body); h.Del("Authorization"); return h }, "", 400, "malformed authentication header", ops.ReasonMalformed},
		{"Authorization with a scheme", func() http.Header {
			h := c.Sign("POST", learn, "", body)
			h.Set("Authorization", "HMAC "+h.Get("Authorization"))
			return h
		}, "", 400, "not valid Base64", ops.ReasonMalformed},
		{"no sym-date", func() http.Header { h := c.Sign("POST", learn, "", body); h.Del("sym-date"); return h }, "", 400, "malformed", ops.ReasonMalformed},
		{"bad date format", func() http.Header {
			h := c.Sign("POST", learn, "", body)
			h.Set("sym-date", "2025-11-16T20:11:50Z")
			return h
		}, "", 400, "sym-date format", ops.ReasonDateFormat},
		{"date too old", func() http.Header { return signedBy("c1", testenv.Secret1, ago(10*time.Minute)) }, "", 400, "outside the accepted window", ops.ReasonDateWindow},
		{"date ahead", func() http.Header { return signedBy("c1", testenv.Secret1, ago(-2*time.Minute)) }, "", 400, "outside the accepted window", ops.ReasonDateWindow},
		{"MD5 mismatch", func() http.Header {
			h := c.Sign("POST", learn, "", body)
			h.Set("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==")
			return h
		}, "", 400, "content MD5", ops.ReasonMD5},
		{"no Content-MD5 with a body", func() http.Header { h := c.Sign("POST", learn, "", body); h.Del("Content-MD5"); return h }, "", 400, "content MD5", ops.ReasonMD5},
		{"unknown customer", func() http.Header {
			sg, _ := auth.NewSigner("c9", testenv.Secret1, nil)
			return (&testkit.RESTClient{Signer: sg}).Sign("POST", "/symetry/rest/c9/projects/p/learn", "", body)
		}, "/symetry/rest/c9/projects/p/learn", 401, "unknown customer", ops.ReasonCustomer},
		{"wrong secret", func() http.Header { return signedBy("c1", testenv.Secret2, nil) }, "", 401, "bad signature", ops.ReasonSignature},
		{"other customer's signature", func() http.Header { return signedBy("c2", testenv.Secret2, nil) }, "", 401, "bad signature", ops.ReasonSignature},
		{"Customer-ID of another customer", func() http.Header {
			h := c.Sign("POST", learn, "", body)
			h.Set("Customer-ID", "c2")
			return h
		}, "", 401, "Customer-ID", ops.ReasonCrossTenant},
		{"HMAC-SHA1", sha1Sig, "", 401, "SHA1", ops.ReasonSHA1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = learn
			}
			n0 := s.Metric("symscore_auth_failures_total", "reason="+tc.reason)
			r := c.Send(http.MethodPost, path, "", body, tc.header()).Expect(t, tc.code, tc.text)
			if got := s.Metric("symscore_auth_failures_total", "reason="+tc.reason); got != n0+1 {
				t.Errorf("auth failures %s: %v, want %v", tc.reason, got, n0+1)
			}
			if strings.Contains(string(r.Raw), testenv.Secret1) || strings.Contains(string(r.Raw), testenv.Secret2) {
				t.Fatalf("reply holds a secret: %s", r.Raw)
			}
			if tc.reason == ops.ReasonSignature {
				var sts string
				r.Value(t, "stringToSign", &sts)
				if !strings.HasPrefix(sts, "POST\n"+bodyMD5(body)+"\nSECRETKEY\n") || !strings.HasSuffix(sts, "\nc1\n"+string(body)+"\n"+learn+"\n") {
					t.Fatalf("stringToSign %q", sts)
				}
			} else if _, ok := r.Values["stringToSign"]; ok {
				t.Fatalf("stringToSign in a %s refusal", tc.reason)
			}
			if string(rest1(s).Export("p")) != string(before) {
				t.Fatal("a refused learn changed the project")
			}
		})
	}
	if got := s.Metric("symscore_requests_total", "endpoint=rest_learn,status=UNAUTHORIZED"); got != 5 {
		t.Errorf("rest_learn UNAUTHORIZED %v, want 5", got)
	}
}

// bodyMD5 is the Content-MD5 of a body.
func bodyMD5(body []byte) string {
	sum := md5.Sum(body)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// TestRESTReplay: the same signed learn twice is refused the second time (409) and its
// rows count once; a read may be repeated.
func TestRESTReplay(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	c := s.REST("c1", testenv.Secret1)
	c.Do(http.MethodPost, "/projects", "pid=p", nil).Expect(t, http.StatusCreated, "")
	body := testkit.FrameJSON([]string{"x"}, []string{"C"}, [][]string{{"1"}, {"2"}}, -1)
	for _, op := range []string{"learn", "forget"} {
		path := c.Path("/projects/p/" + op)
		h := c.Sign(http.MethodPost, path, "", body)
		c.Send(http.MethodPost, path, "", body, h).Expect(t, http.StatusOK, "OK")
		c.Send(http.MethodPost, path, "", body, h).Expect(t, http.StatusConflict, "replayed request")
	}
	if got := projectInfo(c, "p").Rows; got != 0 {
		t.Fatalf("rows %d after learn, replay, forget, replay; want 0", got)
	}
	if got := s.Metric("symscore_auth_failures_total", "reason=replay"); got != 2 {
		t.Errorf("replay refusals %v, want 2", got)
	}
	info := c.Path("/projects/p/info")
	h := c.Sign(http.MethodGet, info, "", nil)
	c.Send(http.MethodGet, info, "", nil, h).Expect(t, http.StatusOK, "OK")
	c.Send(http.MethodGet, info, "", nil, h).Expect(t, http.StatusOK, "OK")
}

// TestRESTCrossCustomer: c2 cannot reach c1's project or jobs, under c1's path (401) nor by
// naming c1's ids under its own (400), and c1's project is unchanged.
func TestRESTCrossCustomer(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	c1 := s.REST("c1", testenv.Secret1)
	c2 := s.REST("c2", testenv.Secret2)
	rows := testkit.IrisRows(t)
	frame := testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, rows, -1)
	c1.Do(http.MethodPost, "/projects", "pid=shared", nil).Expect(t, http.StatusCreated, "")
	c1.Do(http.MethodPost, "/projects/shared/learn", "", frame).Expect(t, http.StatusOK, "")
	c1.Build("shared", "lda", "lda1", ctxLDA).Expect(t, http.StatusOK, "Job is finished")
	job := c1.Do(http.MethodPost, "/projects/shared/build", "algo=mlr&modelid=mlr1", []byte(ctxMLR)).Expect(t, http.StatusAccepted, "")
	jobID := job.Header.Get("sym-job-id")
	c1.AwaitJob(job.Header.Get("Location")).Expect(t, http.StatusOK, "Job is finished")
	c2.Do(http.MethodPost, "/projects", "pid=mine", nil).Expect(t, http.StatusCreated, "")
	before := rest1(s).Export("shared")

	predict := testkit.FrameJSON(testkit.IrisNames[:4], testkit.IrisTypes[:4], [][]string{rows[0][:4]}, -1)
	reqs := []struct {
		method, rel, query string
		body               []byte
	}{
		{http.MethodGet, "/projects/shared/info", "", nil},
		{http.MethodPost, "/projects/shared/learn", "", frame},
		{http.MethodPost, "/projects/shared/forget", "", frame},
		{http.MethodPost, "/projects/shared/build", "algo=lda&modelid=x", []byte(ctxLDA)},
		{http.MethodPost, "/projects/shared/predict/lda1", "", predict},
		{http.MethodGet, "/projects/shared/models/lda1", "", nil},
		{http.MethodDelete, "/projects/shared/models/lda1", "", nil},
		{http.MethodPost, "/projects/shared/explore", "metric=uni", []byte(`{"values":[{"inputAttributes":["0"]}]}`)},
		{http.MethodGet, "/projects/shared/merge", "otherProjectName=mine", nil},
		{http.MethodGet, "/projects/shared/freeze", "", nil},
		{http.MethodGet, "/projects/shared/export", "", nil},
		{http.MethodDelete, "/projects/shared", "", nil},
	}
	for _, q := range reqs {
		// Under c1's path, signed by c2: the signature is checked with c1's secret.
		c2.DoPath(q.method, "/symetry/rest/c1"+q.rel, q.query, q.body).Expect(t, http.StatusUnauthorized, "bad signature")
		// Under c2's own path: c2 has no such project.
		c2.Do(q.method, q.rel, q.query, q.body).Expect(t, http.StatusBadRequest, "cannot find project")
	}
	// Merging c1's project into c2's own.
	c2.Do(http.MethodGet, "/projects/mine/merge", "otherProjectName=shared", nil).Expect(t, http.StatusBadRequest, "cannot find project")
	// Jobs.
	c2.Do(http.MethodGet, "/jobs/"+jobID, "", nil).Expect(t, http.StatusBadRequest, "cannot find job")
	c2.DoPath(http.MethodGet, "/symetry/rest/c1/jobs/"+jobID, "", nil).Expect(t, http.StatusUnauthorized, "bad signature")
	c1.Do(http.MethodGet, "/jobs/"+jobID, "", nil).Expect(t, http.StatusOK, "Job is finished")
	c1.Do(http.MethodGet, "/jobs/AAAAAAAAAAAAAAAAAAAAAAAAAA", "", nil).Expect(t, http.StatusBadRequest, "cannot find job")

	if got := c2.Do(http.MethodGet, "/projects/list", "", nil).Expect(t, http.StatusOK, "").StrList(t); len(got) != 1 || got[0] != "mine" {
		t.Fatalf("c2 lists %v", got)
	}
	if string(rest1(s).Export("shared")) != string(before) {
		t.Fatal("c1's project changed")
	}
}
