package bench

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// restSigner signs nothing but records what it was asked to sign.
type restSigner struct {
	fakeSigner
	mu     sync.Mutex // guards signed
	signed []string
}

func (s *restSigner) SignREST(method, resource, rawQuery string, body []byte) (string, string, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.signed = append(s.signed, method+" "+resource+"?"+rawQuery)
	return "2025-11-16 20:11:50;294669000", "md5", "sig-" + method
}

// fakeREST plays symscore's REST API for Setup.
func fakeREST(t *testing.T, createStatus, jobPolls int) (*httptest.Server, *[]string) {
	var (
		mu   sync.Mutex
		seen []string
	)
	polls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r.Method+" "+r.URL.RequestURI())
		if r.Header.Get("Authorization") != "sig-"+r.Method || r.Header.Get("sym-date") == "" || r.Header.Get("Content-MD5") != "md5" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"statusCode":"UNAUTHORIZED","statusString":"bad signature","values":{}}`)
			return
		}
		switch {
		case r.URL.Path == "/symetry/rest/c1/projects":
			w.WriteHeader(createStatus)
		case r.URL.Path == "/symetry/rest/c1/projects/p1/learn":
			if !strings.Contains(string(body), `"attributeNames":["sepal_length"`) {
				w.WriteHeader(http.StatusBadRequest)
			}
		case r.URL.Path == "/symetry/rest/c1/projects/p1/build":
			if !strings.Contains(string(body), `"targetAttributeNames":["Iris_setosa"]`) {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			w.Header().Set("Location", "/symetry/rest/c1/jobs/7")
			w.WriteHeader(http.StatusAccepted)
		case r.URL.Path == "/symetry/rest/c1/jobs/7":
			if polls++; polls <= jobPolls {
				w.WriteHeader(http.StatusAccepted)
			}
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

func TestSetup(t *testing.T) {
	for _, create := range []int{http.StatusCreated, http.StatusConflict} {
		srv, seen := fakeREST(t, create, 2)
		signer := &restSigner{fakeSigner: fakeSigner{now: time.Now}}
		wsURL := "ws" + strings.TrimPrefix(srv.URL, "http") + "/symetry/ws/predict"
		err := Setup(context.Background(), SetupConfig{BaseURL: wsURL, CID: "c1", Signer: signer, Project: "p1", Model: "m1"})
		if err != nil {
			t.Fatalf("create status %d: %v", create, err)
		}
		want := []string{
			"POST /symetry/rest/c1/projects?pid=p1&type=cpu",
			"POST /symetry/rest/c1/projects/p1/learn",
			"POST /symetry/rest/c1/projects/p1/build?algo=lda&modelid=m1",
			"GET /symetry/rest/c1/jobs/7", "GET /symetry/rest/c1/jobs/7", "GET /symetry/rest/c1/jobs/7",
		}
		if strings.Join(*seen, "\n") != strings.Join(want, "\n") {
			t.Fatalf("requests:\n%s\nwant:\n%s", strings.Join(*seen, "\n"), strings.Join(want, "\n"))
		}
		if len(signer.signed) != len(want) || signer.signed[0] != "POST /symetry/rest/c1/projects?pid=p1&type=cpu" {
			t.Fatalf("signed %v", signer.signed)
		}
	}
}

func TestSetupReportsRefusals(t *testing.T) {
	srv, _ := fakeREST(t, http.StatusBadRequest, 0)
	signer := &restSigner{fakeSigner: fakeSigner{now: time.Now}}
	err := Setup(context.Background(), SetupConfig{BaseURL: srv.URL, CID: "c1", Signer: signer, Project: "p1"})
	if err == nil || !strings.Contains(err.Error(), "create project: HTTP 400") {
		t.Fatalf("got %v", err)
	}
	// A wrong signature is reported with the server's words.
	srv, _ = fakeREST(t, http.StatusCreated, 0)
	err = Setup(context.Background(), SetupConfig{BaseURL: srv.URL, CID: "c1", Signer: fakeSigner{now: time.Now}, Project: "p1"})
	if err == nil || !strings.Contains(err.Error(), "UNAUTHORIZED: bad signature") {
		t.Fatalf("got %v", err)
	}
	if err := Setup(context.Background(), SetupConfig{BaseURL: "ftp://x", CID: "c1", Signer: signer, Project: "p1"}); err == nil {
		t.Fatal("ftp url accepted")
	}
}
