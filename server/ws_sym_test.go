package server_test

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/rawws"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/server"
)

// vectorTime is the date of the docs/protocol.md vectors.
var vectorTime = time.Date(2025, 11, 16, 20, 11, 50, 294669000, time.UTC)

// TestWSVendorLearnMessage: the vendor client's real learn message (docs/protocol.md 1.2) is
// accepted byte for byte and learned; sent again it is a replay (CONFLICT, connection
// kept); the session it authenticated goes on with bare frames.
func TestWSVendorLearnMessage(t *testing.T) {
	// The server starts before the message's date and verifies it a minute after.
	var clock atomic.Int64
	clock.Store(vectorTime.Add(-time.Second).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	s := start(t, testkit.Config(), &server.Hooks{Now: now})
	clock.Store(vectorTime.Add(time.Minute).UnixNano())
	rc := rest1(s)
	rc.Signer.Now = now // the server's clock
	rc.Create("rtest1")
	msg, err := os.ReadFile("testdata/ws_learn_vector.txt")
	must(t, err)
	msg = bytes.TrimRight(msg, "\n")
	c := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	c.SendMessage(ws.OpText, msg)
	e := c.Expect("OK")
	if string(e.Values) != `{"rowsApplied":2,"rowsSkipped":0}` {
		t.Fatalf("values %s", e.Values)
	}
	c.SendMessage(ws.OpText, msg)
	if e := c.Expect("CONFLICT"); e.StatusString != "replayed request" {
		t.Fatalf("replay: %q", e.StatusString)
	}
	payload := msg[bytes.Index(msg, []byte(`{"attributeNames"`)):]
	c.Bare(string(payload))
	c.Expect("OK")
	p := rc.Project("rtest1")
	if p.Rows() != 4 || len(p.Snapshot().Names) != 15 {
		t.Fatalf("project holds %d rows", p.Rows())
	}
	if got := s.Metric("symscore_requests_total", "endpoint=ws_learn,status=CONFLICT"); got != 1 {
		t.Fatalf("CONFLICT counted %v times", got)
	}
}

// TestWSLearnBuildPredict: learn over WebSocket (one signed message, then session frames),
// build in-process, predict over WebSocket with columns reordered and an extra column:
// every prediction equals the model's, to the last bit.
func TestWSLearnBuildPredict(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	rest1(s).Create("p")
	ds := testkit.NewDataset(1, 200, 4)
	c := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	c.Signed(ds.FrameJSON(0, 40), "p")
	for lo := 40; lo < 200; lo += 40 {
		c.Bare(ds.FrameJSON(lo, lo+40))
	}
	for range 5 {
		c.Expect("OK")
	}
	models := []*model.Model{
		rest1(s).BuildModel("p", "lda", "lda1", testkit.MLContextJSON(ds.InputNames(), []string{"t"})),
		rest1(s).BuildModel("p", "mlr", "mlr1", testkit.MLContextJSON(ds.InputNames(), []string{"t"})),
		rest1(s).BuildModel("p", "mlda", "mlda1", testkit.MLContextJSON(ds.InputNames(), []string{"k"})),
	}
	for _, m := range models {
		pc := s.Sym("/symetry/ws/predict", "c1", testenv.Secret1)
		pc.Signed(ds.PredictJSON(0, 10), "p", m.ID())
		pc.Bare(ds.PredictJSON(10, 11))
		got := append(testkit.Predictions(t, pc.Expect("OK")), testkit.Predictions(t, pc.Expect("OK"))...)
		if len(got) != 11 {
			t.Fatalf("%s: %d predictions", m.ID(), len(got))
		}
		for i, g := range got {
			testkit.CheckPrediction(t, m, ds.Rows[i][:ds.D], g)
		}
		// A missing input takes the build-time mean.
		pc.Bare(`{"attributeNames":["x0","x1","x3"],"attributeTypes":["C","C","C"],"data":[["1","","3"]]}`)
		got = testkit.Predictions(t, pc.Expect("OK"))
		x := []float64{1, m.InputMeans()[1], m.InputMeans()[2], 3}
		testkit.CheckPrediction(t, m, x, got[0])
	}
}

// TestWSPipelinedPredicts: 1000 predicts written before any reply is read come back in
// order.
func TestWSPipelinedPredicts(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	rest1(s).Create("p")
	ds := testkit.NewDataset(2, 1000, 3)
	rest1(s).Learn("p", []byte(ds.FrameJSON(0, 1000)))
	m := rest1(s).BuildModel("p", "mlr", "m", testkit.MLContextJSON(ds.InputNames(), []string{"t"}))
	c := s.Sym("/symetry/ws/predict", "c1", testenv.Secret1)
	var batch bytes.Buffer
	first := c.Signer.AppendWSMessage(nil, c.URL, []string{"p", "m"}, []byte(ds.PredictJSON(0, 1)))
	batch.Write(rawws.AppendFrame(nil, rawws.Frame{Op: ws.OpText, Fin: true, Payload: first}))
	for i := 1; i < 1000; i++ {
		batch.Write(rawws.AppendFrame(nil, rawws.Frame{Op: ws.OpText, Fin: true, Payload: []byte(ds.PredictJSON(i, i+1))}))
	}
	done := make(chan struct{})
	go func() { defer close(done); c.NC.Write(batch.Bytes()) }()
	for i := range 1000 {
		testkit.CheckPrediction(t, m, ds.Rows[i][:ds.D], testkit.Predictions(t, c.Expect("OK"))[0])
	}
	<-done
}

// TestWSConcurrentLearners: 50 connections learning into one project give exactly the
// count, and the moments of learning all their rows.
func TestWSConcurrentLearners(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	rest1(s).Create("p")
	ds := testkit.NewDataset(3, 50*20, 3)
	var wg sync.WaitGroup
	for w := range 50 {
		c := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
		wg.Go(func() {
			lo := w * 20
			c.Signed(ds.FrameJSON(lo, lo+10), "p")
			c.Bare(ds.FrameJSON(lo+10, lo+20))
			for range 2 {
				if e := c.Reply(); e.StatusCode != "OK" {
					t.Errorf("learner %d: %s %s", w, e.StatusCode, e.StatusString)
				}
			}
		})
	}
	wg.Wait()
	p := rest1(s).Project("p")
	snap := p.Snapshot()
	if snap.Total.N != 1000 {
		t.Fatalf("%d rows, want 1000", snap.Total.N)
	}
	for j := range ds.D + 1 {
		mean := 0.0
		for _, r := range ds.Rows {
			mean += r[j]
		}
		mean /= 1000
		m2 := 0.0
		for _, r := range ds.Rows {
			m2 += (r[j] - mean) * (r[j] - mean)
		}
		i, _ := snap.Index(inputNamesAndT(ds)[j])
		if math.Abs(snap.Total.Mean[i]-mean) > 1e-12*math.Max(1, math.Abs(mean)) || math.Abs(snap.Total.At(i, i)-m2) > 1e-10*m2 {
			t.Fatalf("column %d: mean %v M %v, want %v %v", j, snap.Total.Mean[i], snap.Total.At(i, i), mean, m2)
		}
	}
}

// inputNamesAndT are the dataset's inputs and its target t.
func inputNamesAndT(ds *testkit.Dataset) []string { return append(ds.InputNames(), "t") }

// TestWSSessionRules: what a connection may send before and after it authenticated.
func TestWSSessionRules(t *testing.T) {
	ds := testkit.NewDataset(4, 10, 2)
	rows := ds.FrameJSON(0, 2)
	t.Run("bare first frame", func(t *testing.T) {
		s := start(t, testkit.Config(), nil)
		c := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
		c.Bare(rows)
		if e := c.Expect("BAD_REQUEST"); !strings.Contains(e.StatusString, "first message") {
			t.Fatalf("%q", e.StatusString)
		}
		c.ExpectClose(ws.StatusPolicyViolation)
	})
	t.Run("signed frames only", func(t *testing.T) {
		cfg := testkit.Config()
		cfg.Auth.SignedFramesOnly = true
		s := start(t, cfg, nil)
		rest1(s).Create("p")
		c := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
		c.Signed(rows, "p")
		c.Expect("OK")
		c.Signed(rows) // signed with empty extraKeys: the bound project
		c.Expect("OK")
		c.Bare(rows)
		if e := c.Expect("BAD_REQUEST"); !strings.Contains(e.StatusString, "signed_frames_only") {
			t.Fatalf("%q", e.StatusString)
		}
		c.ExpectClose(ws.StatusPolicyViolation)
		if p := rest1(s).Project("p"); p.Rows() != 4 {
			t.Fatalf("%d rows", p.Rows())
		}
	})
	t.Run("legacy framing", func(t *testing.T) {
		for _, allow := range []bool{true, false} {
			cfg := testkit.Config()
			cfg.Auth.LegacyFraming = allow
			s := start(t, cfg, nil)
			rest1(s).Create("p")
			c := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
			framed := c.Signer.AppendWSMessage(nil, c.URL, []string{"p"}, []byte(rows))
			header := framed[bytes.IndexByte(framed, ',')+1 : bytes.Index(framed, []byte(`{"attributeNames"`))]
			legacy := append(append(append([]byte(nil), header...), "-289907289"...), rows...)
			c.SendMessage(ws.OpText, legacy)
			if allow {
				c.Expect("OK")
				continue
			}
			c.Expect("BAD_REQUEST")
			c.ExpectClose(ws.StatusPolicyViolation)
		}
	})
	t.Run("extraKeys", func(t *testing.T) {
		s := start(t, testkit.Config(), nil)
		rest1(s).Create("p")
		rest1(s).Create("q")
		c := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
		c.Signed(rows) // authenticated, but no project named
		if e := c.Expect("BAD_REQUEST"); !strings.Contains(e.StatusString, "extraKeys") {
			t.Fatalf("%q", e.StatusString)
		}
		c.Signed(rows, "p", "extra")
		c.Expect("BAD_REQUEST")
		c.Signed(rows, "p")
		c.Expect("OK")
		c.Signed(rows, "q") // rebinds
		c.Expect("OK")
		c.Bare(rows)
		c.Expect("OK")
		pp := rest1(s).Project("p")
		pq := rest1(s).Project("q")
		if pp.Rows() != 2 || pq.Rows() != 4 {
			t.Fatalf("p %d rows, q %d rows; want 2 and 4", pp.Rows(), pq.Rows())
		}
	})
	t.Run("binary frame", func(t *testing.T) {
		s := start(t, testkit.Config(), nil)
		c := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
		c.SendMessage(ws.OpBinary, []byte(rows))
		c.Expect("BAD_REQUEST")
		c.SendMessage(ws.OpBinary, []byte(rows))
		c.Expect("BAD_REQUEST") // still open
	})
}

// TestWSAuthFailures: every authentication failure of the protocol, over a real socket:
// the status of docs/protocol.md, then close 1008; replays are answered and the connection kept.
func TestWSAuthFailures(t *testing.T) {
	ds := testkit.NewDataset(5, 4, 2)
	rows := ds.FrameJSON(0, 2)
	s := start(t, testkit.Config(), nil)
	rest1(s).Create("p")
	now := time.Now() // after the start: earlier dates are refused as possible replays
	sign := func(cid, secret string, at time.Time, keys ...string) []byte {
		sg, err := auth.NewSigner(cid, secret, fixedClock(at))
		must(t, err)
		return sg.AppendWSMessage(nil, "ws://charm:8080/symetry/ws/learn", keys, []byte(rows))
	}
	good := sign("c1", testenv.Secret1, now, "p")
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
		{"wrong secret", sign("c1", testenv.Secret2, now, "p"), "UNAUTHORIZED", "bad signature"},
		{"other customer's secret", sign("c2", testenv.Secret1, now, "p"), "UNAUTHORIZED", "bad signature"},
		{"unknown customer", sign("c9", testenv.Secret1, now, "p"), "UNAUTHORIZED", "unknown customer"},
		{"MD5 mismatch", replace(good, "[[", "[ ["), "BAD_REQUEST", "MD5"},
		{"stale date", sign("c1", testenv.Secret1, now.Add(-6*time.Minute), "p"), "BAD_REQUEST", "window"},
		{"future date", sign("c1", testenv.Secret1, now.Add(2*time.Minute), "p"), "BAD_REQUEST", "window"},
		{"bad date format", replace(good, h.Headers[0], strings.Replace(h.Headers[0], " ", "T", 1)), "BAD_REQUEST", "date"},
		{"SHA-1 not allowed", replace(good, h.Headers[2], sha1Sig), "UNAUTHORIZED", "SHA1"},
		{"truncated header", good[:40], "BAD_REQUEST", "byte"},
		{"length past end", append([]byte("99999,"), good[bytes.IndexByte(good, ',')+1:]...), "BAD_REQUEST", "byte"},
		{"non-numeric length", append([]byte("1x7,"), good[bytes.IndexByte(good, ',')+1:]...), "BAD_REQUEST", "byte 1"},
		{"header of the wrong shape", replace(good, `"extraKeys":["p"]`, `"extraKeys":"p"`), "BAD_REQUEST", "extraKeys"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
			cl.SendMessage(ws.OpText, c.msg)
			e := cl.Expect(c.status)
			if !strings.Contains(strings.ToLower(e.StatusString), strings.ToLower(c.contain)) {
				t.Fatalf("statusString %q does not mention %q", e.StatusString, c.contain)
			}
			if c.contain == "bad signature" {
				var v struct{ StringToSign string }
				must(t, json.Unmarshal(e.Values, &v))
				if !strings.Contains(v.StringToSign, "SECRETKEY") || strings.Contains(v.StringToSign, testenv.Secret1) || strings.Contains(v.StringToSign, testenv.Secret2) {
					t.Fatalf("stringToSign %q", v.StringToSign)
				}
			}
			cl.ExpectClose(ws.StatusPolicyViolation)
		})
	}
	if p := rest1(s).Project("p"); p.Rows() != 0 {
		t.Fatalf("refused messages learned %d rows", p.Rows())
	}
	if got := s.Metric("symscore_auth_failures_total", "reason=bad_signature"); got != 2 {
		t.Fatalf("bad signatures counted %v, want 2", got)
	}
	// A replay is refused, the connection stays open.
	cl := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	cl.SendMessage(ws.OpText, good)
	cl.Expect("OK")
	other := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	other.SendMessage(ws.OpText, good)
	other.Expect("CONFLICT")
	other.Bare(rows) // not authenticated by the replay
	other.Expect("BAD_REQUEST")
	other.ExpectClose(ws.StatusPolicyViolation)
}

