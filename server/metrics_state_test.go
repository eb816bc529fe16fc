package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/symscore/symscore/internal/testkit"
)

// TestStateGauges: /metrics reports the projects, models, log size, checkpoint age and
// replay memory of a live server.
func TestStateGauges(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	c := rest1(s)
	c.Create("p")
	c.Create("q")
	c.Do(http.MethodPost, "/projects/p/learn", "", testkit.FrameJSON([]string{"x", "y"}, []string{"C", "C"},
		[][]string{{"1", "2"}, {"2", "4.5"}, {"3", "5.5"}, {"4", "8"}}, -1)).Expect(t, http.StatusOK, "")
	c.BuildModel("p", "mlr", "m", `{"inputAttributeNames":["x"],"targetAttributeNames":["y"]}`)
	for name, want := range map[string]float64{"symscore_projects": 2, "symscore_models": 1, "symscore_upload_disk_bytes": 0} {
		if got := s.Metric(name, ""); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if got := s.Metric("symscore_wal_bytes", ""); got < 100 {
		t.Errorf("symscore_wal_bytes = %v after creates, a learn and a build", got)
	}
	if got := s.Metric("symscore_checkpoint_age_seconds", ""); got <= 0 || got > 60 {
		t.Errorf("symscore_checkpoint_age_seconds = %v, want the seconds since recovery", got)
	}
	// Every signed request is remembered: the creates, the learn, the build, its polls.
	if got := s.Metric("symscore_replay_memory_entries", ""); got < 4 {
		t.Errorf("symscore_replay_memory_entries = %v", got)
	}
	if got := s.Metric("symscore_replay_memory_fill_ratio", ""); got <= 0 || got >= 0.01 {
		t.Errorf("symscore_replay_memory_fill_ratio = %v", got)
	}
	if _, body := get(t, "http://"+s.AdminAddr()+"/metrics"); strings.Contains(body, "symscore_tls_cert_not_after_seconds ") {
		t.Error("a certificate expiry without TLS")
	}
}

// TestRequestSeries: symscore_requests_total has a series for each status an endpoint can
// answer, and none for one it cannot (a list is never CREATED, nothing is ACCEPTED but a
// build, an upload's finalize and a job); the latency buckets are round.
func TestRequestSeries(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	code, body := get(t, "http://"+s.AdminAddr()+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: HTTP %d: %s", code, body)
	}
	series := regexp.MustCompile(`(?m)^symscore_requests_total\{endpoint="([a-z_]+)",status="([A-Z_]+)"\} `).FindAllStringSubmatch(body, -1)
	have := map[string]bool{}
	for _, m := range series {
		have[m[1]+" "+m[2]] = true
	}
	for _, want := range []string{"rest_create CREATED", "rest_list OK", "rest_build ACCEPTED", "rest_job ACCEPTED", "rest_job OK",
		"rest_learn CONFLICT", "rest_learn UNAUTHORIZED", "rest_predict SERVICE_UNAVAILABLE", "rest_no_route BAD_REQUEST",
		"ws_predict OK", "ws_learn BAD_REQUEST", "rest_upload_announce CREATED", "rest_upload_finalize ACCEPTED",
		"rest_upload_info OK", "ws_upload OK", "rpc_predict_matrix OK", "rpc_build CONFLICT", "rpc UNAUTHORIZED", "rpc_subscribe OK", "rpc_subscribe CONFLICT",
		"rpc_unsubscribe BAD_REQUEST"} {
		if !have[want] {
			t.Errorf("no series %s", want)
		}
	}
	for _, absent := range []string{"rest_list CREATED", "rest_info ACCEPTED", "rest_create OK", "rest_build OK", "rest_upload_announce OK",
		"rest_no_route OK", "rest_no_route UNAUTHORIZED", "ws_predict CREATED", "ws_learn INTERNAL_SERVER_ERROR",
		"rpc_predict CONFLICT", "rpc_project_list UNAUTHORIZED"} {
		if have[absent] {
			t.Errorf("series %s, which cannot occur", absent)
		}
	}
	// 21 REST operations × 5 (their success and 4 refusals), the job × 6 (OK and ACCEPTED),
	// no_route × 1, 5 WebSocket endpoints × 5 (learn, forget, predict, subscribe, upload):
	// 137, where every pair made 216; the RPC endpoint's 14 methods × 3 (OK, BAD_REQUEST,
	// SERVICE_UNAVAILABLE) and CONFLICT for 6 of them, and rpc × 5: 53.
	if len(series) != 190 {
		t.Errorf("%d requests_total series before any request, want 190", len(series))
	}
	if !strings.Contains(body, `symscore_request_duration_seconds_bucket{endpoint="ws_predict",le="2.5e-05"} 0`) ||
		!strings.Contains(body, `symscore_request_duration_seconds_bucket{endpoint="ws_predict",le="0.001"} 0`) {
		t.Error("latency buckets are not at round bounds (25 µs, 1 ms)")
	}
}
