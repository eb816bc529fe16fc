package server

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/model"
)

// vectorTime is the date of the PROTOCOL.md vectors.
var vectorTime = time.Date(2025, 11, 16, 20, 11, 50, 294669000, time.UTC)

// TestWSVendorLearnMessage: the vendor client's real learn message (PROTOCOL.md 1.2) is
// accepted byte for byte and learned; sent again it is a replay (CONFLICT, connection
// kept); the session it authenticated goes on with bare frames.
func TestWSVendorLearnMessage(t *testing.T) {
	// The server starts before the message's date and verifies it a minute after.
	var clock atomic.Int64
	clock.Store(vectorTime.Add(-time.Second).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	s := startWSServer(t, symConfig(), &connHooks{now: now})
	clock.Store(vectorTime.Add(time.Minute).UnixNano())
	must(t, s.svc.store.Create("c1", "rtest1", "", nil))
	msg, err := os.ReadFile("testdata/ws_learn_vector.txt")
	must(t, err)
	msg = bytes.TrimRight(msg, "\n")
	c := dialSym(t, s, "/symetry/ws/learn", "c1", secretC1)
	c.sendMessage(ws.OpText, msg)
	e := c.expect("OK")
	if string(e.Values) != `{"rowsApplied":2,"rowsSkipped":0}` {
		t.Fatalf("values %s", e.Values)
	}
	c.sendMessage(ws.OpText, msg)
	if e := c.expect("CONFLICT"); e.StatusString != "replayed request" {
		t.Fatalf("replay: %q", e.StatusString)
	}
	payload := msg[bytes.Index(msg, []byte(`{"attributeNames"`)):]
	c.bare(string(payload))
	c.expect("OK")
	p, _ := s.svc.store.Project("c1", "rtest1")
	if p.Rows() != 4 || len(p.Snapshot().Names) != 15 {
		t.Fatalf("project holds %d rows", p.Rows())
	}
	if got := metricValue(t, s, "symscore_requests_total", "endpoint=ws_learn,status=CONFLICT"); got != 1 {
		t.Fatalf("CONFLICT counted %v times", got)
	}
}

// TestWSLearnBuildPredict: learn over WebSocket (one signed message, then session frames),
// build in-process, predict over WebSocket with columns reordered and an extra column:
// every prediction equals the model's, to the last bit.
func TestWSLearnBuildPredict(t *testing.T) {
	s := startWSServer(t, symConfig(), nil)
	must(t, s.svc.store.Create("c1", "p", "", nil))
	ds := newDataset(1, 200, 4)
	c := dialSym(t, s, "/symetry/ws/learn", "c1", secretC1)
	c.signed(ds.frameJSON(0, 40), "p")
	for lo := 40; lo < 200; lo += 40 {
		c.bare(ds.frameJSON(lo, lo+40))
	}
	for range 5 {
		c.expect("OK")
	}
	models := []*model.Model{
		buildModel(t, s, "c1", "p", "lda", "lda1", model.MLContext{InputNames: ds.inputNames(), TargetNames: []string{"t"}}),
		buildModel(t, s, "c1", "p", "mlr", "mlr1", model.MLContext{InputNames: ds.inputNames(), TargetNames: []string{"t"}}),
		buildModel(t, s, "c1", "p", "mlda", "mlda1", model.MLContext{InputNames: ds.inputNames(), TargetNames: []string{"k"}}),
	}
	for _, m := range models {
		pc := dialSym(t, s, "/symetry/ws/predict", "c1", secretC1)
		pc.signed(ds.predictJSON(0, 10), "p", m.ID())
		pc.bare(ds.predictJSON(10, 11))
		got := append(predictions(t, pc.expect("OK")), predictions(t, pc.expect("OK"))...)
		if len(got) != 11 {
			t.Fatalf("%s: %d predictions", m.ID(), len(got))
		}
		for i, g := range got {
			checkPrediction(t, m, ds.rows[i][:ds.d], g)
		}
		// A missing input takes the build-time mean.
		pc.bare(`{"attributeNames":["x0","x1","x3"],"attributeTypes":["C","C","C"],"data":[["1","","3"]]}`)
		got = predictions(t, pc.expect("OK"))
		x := []float64{1, m.InputMeans()[1], m.InputMeans()[2], 3}
		checkPrediction(t, m, x, got[0])
	}
}

// TestWSPipelinedPredicts: 1000 predicts written before any reply is read come back in
// order.
func TestWSPipelinedPredicts(t *testing.T) {
	s := startWSServer(t, symConfig(), nil)
	must(t, s.svc.store.Create("c1", "p", "", nil))
	ds := newDataset(2, 1000, 3)
	must(t, s.svc.store.Learn("c1", "p", mustParse(t, ds.frameJSON(0, 1000))))
	m := buildModel(t, s, "c1", "p", "mlr", "m", model.MLContext{InputNames: ds.inputNames(), TargetNames: []string{"t"}})
	c := dialSym(t, s, "/symetry/ws/predict", "c1", secretC1)
	var batch bytes.Buffer
	first := c.signer.AppendWSMessage(nil, c.url, []string{"p", "m"}, []byte(ds.predictJSON(0, 1)))
	batch.Write(appendClientFrame(nil, frame{op: ws.OpText, fin: true, payload: first}))
	for i := 1; i < 1000; i++ {
		batch.Write(appendClientFrame(nil, frame{op: ws.OpText, fin: true, payload: []byte(ds.predictJSON(i, i+1))}))
	}
	done := make(chan struct{})
	go func() { defer close(done); c.nc.Write(batch.Bytes()) }()
	for i := range 1000 {
		checkPrediction(t, m, ds.rows[i][:ds.d], predictions(t, c.expect("OK"))[0])
	}
	<-done
}

// TestWSConcurrentLearners: 50 connections learning into one project give exactly the
// count, and the moments of learning all their rows.
func TestWSConcurrentLearners(t *testing.T) {
	s := startWSServer(t, symConfig(), nil)
	must(t, s.svc.store.Create("c1", "p", "", nil))
	ds := newDataset(3, 50*20, 3)
	var wg sync.WaitGroup
	for w := range 50 {
		c := dialSym(t, s, "/symetry/ws/learn", "c1", secretC1)
		wg.Go(func() {
			lo := w * 20
			c.signed(ds.frameJSON(lo, lo+10), "p")
			c.bare(ds.frameJSON(lo+10, lo+20))
			for range 2 {
				if e := c.reply(); e.StatusCode != "OK" {
					t.Errorf("learner %d: %s %s", w, e.StatusCode, e.StatusString)
				}
			}
		})
	}
	wg.Wait()
	p, _ := s.svc.store.Project("c1", "p")
	snap := p.Snapshot()
	if snap.Total.N != 1000 {
		t.Fatalf("%d rows, want 1000", snap.Total.N)
	}
	for j := range ds.d + 1 {
		mean := 0.0
		for _, r := range ds.rows {
			mean += r[j]
		}
		mean /= 1000
		m2 := 0.0
		for _, r := range ds.rows {
			m2 += (r[j] - mean) * (r[j] - mean)
		}
		i, _ := snap.Index(ds.inputNamesAndT()[j])
		if math.Abs(snap.Total.Mean[i]-mean) > 1e-12*math.Max(1, math.Abs(mean)) || math.Abs(snap.Total.At(i, i)-m2) > 1e-10*m2 {
			t.Fatalf("column %d: mean %v M %v, want %v %v", j, snap.Total.Mean[i], snap.Total.At(i, i), mean, m2)
		}
	}
}

func (ds *dataset) inputNamesAndT() []string { return append(ds.inputNames(), "t") }

// TestWSSessionRules: what a connection may send before and after it authenticated.
func TestWSSessionRules(t *testing.T) {
	ds := newDataset(4, 10, 2)
	rows := ds.frameJSON(0, 2)
	t.Run("bare first frame", func(t *testing.T) {
		s := startWSServer(t, symConfig(), nil)
		c := dialSym(t, s, "/symetry/ws/learn", "c1", secretC1)
		c.bare(rows)
		if e := c.expect("BAD_REQUEST"); !strings.Contains(e.StatusString, "first message") {
			t.Fatalf("%q", e.StatusString)
		}
		c.expectClose(ws.StatusPolicyViolation)
	})
	t.Run("signed frames only", func(t *testing.T) {
		cfg := symConfig()
		cfg.Auth.SignedFramesOnly = true
		s := startWSServer(t, cfg, nil)
		must(t, s.svc.store.Create("c1", "p", "", nil))
		c := dialSym(t, s, "/symetry/ws/learn", "c1", secretC1)
		c.signed(rows, "p")
		c.expect("OK")
		c.signed(rows) // signed with empty extraKeys: the bound project
		c.expect("OK")
		c.bare(rows)
		if e := c.expect("BAD_REQUEST"); !strings.Contains(e.StatusString, "signed_frames_only") {
			t.Fatalf("%q", e.StatusString)
		}
		c.expectClose(ws.StatusPolicyViolation)
		if p, _ := s.svc.store.Project("c1", "p"); p.Rows() != 4 {
			t.Fatalf("%d rows", p.Rows())
		}
	})
	t.Run("legacy framing", func(t *testing.T) {
		for _, allow := range []bool{true, false} {
			cfg := symConfig()
			cfg.Auth.LegacyFraming = allow
			s := startWSServer(t, cfg, nil)
			must(t, s.svc.store.Create("c1", "p", "", nil))
			c := dialSym(t, s, "/symetry/ws/learn", "c1", secretC1)
			framed := c.signer.AppendWSMessage(nil, c.url, []string{"p"}, []byte(rows))
			header := framed[bytes.IndexByte(framed, ',')+1 : bytes.Index(framed, []byte(`{"attributeNames"`))]
			legacy := append(append(append([]byte(nil), header...), "-289907289"...), rows...)
			c.sendMessage(ws.OpText, legacy)
			if allow {
				c.expect("OK")
				continue
			}
			c.expect("BAD_REQUEST")
			c.expectClose(ws.StatusPolicyViolation)
		}
	})
	t.Run("extraKeys", func(t *testing.T) {
		s := startWSServer(t, symConfig(), nil)
		must(t, s.svc.store.Create("c1", "p", "", nil))
		must(t, s.svc.store.Create("c1", "q", "", nil))
		c := dialSym(t, s, "/symetry/ws/learn", "c1", secretC1)
		c.signed(rows) // authenticated, but no project named
		if e := c.expect("BAD_REQUEST"); !strings.Contains(e.StatusString, "extraKeys") {
			t.Fatalf("%q", e.StatusString)
		}
		c.signed(rows, "p", "extra")
		c.expect("BAD_REQUEST")
		c.signed(rows, "p")
		c.expect("OK")
		c.signed(rows, "q") // rebinds
		c.expect("OK")
		c.bare(rows)
		c.expect("OK")
		pp, _ := s.svc.store.Project("c1", "p")
		pq, _ := s.svc.store.Project("c1", "q")
		if pp.Rows() != 2 || pq.Rows() != 4 {
			t.Fatalf("p %d rows, q %d rows; want 2 and 4", pp.Rows(), pq.Rows())
		}
	})
	t.Run("binary frame", func(t *testing.T) {
		s := startWSServer(t, symConfig(), nil)
		c := dialSym(t, s, "/symetry/ws/learn", "c1", secretC1)
		c.sendMessage(ws.OpBinary, []byte(rows))
		c.expect("BAD_REQUEST")
		c.sendMessage(ws.OpBinary, []byte(rows))
		c.expect("BAD_REQUEST") // still open
	})
}

// TestWSAuthFailures: every authentication failure of the protocol, over a real socket:
// the status of PROTOCOL.md, then close 1008; replays are answered and the connection kept.
func TestWSAuthFailures(t *testing.T) {
	ds := newDataset(5, 4, 2)
	rows := ds.frameJSON(0, 2)
	s := startWSServer(t, symConfig(), nil)
	must(t, s.svc.store.Create("c1", "p", "", nil))
	now := time.Now() // after the start: earlier dates are refused as possible replays
	sign := func(cid, secret string, at time.Time, keys ...string) []byte {
		sg, err := auth.NewSigner(cid, secret, fixedClock(at))
		must(t, err)
		return sg.AppendWSMessage(nil, "ws://charm:8080/symetry/ws/learn", keys, []byte(rows))
	}
	good := sign("c1", secretC1, now, "p")
	header := string(good[bytes.IndexByte(good, ',')+1 : bytes.Index(good, []byte(`{"attributeNames"`))])
	// replace edits the message (header or payload) and writes its header length anew.
	replace := func(b []byte, old, new string) []byte {
		h := strings.Replace(header, old, new, 1)
		p := strings.Replace(rows, old, new, 1)
		return []byte(strconv.Itoa(len(h)) + "," + h + p)
	}
	var h struct{ Headers []string }
	must(t, json.Unmarshal([]byte(header), &h))
	sha1Sig := "AAAAAAAAAAAAAAAAAAAAAAAAAAA="
	cases := []struct {
		name    string
		msg     []byte
		status  string
		contain string
	}{
		{"wrong secret", sign("c1", secretC2, now, "p"), "UNAUTHORIZED", "bad signature"},
		{"other customer's secret", sign("c2", secretC1, now, "p"), "UNAUTHORIZED", "bad signature"},
		{"unknown customer", sign("c9", secretC1, now, "p"), "UNAUTHORIZED", "unknown customer"},
		{"MD5 mismatch", replace(good, "[[", "[ ["), "BAD_REQUEST", "MD5"},
		{"stale date", sign("c1", secretC1, now.Add(-6*time.Minute), "p"), "BAD_REQUEST", "window"},
		{"future date", sign("c1", secretC1, now.Add(2*time.Minute), "p"), "BAD_REQUEST", "window"},
		{"bad date format", replace(good, h.Headers[0], strings.Replace(h.Headers[0], " ", "T", 1)), "BAD_REQUEST", "date"},
		{"SHA-1 not allowed", replace(good, h.Headers[2], sha1Sig), "UNAUTHORIZED", "SHA1"},
		{"truncated header", good[:40], "BAD_REQUEST", "byte"},
		{"length past end", append([]byte("99999,"), good[bytes.IndexByte(good, ',')+1:]...), "BAD_REQUEST", "byte"},
		{"non-numeric length", append([]byte("1x7,"), good[bytes.IndexByte(good, ',')+1:]...), "BAD_REQUEST", "byte 1"},
		{"header of the wrong shape", replace(good, `"extraKeys":["p"]`, `"extraKeys":"p"`), "BAD_REQUEST", "extraKeys"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl := dialSym(t, s, "/symetry/ws/learn", "c1", secretC1)
			cl.sendMessage(ws.OpText, c.msg)
			e := cl.expect(c.status)
			if !strings.Contains(strings.ToLower(e.StatusString), strings.ToLower(c.contain)) {
				t.Fatalf("statusString %q does not mention %q", e.StatusString, c.contain)
			}
			if c.contain == "bad signature" {
				var v struct{ StringToSign string }
				must(t, json.Unmarshal(e.Values, &v))
				if !strings.Contains(v.StringToSign, "SECRETKEY") || strings.Contains(v.StringToSign, secretC1) || strings.Contains(v.StringToSign, secretC2) {
					t.Fatalf("stringToSign %q", v.StringToSign)
				}
			}
			cl.expectClose(ws.StatusPolicyViolation)
		})
	}
	if p, _ := s.svc.store.Project("c1", "p"); p.Rows() != 0 {
		t.Fatalf("refused messages learned %d rows", p.Rows())
	}
	if got := metricValue(t, s, "symscore_auth_failures_total", "reason=bad_signature"); got != 2 {
		t.Fatalf("bad signatures counted %v, want 2", got)
	}
	// A replay is refused, the connection stays open.
	cl := dialSym(t, s, "/symetry/ws/learn", "c1", secretC1)
	cl.sendMessage(ws.OpText, good)
	cl.expect("OK")
	other := dialSym(t, s, "/symetry/ws/learn", "c1", secretC1)
	other.sendMessage(ws.OpText, good)
	other.expect("CONFLICT")
	other.bare(rows) // not authenticated by the replay
	other.expect("BAD_REQUEST")
	other.expectClose(ws.StatusPolicyViolation)
}

