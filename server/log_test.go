package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/testserver"
	"github.com/symscore/symscore/server"
)

// logBuffer collects a server's JSON log lines. Safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the lines logged so far whose msg is msg (every line for "").
func (b *logBuffer) lines(t *testing.T, msg string) []map[string]any {
	t.Helper()
	b.mu.Lock()
	text := b.buf.String()
	b.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(text), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %v: %s", err, l)
		}
		if msg == "" || m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// find returns the lines of msg that have every attribute of want (values compared as
// text); it waits a little for them, since some are logged after the reply.
func (b *logBuffer) find(t *testing.T, msg string, want map[string]string) []map[string]any {
	t.Helper()
	var found []map[string]any
	match := func() bool {
		found = found[:0]
	next:
		for _, m := range b.lines(t, msg) {
			for k, v := range want {
				if fmt.Sprint(m[k]) != v {
					continue next
				}
			}
			found = append(found, m)
		}
		return len(found) > 0
	}
	testenv.Eventually(t, fmt.Sprintf("a %q log line with %v", msg, want), match)
	return found
}

// startLogged starts a server logging JSON at level into the returned buffer.
func startLogged(t *testing.T, level slog.Level) (*testserver.Server, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	cfg := testkit.Config()
	cfg.DataDir = t.TempDir()
	cfg.ApplyDefaults()
	s, err := server.New(cfg, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: level})))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return &testserver.Server{Server: s, T: t}, logs
}

