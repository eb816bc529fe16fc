package bench

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestRunAgainstFloors(t *testing.T) {
	wsURL, tcpURL := startFloors(t)
	msg := PredictPayload()
	for _, tc := range []struct {
		name        string
		mode, url   string
		connections int
		pipeline    int
	}{
		{name: "ws ping-pong", mode: ModeEcho, url: wsURL, connections: 1, pipeline: 1},
		{name: "ws pipelined", mode: ModeEcho, url: wsURL, connections: 3, pipeline: 8},
		{name: "tcp ping-pong", mode: ModeTCP, url: tcpURL, connections: 1, pipeline: 1},
		{name: "tcp pipelined", mode: ModeTCP, url: tcpURL, connections: 2, pipeline: 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Run(context.Background(), LoadConfig{
				URL:          tc.url,
				Mode:         tc.mode,
				Connections:  tc.connections,
				Pipeline:     tc.pipeline,
				Warmup:       20 * time.Millisecond,
				Duration:     150 * time.Millisecond,
				FirstMessage: []byte("first"),
				Message:      msg,
				Rows:         1,
			})
			if err != nil {
				t.Fatal(err)
			}
			checkReport(t, r)
			if r.Connections != tc.connections || r.Pipeline != tc.pipeline || r.MessageBytes != len(msg) {
				t.Fatalf("report echoes the wrong config: %+v", r)
			}
			if r.RowsPerSec != r.MsgsPerSec {
				t.Fatalf("1 row per message: rows/s %v != msgs/s %v", r.RowsPerSec, r.MsgsPerSec)
			}
			var text bytes.Buffer
			if err := r.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(text.String(), "p99.9") || strings.Contains(text.String(), "FAILED") {
				t.Fatalf("text report:\n%s", text.String())
			}
			t.Logf("\n%s", text.String())
		})
	}
}

func TestRunCountBound(t *testing.T) {
	wsURL, _ := startFloors(t)
	for _, pipeline := range []int{1, 5} {
		r, err := Run(context.Background(), LoadConfig{
			URL: wsURL, Mode: ModeEcho, Connections: 2, Pipeline: pipeline, Count: 500, Message: []byte("x"),
		})
		if err != nil {
			t.Fatal(err)
		}
		if r.Count != 500 {
			t.Fatalf("pipeline %d: count %d, want exactly 500", pipeline, r.Count)
		}
		checkReport(t, r)
	}
}

func TestRunNeedsABound(t *testing.T) {
	_, err := Run(context.Background(), LoadConfig{URL: "ws://127.0.0.1:1/", Mode: ModeEcho, Message: []byte("x")})
	if !errors.Is(err, ErrUnbounded) {
		t.Fatalf("got %v, want ErrUnbounded", err)
	}
	_, err = Run(context.Background(), LoadConfig{URL: "ws://127.0.0.1:1/", Mode: ModeEcho, Message: []byte("x"), Duration: 2 * MaxRunTime})
	if err == nil || !strings.Contains(err.Error(), "cap") {
		t.Fatalf("a duration past the cap: got %v", err)
	}
}

func TestRunReportsFailedChecks(t *testing.T) {
	wsURL, _ := startFloors(t)
	for _, pipeline := range []int{1, 4} {
		r, err := Run(context.Background(), LoadConfig{
			URL: wsURL, Mode: ModeEcho, Pipeline: pipeline, Count: 50, Message: []byte(`{"statusCode":"BAD_REQUEST"}`),
			Check: CheckStatusOK,
		})
		if !errors.Is(err, ErrRunFailed) {
			t.Fatalf("pipeline %d: got %v, want ErrRunFailed", pipeline, err)
		}
		if r == nil || !r.Failed() || r.Errors != 50 || r.Count != 0 || !strings.Contains(r.FirstError, "BAD_REQUEST") {
			t.Fatalf("pipeline %d: report %+v", pipeline, r)
		}
		var text bytes.Buffer
		r.WriteText(&text)
		if !strings.Contains(text.String(), "FAILED: 50 errors") {
			t.Fatalf("text report does not say it failed:\n%s", text.String())
		}
	}
}

func TestRunFirstMessageChecked(t *testing.T) {
	wsURL, _ := startFloors(t)
	_, err := Run(context.Background(), LoadConfig{
		URL: wsURL, Mode: ModeEcho, Count: 10, FirstMessage: []byte("hello"), Message: []byte("x"),
		CheckFirst: func([]byte) error { return errors.New("refused") },
	})
	if err == nil || !strings.Contains(err.Error(), "first message: refused") {
		t.Fatalf("got %v", err)
	}
}

func TestRunBrokenConnection(t *testing.T) {
	// A server that closes after the upgrade: the run stops with an error, not a hang.
	srv, err := StartWSEchoOptions("127.0.0.1:0", WSEchoOptions{MaxFrameBytes: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	r, err := Run(context.Background(), LoadConfig{URL: srv.URL(), Mode: ModeEcho, Pipeline: 2, Duration: time.Second, Message: []byte("longer than eight")})
	if !errors.Is(err, ErrRunFailed) || !strings.Contains(err.Error(), "status 1009") {
		t.Fatalf("got %v", err)
	}
	if !r.Failed() {
		t.Fatalf("report not failed: %+v", r)
	}
}

func TestRunCancelled(t *testing.T) {
	wsURL, _ := startFloors(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Run(ctx, LoadConfig{URL: wsURL, Mode: ModeEcho, Duration: 30 * time.Second, Message: []byte("x")})
	if !errors.Is(err, ErrRunFailed) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("cancellation took %v", time.Since(start))
	}
}