// TestWSCustomerIsolation: a customer cannot learn into, forget from or predict with
// another customer's project, whatever it signs.
func TestWSCustomerIsolation(t *testing.T) {
	s := startWSServer(t, symConfig(), nil)
	must(t, s.svc.store.Create("c1", "secret-project", "", nil))
	ds := newDataset(6, 50, 2)
	must(t, s.svc.store.Learn("c1", "secret-project", mustParse(t, ds.frameJSON(0, 50))))
	m := buildModel(t, s, "c1", "secret-project", "mlr", "m", model.MLContext{InputNames: ds.inputNames(), TargetNames: []string{"t"}})
	before, _ := s.svc.store.Export("c1", "secret-project")
	for _, path := range []string{"/symetry/ws/learn", "/symetry/ws/forget"} {
		c := dialSym(t, s, path, "c2", secretC2)
		c.signed(ds.frameJSON(0, 5), "secret-project")
		if e := c.expect("BAD_REQUEST"); e.StatusString != `cannot find project "secret-project"` {
			t.Fatalf("%s: %q", path, e.StatusString)
		}
		// Claiming to be c1 with c2's secret fails authentication.
		c2 := dialSym(t, s, path, "c1", secretC2)
		c2.signed(ds.frameJSON(0, 5), "secret-project")
		c2.expect("UNAUTHORIZED")
		c2.expectClose(ws.StatusPolicyViolation)
	}
	c := dialSym(t, s, "/symetry/ws/predict", "c2", secretC2)
	c.signed(ds.predictJSON(0, 1), "secret-project", m.ID())
	c.expect("BAD_REQUEST")
	after, _ := s.svc.store.Export("c1", "secret-project")
	if !bytes.Equal(before, after) {
		t.Fatal("another customer changed the project")
	}
}