// TestWSCustomerIsolation: a customer cannot learn into, forget from or predict with
// another customer's project, whatever it signs.
func TestWSCustomerIsolation(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	rest1(s).Create("secret-project")
	ds := testkit.NewDataset(6, 50, 2)
	rest1(s).Learn("secret-project", []byte(ds.FrameJSON(0, 50)))
	m := rest1(s).BuildModel("secret-project", "mlr", "m", testkit.MLContextJSON(ds.InputNames(), []string{"t"}))
	before := rest1(s).Export("secret-project")
	for _, path := range []string{"/symetry/ws/learn", "/symetry/ws/forget"} {
		c := s.Sym(path, "c2", testenv.Secret2)
		c.Signed(ds.FrameJSON(0, 5), "secret-project")
		if e := c.Expect("BAD_REQUEST"); e.StatusString != "cannot find project" {
			t.Fatalf("%s: %q", path, e.StatusString)
		}
		// Claiming to be c1 with c2's secret fails authentication.
		c2 := s.Sym(path, "c1", testenv.Secret2)
		c2.Signed(ds.FrameJSON(0, 5), "secret-project")
		c2.Expect("UNAUTHORIZED")
		c2.ExpectClose(ws.StatusPolicyViolation)
	}
	c := s.Sym("/symetry/ws/predict", "c2", testenv.Secret2)
	c.Signed(ds.PredictJSON(0, 1), "secret-project", m.ID())
	c.Expect("BAD_REQUEST")
	after := rest1(s).Export("secret-project")
	if !bytes.Equal(before, after) {
		t.Fatal("another customer changed the project")
	}
}

