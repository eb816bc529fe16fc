package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/symscore/symscore/internal/testkit"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	return testkit.HTTPGet(t, url)
}

func TestAdminEndpoints(t *testing.T) {
	s := startServer(t)
	base := "http://" + s.AdminAddr()
	if code, body := get(t, base+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := get(t, base+"/readyz"); code != 200 || body != "ready\n" {
		t.Errorf("/readyz: %d %q", code, body)
	}
	code, body := get(t, base+"/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		"\nsymscore_ready 1\n",
		"\nsymscore_open_connections 0\n",
		"symscore_build_info{go_version=\"go",
		"\ngo_goroutines ",
		"\nprocess_open_fds ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if code, _ := get(t, base+"/symetry/rest/c1/projects/list"); code != http.StatusNotFound {
		t.Errorf("project path on the admin listener: %d, want 404", code)
	}
	resp, err := http.Post(base+"/readyz", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /readyz: %d, want 405", resp.StatusCode)
	}
}