// TestWSBadInputChangesNothing: refused DataFrames leave the project as it was and the
// connection open.
func TestWSBadInputChangesNothing(t *testing.T) {
	s := startWSServer(t, symConfig(), nil)
	must(t, s.svc.store.Create("c1", "p", "", nil))
	ds := newDataset(7, 20, 2)
	c := dialSym(t, s, "/symetry/ws/learn", "c1", secretC1)
	c.signed(ds.frameJSON(0, 10), "p")
	c.expect("OK")
	before, _ := s.svc.store.Export("c1", "p")
	p, _ := s.svc.store.Project("c1", "p")
	for payload, want := range map[string]string{
		`{"attributeNames":["x0","x1"],"attributeTypes":["C","C"],"data":[["1","2"],["abc","3"]]}`: `row 1, column "x0": "abc" is not a number`,
		`{"attributeNames":["x0"],"attributeTypes":["C"],"data":[["NaN"]]}`:                        "NaN",
		`{"attributeNames":["x0"],"attributeTypes":["C"],"data":[["1e999"]]}`:                      "range",
		`{"attributeNames":["t"],"attributeTypes":["B"],"data":[["2"]]}`:                           "0 or 1",
		`{"attributeNames":["x0","x1"],"attributeTypes":["C","C"],"data":[["1"]]}`:                 "row 0",
		`{"attributeNames":["x0"],"attributeTypes":["C"],"data":[[""]]}`:                           "empty",
		`{"attributeNames":["x0"],"attributeTypes":["L"],"data":[["1"]]}`:                          "L",
		`{"attributeNames":["x0"],"attributeTypes":["C"],"data":[["1"]]`:                           "",
		`{"attributeNames":["x0"],"attributeTypes":["B"],"data":[["1"]]}`:                          "x0",
	} {
		c.bare(payload)
		e := c.expect("BAD_REQUEST")
		if !strings.Contains(e.StatusString, want) {
			t.Errorf("%s: %q does not say %q", payload, e.StatusString, want)
		}
	}
	if after, _ := s.svc.store.Export("c1", "p"); !bytes.Equal(before, after) {
		t.Fatal("a refused DataFrame changed the project")
	}
	// errorHandling 1: bad rows skipped and counted, good ones applied.
	c.bare(`{"attributeNames":["x0"],"attributeTypes":["C"],"data":[["1"],["x"],["2"]],"errorHandling":1}`)
	if e := c.expect("OK"); string(e.Values) != `{"rowsApplied":2,"rowsSkipped":1}` {
		t.Fatalf("values %s", e.Values)
	}
	before, _ = s.svc.store.Export("c1", "p")
	f := dialSym(t, s, "/symetry/ws/forget", "c1", secretC1)
	f.signed(ds.frameJSON(0, 15), "p") // more rows than the project holds
	if e := f.expect("BAD_REQUEST"); !strings.Contains(e.StatusString, "cannot forget") {
		t.Fatalf("%q", e.StatusString)
	}
	if after, _ := s.svc.store.Export("c1", "p"); !bytes.Equal(before, after) || p.Rows() != 12 {
		t.Fatalf("a refused forget changed the project (%d rows, want 12)", p.Rows())
	}
	must(t, s.svc.store.SetFrozen("c1", "p", true))
	c.bare(ds.frameJSON(0, 1))
	c.expect("CONFLICT")
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestWSPredictKeepsSkippedRowsInPlace: under errorHandling 1 a predict row with a bad cell
// is answered with an empty map in its place, so replies still line up with the rows.
func TestWSPredictKeepsSkippedRowsInPlace(t *testing.T) {
	s := startWSServer(t, symConfig(), nil)
	must(t, s.svc.store.Create("c1", "p", "", nil))
	ds := newDataset(31, 100, 2)
	must(t, s.svc.store.Learn("c1", "p", mustParse(t, ds.frameJSON(0, 100))))
	m := buildModel(t, s, "c1", "p", "mlr", "m", model.MLContext{InputNames: ds.inputNames(), TargetNames: []string{"t"}})
	c := dialSym(t, s, "/symetry/ws/predict", "c1", secretC1)
	c.signed(`{"attributeNames":["x0","x1"],"attributeTypes":["C","C"],"errorHandling":1,"data":[["1","2"],["bad","2"],["3","4"],["5"]]}`, "p", "m")
	got := predictions(t, c.expect("OK"))
	if len(got) != 4 || len(got[1]) != 0 || len(got[3]) != 0 {
		t.Fatalf("predictions %v: want 4 maps, the 2nd and 4th empty", got)
	}
	checkPrediction(t, m, []float64{1, 2}, got[0])
	checkPrediction(t, m, []float64{3, 4}, got[2])
}

// TestWSPredictPlanFollowsColumnOrigins: the same expanded column sent once as a B column
// and once from a T attribute gives each frame its own imputation of the absent k$v
// columns (mean for the B frame, 0 for the T frame), whatever came before on the session.
func TestWSPredictPlanFollowsColumnOrigins(t *testing.T) {
	s := startWSServer(t, symConfig(), nil)
	must(t, s.svc.store.Create("c1", "p", "", nil))
	must(t, s.svc.store.Learn("c1", "p", mustParse(t, `{"attributeNames":["k","y"],"attributeTypes":["T","C"],"data":[["a","1"],["b","2"],["a","1.5"],["c","0"],["b","2.5"]]}`)))
	buildModel(t, s, "c1", "p", "mlr", "m", model.MLContext{InputNames: []string{"k$a", "k$b"}, TargetNames: []string{"y"}})
	asB := `{"attributeNames":["k$a"],"attributeTypes":["B"],"data":[["1"]]}`
	asT := `{"attributeNames":["k"],"attributeTypes":["T"],"data":[["a"]]}`
	fresh := func(payload string) string {
		c := dialSym(t, s, "/symetry/ws/predict", "c1", secretC1)
		c.signed(payload, "p", "m")
		return *predictions(t, c.expect("OK"))[0]["res"]
	}
	wantB, wantT := fresh(asB), fresh(asT)
	if wantB == wantT {
		t.Fatalf("the B and T frames predict the same (%s): the test cannot tell them apart", wantB)
	}
	c := dialSym(t, s, "/symetry/ws/predict", "c1", secretC1)
	c.signed(asB, "p", "m")
	if got := *predictions(t, c.expect("OK"))[0]["res"]; got != wantB {
		t.Fatalf("first message: %s, want %s", got, wantB)
	}
	for i, payload := range []string{asT, asB, asT, asT, asB} {
		want := wantT
		if payload == asB {
			want = wantB
		}
		c.bare(payload)
		if got := *predictions(t, c.expect("OK"))[0]["res"]; got != want {
			t.Fatalf("message %d: %s, want %s", i, got, want)
		}
	}
}
