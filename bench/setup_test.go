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

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/protocol"
)

// fakeREST plays symscore's REST API for Setup: create answers createStatus, the build job
// runs for jobPolls polls. Every reply is an envelope; a request without the signed
// headers is refused 401.
func fakeREST(t *testing.T, createStatus protocol.Status, jobPolls int) (*httptest.Server, *[]string) {
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
		reply := func(st protocol.Status, msg string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(st.HTTPCode())
			w.Write(protocol.AppendReply(nil, st, msg))
		}
		if r.Header.Get("Authorization") == "" || r.Header.Get("sym-date") == "" {
			reply(protocol.StatusUnauthorized, "bad signature")
			return
		}
		switch {
		case r.URL.Path == "/symetry/rest/c1/projects":
			reply(createStatus, createStatus.String())
		case r.URL.Path == "/symetry/rest/c1/projects/p1/learn":
			if !strings.Contains(string(body), `"attributeNames":["sepal_length"`) {
				reply(protocol.StatusBadRequest, "not iris")
				return
			}
			reply(protocol.StatusOK, "OK")
		case r.URL.Path == "/symetry/rest/c1/projects/p1/build":
			if !strings.Contains(string(body), `"targetAttributeNames":["Iris_setosa"]`) {
				reply(protocol.StatusBadRequest, "not setosa")
				return
			}
			w.Header().Set("Location", "/symetry/rest/c1/jobs/7")
			w.Header().Set("sym-job-id", "7")
			reply(protocol.StatusAccepted, "ACCEPTED")
		case r.URL.Path == "/symetry/rest/c1/jobs/7":
			if polls++; polls <= jobPolls {
				reply(protocol.StatusAccepted, "Job still running")
				return
			}
			reply(protocol.StatusOK, "Job is finished")
		default:
			reply(protocol.StatusBadRequest, "no such endpoint")
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

// newClient is a client of srv for customer c1 that polls jobs every millisecond.
func newClient(t *testing.T, srv *httptest.Server, secret string) *client.Client {
	t.Helper()
	c, err := client.New(srv.URL, "c1", secret, client.WithJobPoll(time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSetup(t *testing.T) {
	for _, create := range []protocol.Status{protocol.StatusCreated, protocol.StatusConflict} {
		srv, seen := fakeREST(t, create, 2)
		err := Setup(context.Background(), SetupConfig{Client: newClient(t, srv, testSecret), Project: "p1", Model: "m1"})
		if err != nil {
			t.Fatalf("create status %v: %v", create, err)
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
	}
}

func TestSetupReportsRefusals(t *testing.T) {
	srv, _ := fakeREST(t, protocol.StatusBadRequest, 0)
	err := Setup(context.Background(), SetupConfig{Client: newClient(t, srv, testSecret), Project: "p1"})
	if err == nil || !strings.Contains(err.Error(), "create project: BAD_REQUEST") {
		t.Fatalf("got %v", err)
	}
	if err := Setup(context.Background(), SetupConfig{Project: "p1"}); err == nil {
		t.Fatal("setup without a client accepted")
	}
	if _, err := HTTPBase("ftp://x"); err == nil {
		t.Fatal("ftp url accepted")
	}
	if got, err := HTTPBase("ws://h:1/symetry/ws/predict"); err != nil || got != "http://h:1" {
		t.Fatalf("HTTPBase: %q %v", got, err)
	}
}
