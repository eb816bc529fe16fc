package metrics

import (
	"strings"
	"testing"
	"time"

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
	want := "symscore_auth_failures_total symscore_build_info symscore_builds_total symscore_open_connections " +
		"symscore_refusals_total symscore_request_duration_seconds symscore_requests_total symscore_rows_total " +
		"symscore_subscribe_messages_sent_total symscore_subscribe_values_coalesced_total " +
		"symscore_subscriber_connections symscore_subscriptions " +
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

func TestEndpointDoneAllocs(t *testing.T) {
	testenv.SkipAllocs(t)
	e := New().Endpoint("ws_predict")
	if n := testing.AllocsPerRun(100, func() { e.Done(protocol.StatusOK, time.Microsecond) }); n != 0 {
		t.Fatalf("%v allocations per Done", n)
	}
}
