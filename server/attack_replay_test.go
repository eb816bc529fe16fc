package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
)

// TestAttackReplayMemory (issue 13 item 3): a customer sending signed learns as fast as it
// can fills only its own share of the replay memory: its further signed changes are
// refused (503, counted as replay_full) and not applied, another customer's are served;
// an empty DataFrame is refused.
func TestAttackReplayMemory(t *testing.T) {
	cfg := testkit.Config()
	cfg.Auth.ReplayCapacity = 400 // 200 signed changes per customer
	s := start(t, cfg, nil)
	b := testkit.NewBystander(t, s.Addr(), testenv.CID2, testenv.Secret2)
	rest1(s).Create("p")
	c := s.Sym("/symetry/ws/learn", testenv.CID1, testenv.Secret1)
	c.Signed(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[]}`, "p")
	if e := c.Expect("BAD_REQUEST"); !strings.Contains(e.StatusString, "no row") {
		t.Fatalf("empty DataFrame: %q", e.StatusString)
	}
	acked := 0
	for i := 0; ; i++ {
		if i > 400 {
			t.Fatal("the customer's share never filled")
		}
		c.Signed(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`, "p")
		e := c.Reply()
		if e.StatusCode == "OK" {
			acked++
			if acked%50 == 0 {
				b.Check()
			}
			continue
		}
		if e.StatusCode != "SERVICE_UNAVAILABLE" || !strings.Contains(e.StatusString, "replay memory full") {
			t.Fatalf("reply %s %q", e.StatusCode, e.StatusString)
		}
		break
	}
	if acked < 190 || acked > 200 {
		t.Fatalf("%d signed learns acknowledged before the share of 200 filled", acked)
	}
	// The attacker's signed changes stay refused, over REST too; the bystander's signed
	// changes are served.
	c.Signed(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`, "p")
	c.Expect("SERVICE_UNAVAILABLE")
	rest1(s).Do(http.MethodPost, "/projects/p/learn", "", []byte(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`)).
		Expect(t, http.StatusServiceUnavailable, "replay memory full")
	b.Check()
	b.CheckNew()
	b.CheckNew()
	if n := s.Metric("symscore_auth_failures_total", "reason=replay_full"); n < 2 {
		t.Errorf("replay_full refusals %v", n)
	}
	if rows := rest1(s).Project("p").Rows(); rows != int64(acked) {
		t.Fatalf("the attacker's project holds %d rows; %d were acknowledged", rows, acked)
	}
	b.Verify()
}

// TestAttackReplayedPredict (issue 13 item 10): with auth.replay_predict (the default), a
// captured signed predict message sent again — on a new connection, by someone without the
// secret — is refused (CONFLICT) and opens no session on the model; so is a replayed REST
// predict. The customer's own new messages, and another customer's, are served.
func TestAttackReplayedPredict(t *testing.T) {
	cfg := testkit.Config()
	cfg.Auth.ReplayPredict = true
	s := start(t, cfg, nil)
	b := testkit.NewBystander(t, s.Addr(), testenv.CID2, testenv.Secret2)
	ds := testkit.NewDataset(11, 40, 2)
	a := rest1(s)
	a.Create("p")
	a.Learn("p", []byte(ds.FrameJSON(0, 40)))
	a.BuildModel("p", "lda", "m", testkit.MLContextJSON(ds.InputNames(), []string{"t"}))

	honest := s.Sym("/symetry/ws/predict", testenv.CID1, testenv.Secret1)
	captured := honest.Signer.AppendWSMessage(nil, honest.URL, []string{"p", "m"}, []byte(ds.PredictJSON(0, 1)))
	honest.SendMessage(ws.OpText, captured)
	honest.Expect("OK")

	thief := s.Sym("/symetry/ws/predict", testenv.CID1, testenv.NobodysSecret)
	thief.SendMessage(ws.OpText, captured)
	if e := thief.Expect("CONFLICT"); !strings.Contains(e.StatusString, "replayed request") {
		t.Fatalf("replayed predict: %q", e.StatusString)
	}
	thief.Bare(ds.PredictJSON(1, 2))
	if e := thief.Expect("BAD_REQUEST"); !strings.Contains(e.StatusString, "must be framed and signed") {
		t.Fatalf("a bare frame after a replay: %q", e.StatusString)
	}
	b.Check()

	path := a.Path("/projects/p/predict/m")
	body := []byte(ds.PredictJSON(2, 3))
	h := a.Sign(http.MethodPost, path, "", body)
	a.Send(http.MethodPost, path, "", body, h).Expect(t, http.StatusOK, "OK")
	a.Send(http.MethodPost, path, "", body, h).Expect(t, http.StatusConflict, "replayed request")
	honest.Signed(ds.PredictJSON(3, 4))
	honest.Expect("OK")
	b.CheckNew()
	b.Verify()
}