// TestWSBadInputChangesNothing: refused DataFrames leave the project as it was and the
// connection open.
func TestWSBadInputChangesNothing(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	rest1(s).Create("p")
	ds := testkit.NewDataset(7, 20, 2)
	c := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	c.Signed(ds.FrameJSON(0, 10), "p")
	c.Expect("OK")
	before := rest1(s).Export("p")
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
		c.Bare(payload)
		e := c.Expect("BAD_REQUEST")
		if !strings.Contains(e.StatusString, want) {
			t.Errorf("%s: %q does not say %q", payload, e.StatusString, want)
		}
	}
	if after := rest1(s).Export("p"); !bytes.Equal(before, after) {
		t.Fatal("a refused DataFrame changed the project")
	}
	// errorHandling 1: bad rows skipped and counted, good ones applied.
	c.Bare(`{"attributeNames":["x0"],"attributeTypes":["C"],"data":[["1"],["x"],["2"]],"errorHandling":1}`)
	if e := c.Expect("OK"); string(e.Values) != `{"rowsApplied":2,"rowsSkipped":1}` {
		t.Fatalf("values %s", e.Values)
	}
	before = rest1(s).Export("p")
	f := s.Sym("/symetry/ws/forget", "c1", testenv.Secret1)
	f.Signed(ds.FrameJSON(0, 15), "p") // more rows than the project holds
	if e := f.Expect("BAD_REQUEST"); !strings.Contains(e.StatusString, "cannot forget") {
		t.Fatalf("%q", e.StatusString)
	}
	if after := rest1(s).Export("p"); !bytes.Equal(before, after) || rest1(s).Project("p").Rows() != 12 {
		t.Fatalf("a refused forget changed the project (%d rows, want 12)", rest1(s).Project("p").Rows())
	}
	rest1(s).Do(http.MethodGet, "/projects/p/freeze", "", nil).Expect(t, http.StatusOK, "OK")
	c.Bare(ds.FrameJSON(0, 1))
	c.Expect("CONFLICT")
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
	s := start(t, testkit.Config(), nil)
	rest1(s).Create("p")
	ds := testkit.NewDataset(31, 100, 2)
	rest1(s).Learn("p", []byte(ds.FrameJSON(0, 100)))
	m := rest1(s).BuildModel("p", "mlr", "m", testkit.MLContextJSON(ds.InputNames(), []string{"t"}))
	c := s.Sym("/symetry/ws/predict", "c1", testenv.Secret1)
	c.Signed(`{"attributeNames":["x0","x1"],"attributeTypes":["C","C"],"errorHandling":1,"data":[["1","2"],["bad","2"],["3","4"],["5"]]}`, "p", "m")
	got := testkit.Predictions(t, c.Expect("OK"))
	if len(got) != 4 || len(got[1]) != 0 || len(got[3]) != 0 {
		t.Fatalf("predictions %v: want 4 maps, the 2nd and 4th empty", got)
	}
	testkit.CheckPrediction(t, m, []float64{1, 2}, got[0])
	testkit.CheckPrediction(t, m, []float64{3, 4}, got[2])
}

