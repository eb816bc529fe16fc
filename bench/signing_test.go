package bench

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/protocol"
)

const (
	testCID    = "c1"
	testSecret = "A1ciUrDJgm5LIJU710bxeQ=="
)

func TestSetupSignaturesVerify(t *testing.T) {
	ks, err := auth.NewKeyStore(map[string][]string{testCID: {testSecret}})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu       sync.Mutex
		verified int
	)
	verifier := auth.NewVerifier(ks, auth.Options{}, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		err := verifier.VerifyREST(&auth.RESTRequest{
			Method: r.Method, Date: r.Header.Get("sym-date"), MD5: r.Header.Get("Content-MD5"),
			Signature: r.Header.Get("Authorization"), CID: testCID, Body: body,
			Path: r.URL.Path, RawQuery: r.URL.RawQuery, Scheme: "http", Host: r.Host,
		})
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(protocol.AppendReply(nil, protocol.StatusUnauthorized, err.Error()))
			return
		}
		verified++
		st := protocol.StatusOK
		if r.URL.Path == "/symetry/rest/c1/projects" {
			st = protocol.StatusCreated
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(st.HTTPCode())
		w.Write(protocol.AppendReply(nil, st, st.String()))
	}))
	defer srv.Close()
	c, err := client.New(srv.URL, testCID, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	err = Setup(context.Background(), SetupConfig{Client: c, Project: "p1", Model: "m1"})
	if err != nil || verified != 3 {
		t.Fatalf("%v, %d requests verified", err, verified)
	}
}
