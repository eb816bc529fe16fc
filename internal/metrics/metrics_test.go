package metrics

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/symscore/symscore/buildinfo"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/protocol"
)

// TestNamesPinned: the metric names operators' dashboards use do not change.
func TestNamesPinned(t *testing.T) {
	s := New()
	s.Refusal(LimitMaxRows).Inc()
	s.Endpoint("ws_learn").Done(protocol.StatusOK, time.Microsecond)
	s.Rows("learned").Add(3)
	s.AuthFailure("bad_signature").Inc()
	s.Build("lda", true).Inc()
	r := s.Route("/symetry/ws/learn")
	r.Frames.Inc()
	r.Messages.Inc()
	r.Sent.Inc()
	s.CloseSent(1008)
	s.Handshake(101)
	mfs, err := s.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, mf := range mfs {
		if strings.HasPrefix(mf.GetName(), "symscore_") {
			names = append(names, mf.GetName())
		}
	}
	want := "symscore_auth_failures_total symscore_build_info symscore_builds_total symscore_checkpoint_age_seconds " +
		"symscore_models symscore_open_connections symscore_projects " +
		"symscore_refusals_total symscore_replay_memory_entries symscore_replay_memory_fill_ratio " +
		"symscore_request_duration_seconds symscore_requests_total symscore_rows_total " +
		"symscore_subscribe_messages_sent_total symscore_subscribe_values_coalesced_total " +
		"symscore_subscriber_connections symscore_subscriptions " +
		"symscore_upload_disk_bytes symscore_wal_bytes " +
		"symscore_ws_close_frames_sent_total symscore_ws_frames_received_total symscore_ws_handshakes_total " +
		"symscore_ws_messages_received_total symscore_ws_messages_sent_total"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("metrics:\n%s\nwant:\n%s", got, want)
	}
	for _, mf := range mfs {
		if mf.GetName() != "symscore_requests_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			lp := m.GetLabel()
			if lp[0].GetValue() == "ws_learn" && lp[1].GetValue() == "OK" && m.GetCounter().GetValue() != 1 {
				t.Fatalf("ws_learn OK requests %v", m.GetCounter().GetValue())
			}
		}
	}
}

// series returns the label values of every series of metric name, joined by "/", with
// their values.
func series(t *testing.T, s *Set, name string) map[string]float64 {
	t.Helper()
	mfs, err := s.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			var lv []string
			for _, l := range m.GetLabel() {
				lv = append(lv, l.GetName()+"="+l.GetValue())
			}
			v := m.GetGauge().GetValue() + m.GetCounter().GetValue()
			out[strings.Join(lv, ",")] = v
		}
	}
	return out
}

// TestEndpointSeries: the series of the statuses an endpoint can answer exist at 0 from
// the start; another status gets its series when it first occurs, and only then.
func TestEndpointSeries(t *testing.T) {
	s := New()
	e := s.Endpoint("rest_list", protocol.StatusOK, protocol.StatusBadRequest)
	got := series(t, s, "symscore_requests_total")
	want := map[string]float64{"endpoint=rest_list,status=OK": 0, "endpoint=rest_list,status=BAD_REQUEST": 0}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("series before any request %v, want %v", got, want)
	}
	e.Done(protocol.StatusOK, time.Millisecond)
	e.Done(protocol.StatusInternalServerError, time.Millisecond)
	e.Done(protocol.StatusInternalServerError, time.Millisecond)
	want = map[string]float64{"endpoint=rest_list,status=OK": 1, "endpoint=rest_list,status=BAD_REQUEST": 0,
		"endpoint=rest_list,status=INTERNAL_SERVER_ERROR": 2}
	if got := series(t, s, "symscore_requests_total"); !reflect.DeepEqual(got, want) {
		t.Fatalf("series after requests %v, want %v", got, want)
	}
}

