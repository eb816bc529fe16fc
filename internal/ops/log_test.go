package ops

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/protocol"
)

// TestAuthLogLimiter: a burst of authLogBurst lines, then authLogRate per second; the
// first line after dropped ones says how many were dropped.
func TestAuthLogLimiter(t *testing.T) {
	var l authLogLimiter
	t0 := time.Unix(1000, 0)
	for i := range authLogBurst {
		if ok, dropped := l.allow(t0); !ok || dropped != 0 {
			t.Fatalf("line %d of the burst: %v %d", i, ok, dropped)
		}
	}
	for range 7 {
		if ok, _ := l.allow(t0); ok {
			t.Fatal("a line past the burst was allowed")
		}
	}
	// A second later authLogRate lines more are allowed; the first says 7 were dropped.
	t1 := t0.Add(time.Second)
	ok, dropped := l.allow(t1)
	if !ok || dropped != 7 {
		t.Fatalf("after a second: %v, %d dropped; want true, 7", ok, dropped)
	}
	for i := 1; i < authLogRate; i++ {
		if ok, dropped := l.allow(t1); !ok || dropped != 0 {
			t.Fatalf("line %d after a second: %v %d", i, ok, dropped)
		}
	}
	if ok, _ := l.allow(t1); ok {
		t.Fatal("more than authLogRate lines in a second")
	}
}

// TestLogRefusalBounded: a flood of authentication failures logs authLogBurst lines, not
// one per failure; other refusals log nothing.
func TestLogRefusalBounded(t *testing.T) {
	var buf bytes.Buffer
	s := &Service{log: slog.New(slog.NewJSONHandler(&buf, nil))}
	r := &Refusal{Status: protocol.StatusUnauthorized, Msg: "bad signature", Reason: ReasonSignature, AuthFailed: true}
	for range 3 * authLogBurst {
		s.LogRefusal(r, Caller{Remote: "127.0.0.1:1", Endpoint: "rest_list", CID: "c1"})
	}
	s.LogRefusal(&Refusal{Status: protocol.StatusBadRequest, Msg: "cannot find project"}, Caller{})
	if n := strings.Count(buf.String(), "\n"); n < authLogBurst || n > authLogBurst+authLogRate {
		t.Fatalf("%d lines for %d failures, want about %d", n, 3*authLogBurst, authLogBurst)
	}
	if strings.Contains(buf.String(), "cannot find project") {
		t.Fatal("a refusal that is not authentication's was logged")
	}
}

// TestSessionChangesTotals: a session's learns are logged in totals: when the project or
// the customer changes, after a minute, and when flushed; nothing is logged per message.
func TestSessionChangesTotals(t *testing.T) {
	var buf bytes.Buffer
	s := &Service{log: slog.New(slog.NewJSONHandler(&buf, nil))}
	var sc SessionChanges
	t0 := time.Unix(1000, 0)
	s.CountSessionChange(&sc, c1, "learn", "p", 10, t0)
	s.CountSessionChange(&sc, c1, "learn", "p", 5, t0.Add(time.Second))
	if buf.Len() != 0 {
		t.Fatalf("logged per message: %s", buf.String())
	}
	s.CountSessionChange(&sc, c1, "learn", "q", 1, t0.Add(2*time.Second))             // p's totals
	s.CountSessionChange(&sc, c2, "learn", "q", 2, t0.Add(3*time.Second))             // c1's q
	s.CountSessionChange(&sc, c2, "learn", "q", 3, t0.Add(3*time.Second+time.Minute)) // a minute: c2's q, 2 messages
	s.CountSessionChange(&sc, c2, "learn", "q", 4, t0.Add(2*time.Minute))
	s.FlushSessionChanges(&sc, "learn", t0.Add(2*time.Minute+time.Second))
	s.FlushSessionChanges(&sc, "learn", t0.Add(3*time.Minute)) // nothing left
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Join([]string{m["cid"].(string), m["pid"].(string), m["what"].(string),
			jsonNumber(m["rows"]), jsonNumber(m["messages"])}, " "))
	}
	want := []string{"c1 p learn 15 2", "c1 q learn 1 1", "c2 q learn 5 2", "c2 q learn 4 1"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("totals:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestDebugEnabledFollowsTheLoggerLevel: DebugEnabled is the level of the logger the
// service opened with, decided once.
func TestDebugEnabledFollowsTheLoggerLevel(t *testing.T) {
	for _, c := range []struct {
		level slog.Level
		want  bool
	}{{slog.LevelDebug, true}, {slog.LevelInfo, false}, {slog.LevelWarn, false}} {
		var buf bytes.Buffer
		log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: c.level}))
		s, _ := open(t, testConfig(t), nil, func(o *Options) { o.Log = log })
		if got := s.DebugEnabled(); got != c.want {
			t.Errorf("level %v: DebugEnabled %v, want %v", c.level, got, c.want)
		}
		buf.Reset()
		s.LogRequest(Caller{Remote: "127.0.0.1:1", Endpoint: "ws_predict", CID: "c1"}, "p", protocol.StatusOK, time.Millisecond)
		if logged := strings.Contains(buf.String(), `"msg":"request"`); logged != c.want {
			t.Errorf("level %v: LogRequest logged %v, want %v: %q", c.level, logged, c.want, buf.String())
		}
	}
	s, _ := open(t, testConfig(t), nil)
	if s.DebugEnabled() {
		t.Error("the discarding logger enables debug")
	}
}
