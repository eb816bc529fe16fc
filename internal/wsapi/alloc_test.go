package wsapi

import (
	"testing"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
)

// TestPredictAllocs: a signed predict message, and a bare one on an authenticated
// session, are verified, parsed, scored and answered without an allocation.
func TestPredictAllocs(t *testing.T) {
	testenv.SkipAllocs(t)
	for _, algo := range []string{"lda", "mlda", "mlr"} {
		ip := newInProcess(t, algo, "")
		row := []byte(ip.ds.PredictJSON(0, 1))
		signed := ip.signer.AppendWSMessage(nil, "ws://"+testkit.SymHost+PathPredict, []string{"p", "m1"}, row)
		for range 10 {
			ip.handle(t, ip.predict, signed)
			ip.handle(t, ip.predict, row)
		}
		for name, msg := range map[string][]byte{"signed": signed, "session frame": row} {
			if n := testing.AllocsPerRun(200, func() { ip.handle(t, ip.predict, msg) }); n != 0 {
				t.Errorf("%s: %s predict: %v allocations per message", algo, name, n)
			}
		}
	}
}

// TestSignedPredictReplayCheckedAllocs: with auth.replay_predict, a signed predict message
// is checked against the replay memory and its signature logged (a seen record in the
// durable log), without an allocation.
func TestSignedPredictReplayCheckedAllocs(t *testing.T) {
	testenv.SkipAllocs(t)
	ip := newInProcess(t, "lda", "", func(c *config.Config) { c.Auth.ReplayPredict = true })
	row := []byte(ip.ds.PredictJSON(0, 1))
	url := "ws://" + testkit.SymHost + PathPredict
	msgs := make([][]byte, 400) // each signed anew: a replay would be refused
	for i := range msgs {
		msgs[i] = ip.signer.AppendWSMessage(nil, url, []string{"p", "m1"}, row)
	}
	for _, m := range msgs[:100] {
		ip.handle(t, ip.predict, m)
	}
	next := 100
	if n := testing.AllocsPerRun(200, func() { ip.handle(t, ip.predict, msgs[next]); next++ }); n != 0 {
		t.Errorf("signed predict with replay checks: %v allocations per message", n)
	}
}

// TestLearnAllocs: a learn session frame of C and B columns into a durable store
// (durability always) allocates nothing per message, nor does a signed one.
func TestLearnAllocs(t *testing.T) {
	testenv.SkipAllocs(t)
	ip := newInProcess(t, "mlr", "")
	payload := []byte(`{"attributeNames":["x0","x1","x2","x3","t"],"attributeTypes":["C","C","C","C","B"],"data":[["1.5","2","3","4","1"],["2.5","1","0","-4","0"]]}`)
	ip.handle(t, ip.learn, ip.signer.AppendWSMessage(nil, "ws://"+testkit.SymHost+PathLearn, []string{"p"}, payload))
	// The log's record and batch buffers are reused.
	if n := testing.AllocsPerRun(200, func() { ip.handle(t, ip.learn, payload) }); n != 0 {
		t.Errorf("learn session frame: %v allocations per message", n)
	}
	// Signed, each learn's signature is checked against the replay memory and logged with
	// it (a seen record), still without an allocation.
	msgs := make([][]byte, 400)
	for i := range msgs {
		msgs[i] = ip.signer.AppendWSMessage(nil, "ws://"+testkit.SymHost+PathLearn, []string{"p"}, payload)
	}
	for _, m := range msgs[:100] {
		ip.handle(t, ip.learn, m)
	}
	next := 100
	if n := testing.AllocsPerRun(200, func() { ip.handle(t, ip.learn, msgs[next]); next++ }); n != 0 {
		t.Errorf("signed learn: %v allocations per message", n)
	}
}
