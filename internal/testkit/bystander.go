package testkit

import (
	"net/http"
	"testing"
)

// BystanderAddr is the source address of a Bystander's connections: another host than the
// attackers of a test (who use 127.0.0.1 unless they say otherwise).
const BystanderAddr = "127.0.0.2"

// Bystander is a customer going about its business while another client attacks the
// server: what every attack test checks is that it keeps working, during the attack and
// after, and that nothing it was told was stored is lost.
//
// NewBystander sets up its project (rows learned over REST, an lda model built) and opens
// a learn and a predict session, authenticated, before the attack. Check learns and
// predicts on those sessions (an established client); CheckNew does the same over new
// connections (a client arriving during the attack) and reads the project's rows over REST.
// Every row the server acknowledged is counted (Acked), and CheckNew and Verify fail the
// test unless the project holds exactly those. Its methods fail the test with t.Fatal:
// call them from the test's goroutine.
type Bystander struct {
	T           testing.TB
	Addr        string // the server's main listener
	CID, Secret string
	PID         string
	Acked       int // rows the server acknowledged

	ds             *Dataset
	next           int
	learn, predict *SymClient
}

const (
	bystanderRows = 4000
	bystanderPID  = "bystander"
	bystanderStep = 2 // rows per learn
)

// NewBystander sets up customer cid's project on the server at addr and opens its
// sessions.
func NewBystander(t testing.TB, addr, cid, secret string) *Bystander {
	t.Helper()
	b := &Bystander{T: t, Addr: addr, CID: cid, Secret: secret, PID: bystanderPID, ds: NewDataset(97, bystanderRows, 3)}
	rc := b.REST()
	rc.Create(b.PID)
	rc.Learn(b.PID, []byte(b.ds.FrameJSON(0, 60)))
	b.Acked, b.next = 60, 60
	rc.BuildModel(b.PID, "lda", "m", MLContextJSON(b.ds.InputNames(), []string{"t"}))
	b.learn = b.dial("/symetry/ws/learn")
	b.learn.Signed(b.rows(), b.PID)
	b.learned(b.learn.Expect("OK"))
	b.predict = b.dial("/symetry/ws/predict")
	b.predict.Signed(b.ds.PredictJSON(0, 1), b.PID, "m")
	b.predicted(b.predict.Expect("OK"))
	return b
}

// REST is a new REST client of the bystander, from BystanderAddr.
func (b *Bystander) REST() *RESTClient {
	b.T.Helper()
	return NewRESTFrom(b.T, b.Addr, BystanderAddr, b.CID, b.Secret)
}

func (b *Bystander) dial(path string) *SymClient {
	b.T.Helper()
	return DialSymFrom(b.T, b.Addr, BystanderAddr, path, b.CID, b.Secret)
}

// rows is the learn DataFrame of the next rows.
func (b *Bystander) rows() string {
	if b.next+bystanderStep > bystanderRows {
		b.next = 0
	}
	b.next += bystanderStep
	return b.ds.FrameJSON(b.next-bystanderStep, b.next)
}

func (b *Bystander) learned(Envelope) { b.Acked += bystanderStep }

func (b *Bystander) predicted(e Envelope) {
	b.T.Helper()
	if got := Predictions(b.T, e); len(got) != 1 || got[0]["res"] == nil {
		b.T.Fatalf("bystander's prediction: %v", got)
	}
}

// Check learns and predicts on the sessions opened before the attack.
func (b *Bystander) Check() {
	b.T.Helper()
	b.learn.Bare(b.rows())
	b.learned(b.learn.Expect("OK"))
	b.predict.Bare(b.ds.PredictJSON(1, 2))
	b.predicted(b.predict.Expect("OK"))
}

// Predict predicts on the session opened before the attack and over REST (for attacks
// that stop every change, such as a failed disk: reads must go on).
func (b *Bystander) Predict() {
	b.T.Helper()
	b.predict.Bare(b.ds.PredictJSON(1, 2))
	b.predicted(b.predict.Expect("OK"))
	rc := b.REST()
	r := rc.Do(http.MethodPost, "/projects/"+b.PID+"/predict/m", "", []byte(b.ds.PredictJSON(3, 4))).Expect(b.T, http.StatusOK, "OK")
	if got := r.KSVS(b.T); len(got) != 1 {
		b.T.Fatalf("bystander's REST prediction: %v", got)
	}
	rc.HC.CloseIdleConnections()
}

// LearnRefused sends a learn on the session opened before the attack and checks that it is
// refused with status (nothing acknowledged).
func (b *Bystander) LearnRefused(status string) {
	b.T.Helper()
	b.learn.Bare(b.rows())
	b.learn.Expect(status)
}

// CheckNew learns and predicts over new WebSocket connections and REST, and checks that
// the project holds every row acknowledged.
func (b *Bystander) CheckNew() {
	b.T.Helper()
	l := b.dial("/symetry/ws/learn")
	l.Signed(b.rows(), b.PID)
	b.learned(l.Expect("OK"))
	l.NC.Close()
	p := b.dial("/symetry/ws/predict")
	p.Signed(b.ds.PredictJSON(2, 3), b.PID, "m")
	b.predicted(p.Expect("OK"))
	p.NC.Close()
	rc := b.REST()
	rc.Do(http.MethodPost, "/projects/"+b.PID+"/learn", "", []byte(b.rows())).Expect(b.T, http.StatusOK, "OK")
	b.Acked += bystanderStep
	r := rc.Do(http.MethodPost, "/projects/"+b.PID+"/predict/m", "", []byte(b.ds.PredictJSON(3, 4))).Expect(b.T, http.StatusOK, "OK")
	if got := r.KSVS(b.T); len(got) != 1 {
		b.T.Fatalf("bystander's REST prediction: %v", got)
	}
	b.verify(rc)
	rc.HC.CloseIdleConnections()
}

// Verify checks, over a new REST connection, that the project holds exactly the rows
// acknowledged.
func (b *Bystander) Verify() {
	b.T.Helper()
	rc := b.REST()
	b.verify(rc)
	rc.HC.CloseIdleConnections()
}

func (b *Bystander) verify(rc *RESTClient) {
	b.T.Helper()
	if n := rc.Project(b.PID).Rows(); n != int64(b.Acked) {
		b.T.Fatalf("the bystander's project holds %d rows; %d were acknowledged", n, b.Acked)
	}
}
