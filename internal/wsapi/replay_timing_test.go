package wsapi

import (
	"testing"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/testkit"
)

// BenchmarkWSPredictSignedEach: a predict session whose client signs every message (1 row,
// lda, durability always), with auth.replay_predict off and on (the default): on, each
// message's signature is checked against the replay memory and logged with its customer.
// The signing (the client's work) is in the loop for both, so that their difference is
// what the replay check costs the server.
func BenchmarkWSPredictSignedEach(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "replay_predict=off"
		if on {
			name = "replay_predict=on"
		}
		b.Run(name, func(b *testing.B) {
			ip := newInProcess(b, "lda", "", func(c *config.Config) { c.Auth.ReplayPredict = on })
			row := []byte(ip.ds.PredictJSON(0, 1))
			url := "ws://" + testkit.SymHost + PathPredict
			keys := []string{"p", "m1"}
			var msg []byte
			b.ReportAllocs()
			for b.Loop() {
				msg = ip.signer.AppendWSMessage(msg[:0], url, keys, row)
				ip.handle(b, ip.predict, msg)
			}
		})
	}
}