// TestWSPredictPlanFollowsColumnOrigins: the same expanded column sent once as a B column
// and once from a T attribute gives each frame its own imputation of the absent k$v
// columns (mean for the B frame, 0 for the T frame), whatever came before on the session.
func TestWSPredictPlanFollowsColumnOrigins(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	rest1(s).Create("p")
	rest1(s).Learn("p", []byte(`{"attributeNames":["k","y"],"attributeTypes":["T","C"],"data":[["a","1"],["b","2"],["a","1.5"],["c","0"],["b","2.5"]]}`))
	rest1(s).BuildModel("p", "mlr", "m", testkit.MLContextJSON([]string{"k$a", "k$b"}, []string{"y"}))
	asB := `{"attributeNames":["k$a"],"attributeTypes":["B"],"data":[["1"]]}`
	asT := `{"attributeNames":["k"],"attributeTypes":["T"],"data":[["a"]]}`
	fresh := func(payload string) string {
		c := s.Sym("/symetry/ws/predict", "c1", testenv.Secret1)
		c.Signed(payload, "p", "m")
		return *testkit.Predictions(t, c.Expect("OK"))[0]["res"]
	}
	wantB, wantT := fresh(asB), fresh(asT)
	if wantB == wantT {
		t.Fatalf("the B and T frames predict the same (%s): the test cannot tell them apart", wantB)
	}
	c := s.Sym("/symetry/ws/predict", "c1", testenv.Secret1)
	c.Signed(asB, "p", "m")
	if got := *testkit.Predictions(t, c.Expect("OK"))[0]["res"]; got != wantB {
		t.Fatalf("first message: %s, want %s", got, wantB)
	}
	for i, payload := range []string{asT, asB, asT, asT, asB} {
		want := wantT
		if payload == asB {
			want = wantB
		}
		c.Bare(payload)
		if got := *testkit.Predictions(t, c.Expect("OK"))[0]["res"]; got != want {
			t.Fatalf("message %d: %s, want %s", i, got, want)
		}
	}
}
