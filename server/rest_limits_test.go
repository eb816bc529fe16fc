package server_test

import (
	"bufio"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/server"
)

// TestRESTInflightLimit: with every limits.max_inflight slot taken, a REST request waits
// up to the limiter's wait, then gets 503, counted; once a slot frees, requests are served.
func TestRESTInflightLimit(t *testing.T) {
	cfg := testkit.Config()
	cfg.Limits.MaxInflight = 1
	inflight := admit.NewLimiter(cfg.Limits.MaxInflight, 20*time.Millisecond)
	s := start(t, cfg, &server.Hooks{Inflight: inflight})
	c := s.REST("c1", testenv.Secret1)
	inflight.TryAcquire()
	c.Do(http.MethodGet, "/projects/list", "", nil).Expect(t, http.StatusServiceUnavailable, "limits.max_inflight")
	if got := s.Metric("symscore_refusals_total", "limit=max_inflight"); got != 1 {
		t.Errorf("max_inflight refusals %v, want 1", got)
	}
	inflight.Release()
	c.Do(http.MethodGet, "/projects/list", "", nil).Expect(t, http.StatusOK, "OK")
}

// TestRESTBodyTimeout: a body (unverified until whole) that does not arrive within
// limits.auth_timeout is refused with 400, counted, and the connection closed.
func TestRESTBodyTimeout(t *testing.T) {
	cfg := testkit.Config()
	cfg.Limits.AuthTimeout = 200 * time.Millisecond
	s := start(t, cfg, nil)
	c := s.Dial()
	// Signed headers (checked before any of the body is read), then a body that stalls.
	rc := s.REST("c1", testenv.Secret1)
	body := []byte(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"],["2"],["3"],["4"],["5"],["6"],["7"]]}`)
	h := rc.Sign(http.MethodPost, "/symetry/rest/c1/projects/p/learn", "", body)
	head := "POST /symetry/rest/c1/projects/p/learn HTTP/1.1\r\nHost: x\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n"
	for k := range h {
		head += k + ": " + h.Get(k) + "\r\n"
	}
	c.WriteRaw([]byte(head + "\r\n" + string(body[:17])))
	resp, err := http.ReadResponse(bufio.NewReader(c.BR), nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &testkit.Reply{Code: resp.StatusCode, Header: resp.Header}
	r.Raw, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	testkit.CheckEnvelope(t, "slow body", r)
	r.Expect(t, http.StatusBadRequest, "limits.auth_timeout")
	if got := s.Metric("symscore_refusals_total", "limit=auth_timeout"); got != 1 {
		t.Errorf("auth_timeout refusals %v, want 1", got)
	}
	c.ExpectEOF()
}
