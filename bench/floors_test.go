package bench

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestRunWithFloors: the target and both floors run in rotated rounds. Each run lasts
// long enough (250 ms) for a round trip on a loaded machine under -race.
func TestRunWithFloors(t *testing.T) {
	// The target is a second echo server, with pooled buffers: a stand-in for symscore's
	// /symetry/ws/echo.
	target, err := StartWSEchoOptions("127.0.0.1:0", WSEchoOptions{PoolIdleBuffers: true})
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	cmp, err := RunWithFloors(context.Background(), LoadConfig{
		URL: target.URL(), Mode: ModeEcho, Name: "target", Connections: 2, Pipeline: 2,
		Warmup: 20 * time.Millisecond, Duration: 250 * time.Millisecond, Message: LearnPayload(10, 1), Rows: 10,
	}, FloorOptions{Rounds: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(cmp.Rounds) != 3 || !cmp.InProcess {
		t.Fatalf("%d rounds, in process %v", len(cmp.Rounds), cmp.InProcess)
	}
	for i, r := range cmp.Rounds {
		checkReport(t, r.Target)
		checkReport(t, r.WSFloor)
		checkReport(t, r.TCPFloor)
		if r.WSFloor.Mode != ModeEcho || r.TCPFloor.Mode != ModeTCP || r.TCPFloor.MessageBytes != r.Target.MessageBytes {
			t.Fatalf("round %d: floors not loaded like the target", i)
		}
		if i > 0 && r.Order[0] == cmp.Rounds[i-1].Order[0] {
			t.Fatalf("order not rotated: %v then %v", cmp.Rounds[i-1].Order, r.Order)
		}
	}
	// Medians are figures of one of the rounds.
	var p50s []time.Duration
	for _, r := range cmp.Rounds {
		p50s = append(p50s, r.Target.P50)
	}
	if cmp.Target.P50 != median(p50s) || cmp.Target.Name != "target" {
		t.Fatalf("median p50 %v of %v", cmp.Target.P50, p50s)
	}
	want := float64(cmp.Target.P50) / float64(cmp.WSFloor.P50)
	if cmp.TargetVsWS.P50 != want || cmp.TargetVsTCP.MsgsPerSec <= 0 {
		t.Fatalf("ratios %+v %+v", cmp.TargetVsWS, cmp.TargetVsTCP)
	}
	var text, js bytes.Buffer
	if err := cmp.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"tcp echo floor", "ws echo floor", "target / ws floor", "medians of 3 rounds"} {
		if !strings.Contains(text.String(), want) {
			t.Fatalf("text lacks %q:\n%s", want, text.String())
		}
	}
	if err := cmp.WriteJSON(&js); err != nil || !strings.Contains(js.String(), `"target_vs_ws_floor"`) {
		t.Fatalf("json: %v\n%s", err, js.String())
	}
	t.Logf("\n%s", text.String())
}

func TestRunWithFloorsStopsOnFailure(t *testing.T) {
	target, err := StartWSEcho("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	cmp, err := RunWithFloors(context.Background(), LoadConfig{
		URL: target.URL(), Mode: ModePredict, Count: 20, Message: []byte(`{"statusCode":"UNAUTHORIZED"}`),
	}, FloorOptions{Rounds: 2})
	if !errors.Is(err, ErrRunFailed) || cmp == nil || len(cmp.Rounds) != 1 || cmp.Rounds[0].Target == nil {
		t.Fatalf("got %v, %+v", err, cmp)
	}
	if cmp.WriteText(&bytes.Buffer{}) == nil {
		t.Fatal("an incomplete comparison printed as complete")
	}
}

func TestMedian(t *testing.T) {
	if m := median([]float64{3, 1, 2}); m != 2 {
		t.Fatalf("median %v", m)
	}
	if m := median([]float64{4, 1, 3, 2}); m != 2 {
		t.Fatalf("median of even count %v, want the lower middle", m)
	}
}