// TestLatencyBucketsRound: the latency buckets are 1, 2.5 and 5 times powers of ten, from
// 5 µs to 10 s.
func TestLatencyBucketsRound(t *testing.T) {
	if latencyBuckets[0] != 5e-6 || latencyBuckets[len(latencyBuckets)-1] != 10 {
		t.Fatalf("buckets from %v to %v", latencyBuckets[0], latencyBuckets[len(latencyBuckets)-1])
	}
	for i, b := range latencyBuckets {
		text := strconv.FormatFloat(b, 'e', -1, 64)
		if !strings.HasPrefix(text, "1e") && !strings.HasPrefix(text, "2.5e") && !strings.HasPrefix(text, "5e") {
			t.Errorf("bucket %d is %s: not a round bound", i, text)
		}
		if i > 0 && b <= latencyBuckets[i-1] {
			t.Errorf("bucket %d (%v) not above %v", i, b, latencyBuckets[i-1])
		}
	}
	if len(latencyBuckets) != 20 {
		t.Errorf("%d buckets, want 20 (1-2.5-5 over 5 µs to 10 s)", len(latencyBuckets))
	}
}

// TestBuildInfo: the labels are what package buildinfo reads, as `symscore version`
// prints it.
func TestBuildInfo(t *testing.T) {
	for _, tc := range []struct {
		bi   buildinfo.Info
		want string
	}{
		{buildinfo.Info{Version: "v1.2.3", Revision: "0123abcd", GoVersion: "go1.26.0"}, "go_version=go1.26.0,revision=0123abcd,version=v1.2.3"},
		{buildinfo.Info{Version: "(devel)", Revision: "0123abcd", Modified: true, GoVersion: "go1.26.0"}, "go_version=go1.26.0,revision=0123abcd-modified,version=(devel)"},
		{buildinfo.Info{Version: "(devel)", GoVersion: "go1.26.0"}, "go_version=go1.26.0,revision=unknown,version=(devel)"},
	} {
		reg := prometheus.NewRegistry()
		reg.MustRegister(buildInfo(tc.bi))
		s := &Set{registry: reg}
		if got := series(t, s, "symscore_build_info"); !reflect.DeepEqual(got, map[string]float64{tc.want: 1}) {
			t.Errorf("%+v: %v, want %s = 1", tc.bi, got, tc.want)
		}
	}
	// A set labels the running binary.
	bi := buildinfo.Read()
	rev := bi.Revision
	if rev == "" {
		rev = "unknown"
	} else if bi.Modified {
		rev += "-modified"
	}
	want := "go_version=" + bi.GoVersion + ",revision=" + rev + ",version=" + bi.Version
	if got := series(t, New(), "symscore_build_info"); got[want] != 1 {
		t.Errorf("build info of the running binary %v, want %s", got, want)
	}
}

// TestState: the state gauges are 0 until the state is set, then read it once per scrape.
func TestState(t *testing.T) {
	s := New()
	if got := series(t, s, "symscore_projects"); got[""] != 0 || len(got) != 1 {
		t.Fatalf("projects before SetState: %v", got)
	}
	reads := 0
	s.SetState(func() State {
		reads++
		return State{Projects: 3, Models: 5, WALBytes: 1 << 20, CheckpointAgeSeconds: 12.5, ReplayEntries: 7, ReplayFill: 0.25, UploadDiskBytes: 9}
	})
	mfs, err := s.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	if reads != 1 {
		t.Fatalf("%d reads of the state in one scrape", reads)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		if len(mf.GetMetric()) == 1 && mf.GetMetric()[0].GetGauge() != nil {
			got[mf.GetName()] = mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	for name, want := range map[string]float64{"symscore_projects": 3, "symscore_models": 5, "symscore_wal_bytes": 1 << 20,
		"symscore_checkpoint_age_seconds": 12.5, "symscore_replay_memory_entries": 7,
		"symscore_replay_memory_fill_ratio": 0.25, "symscore_upload_disk_bytes": 9} {
		if got[name] != want {
			t.Errorf("%s = %v, want %v", name, got[name], want)
		}
	}
}

func TestEndpointDoneAllocs(t *testing.T) {
	testenv.SkipAllocs(t)
	e := New().Endpoint("ws_predict", protocol.StatusOK)
	if n := testing.AllocsPerRun(100, func() { e.Done(protocol.StatusOK, time.Microsecond) }); n != 0 {
		t.Fatalf("%v allocations per Done", n)
	}
}
