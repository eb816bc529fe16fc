package server_test

import (
	"bytes"
	"math"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gobwas/ws"

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
