package server_test

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/server"
)

// learnRows learns rows of columns x (C), y (C) and k (T) over REST.
func learnRows(rc *testkit.RESTClient, pid string, rows ...[]string) {
	rc.Learn(pid, testkit.FrameJSON([]string{"x", "y", "k"}, []string{"C", "C", "T"}, rows, -1))
}

// checkUni checks a data message of attribute name against explore's uni on the project
// as the server holds it, at 1e-12.
func checkUni(t *testing.T, rc *testkit.RESTClient, pid string, m *subMsg) {
	t.Helper()
	p := rc.Project(pid)
	if m.Version != p.Version() {
		t.Fatalf("data of %s at version %d; the project is at %d", m.Name, m.Version, p.Version())
	}
	st, err := model.Explore(p.Snapshot(), "uni", model.MLContext{InputNames: []string{m.Name}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Values) != 6 {
		t.Fatalf("values %v: want count, mean, variance, stddev, min, max", m.raw)
	}
	for _, s := range st[:6] {
		got := m.Values[s.Key].num(t)
		if math.IsNaN(s.Value) != math.IsNaN(got) || math.Abs(got-s.Value) > 1e-12*math.Abs(s.Value) {
			t.Fatalf("%s %s = %v, uni says %v", m.Name, s.Key, got, s.Value)
		}
	}
}

// TestSubscribeFlow: the initial names; subscribe → subscribed, then first values equal
// to uni; learn → data within the interval with the new values; new T categories
// arrive as names; forget → data again; unsubscribe → nothing more; resubscribe → the
// first value again; a pending name starts flowing when it appears.
func TestSubscribeFlow(t *testing.T) {
	cfg := testkit.Config()
	cfg.Subscribe.Interval = 40 * time.Millisecond
	s := start(t, cfg, nil)
	rc := rest1(s)
	rc.Create("p")
	learnRows(rc, "p", []string{"1", "2", "a"}, []string{"2.5", "4", "b"}, []string{"4", "5", "a"})
	c, names := dialSub(s, "p", `{"type":"subscribe","names":["x","k$a","z"],"pairs":[["x","y"]]}`)
	if !slices.Equal(names.Names, []string{"x", "y", "k$a", "k$b"}) {
		t.Fatalf("initial names %v", names.Names)
	}
	sub := c.expect("subscribed")
	if !slices.Equal(sub.Names, []string{"x", "k$a", "z"}) || !slices.Equal(sub.Pending, []string{"z"}) || len(sub.Pairs) != 1 {
		t.Fatalf("subscribed %s", sub.raw)
	}
	first := map[string]*subMsg{}
	for len(first) < 3 {
		m := c.expect("data")
		first[m.key()] = m
	}
	checkUni(t, rc, "p", first["x"])
	checkUni(t, rc, "p", first["k$a"])
	p := rc.Project("p")
	bi, err := model.Explore(p.Snapshot(), "bi", model.MLContext{InputNames: []string{"x", "y"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := first["x,y"].Values["covar"].num(t); math.Abs(got-bi[0].Value) > 1e-12*math.Abs(bi[0].Value) {
		t.Fatalf("covar %v, bi says %v", got, bi[0].Value)
	}
	if _, err := time.Parse(time.RFC3339Nano, first["x"].Time); err != nil {
		t.Fatalf("time %q: %v", first["x"].Time, err)
	}

	// A learn: its data within the interval, a new category as names first.
	start := time.Now()
	learnRows(rc, "p", []string{"10", "1", "c"})
	v := rc.Project("p").Version()
	var joined []string
	m := c.until("x after the learn", func(m *subMsg) bool { return m.Type == "data" && m.Name == "x" }, func(m *subMsg) {
		if m.Type == "names" {
			joined = append(joined, m.Names...)
		}
	})
	if wait := time.Since(start); wait > time.Second {
		t.Fatalf("data %v after the learn", wait)
	}
	if m.Version != v || m.Values["count"].num(t) != 4 || m.Values["max"].num(t) != 10 {
		t.Fatalf("after the learn: %s", m.raw)
	}
	if !slices.Equal(joined, []string{"k$c"}) {
		t.Fatalf("names that joined: %v", joined)
	}
	checkUni(t, rc, "p", m)

	// A forget: data again.
	rc.Do(http.MethodPost, "/projects/p/forget", "", testkit.FrameJSON([]string{"x", "y", "k"}, []string{"C", "C", "T"},
		[][]string{{"10", "1", "c"}}, -1)).Expect(t, http.StatusOK, "OK")
	m = c.dataAt("x", v+1)
	if m.Values["count"].num(t) != 3 {
		t.Fatalf("after the forget: %s", m.raw)
	}
	checkUni(t, rc, "p", m)

	// Unsubscribe x: nothing more of it, while y (subscribed now) flows.
	c.Bare(`{"type":"unsubscribe","names":["x"]}`)
	if m := c.until("unsubscribed", func(m *subMsg) bool { return m.Type == "unsubscribed" }, nil); !slices.Equal(m.Names, []string{"x"}) {
		t.Fatalf("unsubscribed %s", m.raw)
	}
	c.Bare(`{"type":"subscribe","names":["y"]}`)
	c.until("subscribed", func(m *subMsg) bool { return m.Type == "subscribed" }, nil)
	c.dataAt("y", 0)
	learnRows(rc, "p", []string{"7", "7", "a"})
	v = rc.Project("p").Version()
	c.until("y after a learn", func(m *subMsg) bool { return m.Type == "data" && m.Name == "y" && m.Version == v }, func(m *subMsg) {
		if m.Type == "data" && m.Name == "x" {
			t.Fatalf("data of x after unsubscribe: %s", m.raw)
		}
	})
	// Resubscribe: the first value again, at once.
	c.Bare(`{"type":"subscribe","names":["x"]}`)
	c.until("subscribed", func(m *subMsg) bool { return m.Type == "subscribed" }, nil)
	if m := c.until("x", func(m *subMsg) bool { return m.Type == "data" && m.Name == "x" }, nil); m.Version != v {
		t.Fatalf("first value again: %s", m.raw)
	}
	// The pending name appears.
	rc.Learn("p", testkit.FrameJSON([]string{"z"}, []string{"C"}, [][]string{{"3"}}, -1))
	m = c.until("z", func(m *subMsg) bool { return m.Type == "data" && m.Name == "z" }, func(m *subMsg) {
		if m.Type == "names" && !slices.Equal(m.Names, []string{"z"}) {
			t.Fatalf("names %s", m.raw)
		}
	})
	checkUni(t, rc, "p", m)

	// x, k$a, z, the pair and y.
	if got := s.Metric("symscore_subscriptions", ""); got != 5 {
		t.Fatalf("symscore_subscriptions %v, want 5", got)
	}
	if got := s.Metric("symscore_subscriber_connections", ""); got != 1 {
		t.Fatalf("symscore_subscriber_connections %v, want 1", got)
	}
	if got := s.Metric("symscore_subscribe_messages_sent_total", ""); got < 15 {
		t.Fatalf("symscore_subscribe_messages_sent_total %v", got)
	}
	c.NC.Close()
	testenv.Eventually(t, "the subscriptions to end with the connection", func() bool {
		return s.Metric("symscore_subscriptions", "") == 0 && s.Metric("symscore_subscriber_connections", "") == 0
	})
}

// TestSubscribeTopics: $models on build and delete, $log entries with dropped, $project,
// and the wildcard.
func TestSubscribeTopics(t *testing.T) {
	cfg := testkit.Config()
	cfg.Subscribe.Interval = time.Second // the log's second message gathers over 1000 changes
	cfg.Durability = "none"
	s := start(t, cfg, nil)
	rc := rest1(s)
	rc.Create("p")
	learnRows(rc, "p", []string{"1", "2", "a"}, []string{"2", "1", "b"}, []string{"3", "5", "a"})
	c, _ := dialSub(s, "p", `{"type":"subscribe","names":["$models","$log","$project","*"]}`)
	c.expect("subscribed")
	got := map[string]bool{}
	for len(got) < 5 { // $project and the four attributes
		got[c.expect("data").Name] = true
	}
	if !got["$project"] || !got["k$b"] {
		t.Fatalf("first values of %v", got)
	}

	rc.Build("p", "mlr", "m1", testkit.MLContextJSON([]string{"x"}, []string{"y"})).Expect(t, http.StatusOK, "Job is finished")
	v := rc.Project("p").Version()
	m := c.until("model built", func(m *subMsg) bool { return m.Type == "model" }, nil)
	if m.Event != "built" || m.ModelID != "m1" || m.MType != "mlr" || m.Version != v {
		t.Fatalf("model message %s (version %d)", m.raw, v)
	}
	rc.Do(http.MethodDelete, "/projects/p/models/m1", "", nil).Expect(t, http.StatusOK, "OK")
	m = c.until("model deleted", func(m *subMsg) bool { return m.Type == "model" }, nil)
	if m.Event != "deleted" || m.ModelID != "m1" || m.Version != v+1 {
		t.Fatalf("model message %s", m.raw)
	}
	m = c.dataAt("$project", v+1)
	if m.Values["models"].num(t) != 0 || m.Values["rows"].num(t) != 3 || m.Values["attributes"].num(t) != 4 || string(m.Values["frozen"].RawMessage) != "false" {
		t.Fatalf("$project %s", m.raw)
	}

	// Many changes within an interval: the log's last 1000, the others dropped.
	rc.Do(http.MethodGet, "/projects/p/freeze", "", nil).Expect(t, http.StatusOK, "OK")
	rc.Do(http.MethodGet, "/projects/p/unfreeze", "", nil).Expect(t, http.StatusOK, "OK")
	m = c.until("the log of the freeze", func(m *subMsg) bool { return m.Type == "log" }, nil)
	if len(m.Entries) != 2 || m.Entries[0].Op != "freeze" || m.Entries[1].Op != "unfreeze" || m.Entries[1].Version != v+3 || m.Dropped != 0 {
		t.Fatalf("log %s", m.raw)
	}
	lc := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	lc.Signed(string(testkit.FrameJSON([]string{"x"}, []string{"C"}, [][]string{{"0"}}, -1)), "p")
	const learns = 1200
	for i := 1; i < learns; i++ {
		lc.Bare(string(testkit.FrameJSON([]string{"x"}, []string{"C"}, [][]string{{fmt.Sprint(i)}}, -1)))
	}
	for range learns {
		lc.Expect("OK")
	}
	final := rc.Project("p").Version()
	var entries, dropped uint64
	c.until("the log up to the last learn", func(m *subMsg) bool {
		if m.Type != "log" {
			return false
		}
		for i, e := range m.Entries {
			if i > 0 && e.Version <= m.Entries[i-1].Version || e.Op != "learn" || e.Rows != 1 {
				t.Fatalf("log entries: %s", m.raw)
			}
		}
		if len(m.Entries) > 1000 {
			t.Fatalf("a log message of %d entries", len(m.Entries))
		}
		entries += uint64(len(m.Entries))
		dropped += m.Dropped
		return m.Entries[len(m.Entries)-1].Version == final
	}, nil)
	if entries+dropped != learns || dropped == 0 {
		t.Fatalf("%d entries and %d dropped for %d changes", entries, dropped, learns)
	}
	// The wildcard's x reaches the final state.
	if m := c.dataAt("x", final); m.Values["count"].num(t) != 3+learns {
		t.Fatalf("x at the end: %s", m.raw)
	}
}

// TestSubscribeClosedOnDelete: a deleted project sends closed, then the close 1000.
func TestSubscribeClosedOnDelete(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	rc := rest1(s)
	rc.Create("p")
	learnRows(rc, "p", []string{"1", "2", "a"})
	c, _ := dialSub(s, "p", `{"type":"subscribe","names":["x"]}`)
	c.expect("subscribed")
	c.expect("data")
	rc.Do(http.MethodDelete, "/projects/p", "", nil).Expect(t, http.StatusOK, "OK")
	if m := c.expect("closed"); m.Reason != "project deleted" {
		t.Fatalf("closed %s", m.raw)
	}
	c.ExpectClose(ws.StatusNormalClosure)
	testenv.Eventually(t, "no subscriber left", func() bool { return s.Metric("symscore_subscriber_connections", "") == 0 })
}

// TestSubscribeSlowReader: a subscriber that stops reading is disconnected by the
// outbound queue limit; the learner and another subscriber go on, and the other gets the
// final state.
func TestSubscribeSlowReader(t *testing.T) {
	cfg := testkit.Config()
	cfg.Limits.OutboundQueueBytes = 16 << 10
	cfg.Subscribe.Interval = 2 * time.Millisecond
	// Small socket buffers: the queue fills after a few messages, not megabytes.
	s := start(t, cfg, &server.Hooks{WrapConn: func(c net.Conn) net.Conn {
		c.(*net.TCPConn).SetWriteBuffer(4 << 10)
		return c
	}})
	rc := rest1(s)
	rc.Create("p")
	var cols []string
	for i := range 40 {
		cols = append(cols, fmt.Sprintf("column_%02d", i))
	}
	types := slices.Repeat([]string{"C"}, len(cols))
	row := func(i int) []string {
		r := make([]string, len(cols))
		for j := range r {
			r[j] = fmt.Sprint(i*j + 1)
		}
		return r
	}
	rc.Learn("p", testkit.FrameJSON(cols, types, [][]string{row(0)}, -1))
	slow, _ := dialSub(s, "p", `{"type":"subscribe","names":["*"]}`)
	slow.NC.(*net.TCPConn).SetReadBuffer(4 << 10)
	fast, _ := dialSub(s, "p", `{"type":"subscribe","names":["column_39"]}`)
	fast.expect("subscribed")

	lc := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	lc.Signed(string(testkit.FrameJSON(cols, types, [][]string{row(1)}, -1)), "p")
	lc.Expect("OK")
	done := false
	for i := 2; !done && i < 100000; i++ {
		lc.Bare(string(testkit.FrameJSON(cols, types, [][]string{row(i)}, -1)))
		lc.Expect("OK")
		done = i%50 == 0 && s.Metric("symscore_refusals_total", "limit=outbound_queue_bytes") == 1
	}
	if !done {
		t.Fatal("the slow subscriber was never disconnected")
	}
	final := rc.Project("p").Version()
	fast.dataAt("column_39", final)
	slow.NC.SetReadDeadline(time.Now().Add(testenv.EventuallyTimeout))
	for {
		h, p, err := slow.ReadFrame()
		if err != nil {
			t.Fatalf("slow subscriber: %v before the close", err)
		}
		if h.OpCode == ws.OpClose {
			if code := ws.StatusCode(uint16(p[0])<<8 | uint16(p[1])); code != ws.StatusPolicyViolation {
				t.Fatalf("close %d, want 1008", code)
			}
			break
		}
	}
}
