package ui_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
)

// TestServedOnTheMainListener: the server serves the dashboard under /ui/ on its main
// listener, next to the REST control plane, which it leaves as it was.
func TestServedOnTheMainListener(t *testing.T) {
	s, _ := startServer(t)
	base := "http://" + s.Addr()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, c := range []struct {
		path     string
		code     int
		contains string
	}{
		{"/ui/", 200, `<script type="module" src="js/app.js">`},
		{"/ui/js/sign.js", 200, "HMAC"},
		{"/ui", 301, ""},
		{"/ui/missing.js", 404, "not found"},
		{"/", 404, "BAD_REQUEST"},                              // REST's answer to a path it has no route for
		{"/uix", 404, "BAD_REQUEST"},                           // not the dashboard's
		{"/symetry/rest/c1/projects/list", 400, "BAD_REQUEST"}, // unsigned: REST refuses it
	} {
		resp, err := noRedirect.Get(base + c.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.code || !strings.Contains(string(body), c.contains) {
			t.Errorf("GET %s: %d %.80q, want %d with %q", c.path, resp.StatusCode, body, c.code, c.contains)
		}
	}
	// A signed REST request still works on the same connection pool.
	rc := testkit.NewREST(t, s.Addr(), testenv.CID1, testenv.Secret1)
	rc.Do("GET", "/projects/list", "", nil).Expect(t, 200, "OK")
}