// TestLogAuthFailures: every authentication failure is logged at warn with the remote
// address, the customer named, the endpoint and the reason; so are replays. A refusal that
// is not authentication's is not.
func TestLogAuthFailures(t *testing.T) {
	s, logs := startLogged(t, slog.LevelInfo)
	// REST: a bad signature, a replay.
	bad := s.REST("c1", testenv.Secret2)
	bad.Do(http.MethodGet, "/projects/list", "", nil).Expect(t, http.StatusUnauthorized, "")
	c := rest1(s)
	c.Create("p")
	h := c.Sign(http.MethodPost, c.Path("/projects/p/learn"), "", []byte(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`))
	c.Send(http.MethodPost, c.Path("/projects/p/learn"), "", []byte(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`), h).Expect(t, http.StatusOK, "")
	c.Send(http.MethodPost, c.Path("/projects/p/learn"), "", []byte(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`), h).Expect(t, http.StatusConflict, "replayed")
	c.Do(http.MethodGet, "/projects/nope/info", "", nil).Expect(t, http.StatusBadRequest, "cannot find project")
	// WebSocket: a bad signature, a header that cannot be read.
	ws := s.Sym("/symetry/ws/learn", "c1", testenv.Secret2)
	ws.Signed(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`, "p")
	ws.Expect("UNAUTHORIZED")
	raw := s.Sym("/symetry/ws/predict", "c1", testenv.Secret1)
	raw.Bare(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`)
	raw.Expect("BAD_REQUEST")

	for _, want := range []map[string]string{
		{"level": "WARN", "endpoint": "rest_list", "cid": "c1", "reason": "bad_signature", "status": "UNAUTHORIZED"},
		{"level": "WARN", "endpoint": "rest_learn", "cid": "c1", "reason": "replay", "status": "CONFLICT"},
		{"level": "WARN", "endpoint": "ws_learn", "cid": "c1", "reason": "bad_signature"},
		{"level": "WARN", "endpoint": "ws_predict", "cid": "", "reason": "malformed_header"},
	} {
		for _, m := range logs.find(t, "authentication failed", want) {
			if r, _ := m["remote"].(string); !strings.HasPrefix(r, "127.0.0.1:") {
				t.Errorf("%v: remote %q", want, r)
			}
		}
	}
	if n := len(logs.lines(t, "authentication failed")); n != 4 {
		t.Errorf("%d authentication failures logged, want 4 (a missing project is not one)", n)
	}
	for _, m := range logs.lines(t, "") {
		if strings.Contains(fmt.Sprint(m), testenv.Secret1) || strings.Contains(fmt.Sprint(m), testenv.Secret2) {
			t.Fatalf("a log line holds a secret: %v", m)
		}
	}
}

// TestLogChanges: every change of a project or a model is logged at info with the
// customer, the project, what changed and the rows; a WebSocket session's learns in
// totals when it ends; a failed build at warn.
func TestLogChanges(t *testing.T) {
	s, logs := startLogged(t, slog.LevelInfo)
	c := rest1(s)
	c.Create("p")
	frame := testkit.FrameJSON([]string{"x", "y"}, []string{"C", "C"}, [][]string{{"1", "2"}, {"2", "4.5"}, {"3", "5.5"}, {"4", "8"}}, -1)
	c.Learn("p", frame)
	c.BuildModel("p", "mlr", "m", `{"inputAttributeNames":["x"],"targetAttributeNames":["y"]}`)
	c.Build("p", "mlr", "bad", `{"inputAttributeNames":["x"],"targetAttributeNames":["nope"]}`).Expect(t, http.StatusBadRequest, "nope")
	ws := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	ws.Signed(string(frame), "p")
	ws.Expect("OK")
	ws.Signed(string(frame))
	ws.Expect("OK")
	ws.NC.Close()
	c.Do(http.MethodGet, "/projects/p/freeze", "", nil).Expect(t, http.StatusOK, "")
	c.Do(http.MethodDelete, "/projects/p/models/m", "", nil).Expect(t, http.StatusOK, "")
	c.Do(http.MethodDelete, "/projects/p", "", nil).Expect(t, http.StatusOK, "")

	for _, want := range []map[string]string{
		{"level": "INFO", "cid": "c1", "pid": "p", "what": "create", "rows": "0", "type": "cpu"},
		{"level": "INFO", "cid": "c1", "pid": "p", "what": "learn", "rows": "4"},
		{"level": "INFO", "cid": "c1", "pid": "p", "what": "build", "rows": "4", "model": "m", "algo": "mlr"},
		{"level": "INFO", "cid": "c1", "pid": "p", "what": "learn", "rows": "8", "messages": "2"},
		{"level": "INFO", "cid": "c1", "pid": "p", "what": "freeze", "rows": "12"},
		{"level": "INFO", "cid": "c1", "pid": "p", "what": "delete model", "model": "m"},
		{"level": "INFO", "cid": "c1", "pid": "p", "what": "delete", "rows": "12"},
	} {
		logs.find(t, "change", want)
	}
	logs.find(t, "build failed", map[string]string{"level": "WARN", "cid": "c1", "pid": "p", "model": "bad", "algo": "mlr", "status": "BAD_REQUEST"})
	// The duration of a build is a duration (the command writes it in milliseconds).
	for _, m := range logs.lines(t, "change") {
		if m["what"] == "build" {
			if _, ok := m["took"].(float64); !ok {
				t.Errorf("build took %v (%T), want a duration", m["took"], m["took"])
			}
		}
	}
}

// TestLogDebugOneLinePerRequest: at debug, every request is one "request" line: REST
// calls and WebSocket messages, with endpoint, customer, project and status.
func TestLogDebugOneLinePerRequest(t *testing.T) {
	s, logs := startLogged(t, slog.LevelDebug)
	c := rest1(s)
	c.Create("p")
	c.Do(http.MethodGet, "/projects/list", "", nil).Expect(t, http.StatusOK, "")
	c.Do(http.MethodGet, "/projects/nope/info", "", nil).Expect(t, http.StatusBadRequest, "")
	ws := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	for range 3 {
		ws.Signed(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`, "p")
		ws.Expect("OK")
	}
	ws.NC.Close()
	lines := logs.lines(t, "request")
	var got []string
	for _, m := range lines {
		got = append(got, fmt.Sprintf("%v %v %v %v", m["endpoint"], m["cid"], m["pid"], m["status"]))
	}
	want := []string{"rest_create c1 p CREATED", "rest_list c1  OK", "rest_info c1 nope BAD_REQUEST",
		"ws_learn c1 p OK", "ws_learn c1 p OK", "ws_learn c1 p OK"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("request lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, m := range lines {
		if m["level"] != "DEBUG" || m["remote"] == "" {
			t.Errorf("request line %v", m)
		}
	}
}
