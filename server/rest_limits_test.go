package server

import (
	"bufio"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// TestRESTInflightLimit: with every limits.max_inflight slot taken, a REST request waits
// up to inflightWait, then gets 503, counted; once a slot frees, requests are served.
func TestRESTInflightLimit(t *testing.T) {
	cfg := restTestConfig()
	cfg.Limits.MaxInflight = 1
	s := startWSServer(t, cfg, &connHooks{inflightWait: 20 * time.Millisecond})
	c := newRESTClient(t, s, "c1", secretC1)
	l := listenerOf(t, s)
	l.inflight <- struct{}{}
	c.do(http.MethodGet, "/projects/list", "", nil).expect(t, http.StatusServiceUnavailable, "limits.max_inflight")
	if got := metricValue(t, s, "symscore_refusals_total", "limit=max_inflight"); got != 1 {
		t.Errorf("max_inflight refusals %v, want 1", got)
	}
	<-l.inflight
	c.do(http.MethodGet, "/projects/list", "", nil).expect(t, http.StatusOK, "OK")
}

// TestRESTBodyTimeout: a body that does not arrive within limits.idle_timeout is refused
// with 400, counted, and the connection closed.
func TestRESTBodyTimeout(t *testing.T) {
	cfg := restTestConfig()
	cfg.Limits.IdleTimeout = 200 * time.Millisecond
	s := startWSServer(t, cfg, nil)
	c := dial(t, s)
	// Signed headers (checked before any of the body is read), then a body that stalls.
	rc := newRESTClient(t, s, "c1", secretC1)
	body := []byte(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"],["2"],["3"],["4"],["5"],["6"],["7"]]}`)
	h := rc.sign(http.MethodPost, "/symetry/rest/c1/projects/p/learn", "", body)
	head := "POST /symetry/rest/c1/projects/p/learn HTTP/1.1\r\nHost: x\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n"
	for k := range h {
		head += k + ": " + h.Get(k) + "\r\n"
	}
	c.writeRaw([]byte(head + "\r\n" + string(body[:17])))
	resp, err := http.ReadResponse(bufio.NewReader(c.br), nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &restReply{code: resp.StatusCode, header: resp.Header}
	r.raw, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	checkEnvelope(t, "slow body", r)
	r.expect(t, http.StatusBadRequest, "limits.idle_timeout")
	if got := metricValue(t, s, "symscore_refusals_total", "limit=idle_timeout"); got != 1 {
		t.Errorf("idle_timeout refusals %v, want 1", got)
	}
	c.expectEOF()
}
