package wsapi

import (
	"fmt"
	"testing"

	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/frames"
)

// BenchmarkWSPredictMessage is the whole in-process path of one predict message of one
// row: parse the framing, verify the HMAC (signed) or use the session's binding (session),
// parse the DataFrame, score, encode the reply. No socket. One op is one message.
func BenchmarkWSPredictMessage(b *testing.B) {
	for _, algo := range []string{"lda", "mlda", "mlr"} {
		ip := newInProcess(b, algo, "")
		row := []byte(ip.ds.PredictJSON(0, 1))
		signed := ip.signer.AppendWSMessage(nil, "ws://"+testkit.SymHost+PathPredict, []string{"p", "m1"}, row)
		ip.handle(b, ip.predict, signed)
		for _, c := range []struct {
			name string
			msg  []byte
		}{{"signed", signed}, {"session", row}} {
			b.Run(fmt.Sprintf("%s/%s", algo, c.name), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(c.msg)))
				for b.Loop() {
					ip.handle(b, ip.predict, c.msg)
				}
			})
		}
	}
}

// BenchmarkWSLearnMessage is the in-process path of one learn session frame of 1000 rows
// by 15 columns (4 C, 11 B, the vendor's iris layout): parse, check, log (by durability),
// apply. Rows/s = 1000 / (ns/op) · 1e9.
func BenchmarkWSLearnMessage(b *testing.B) {
	payload := []byte(frames.Learn1000x15())
	for _, durability := range []string{"none", "interval", "always"} {
		b.Run("durability="+durability, func(b *testing.B) {
			ip := newInProcess(b, "", durability)
			c := customer(b, ip.svc)
			if err := ip.svc.Create(c, "p", "", nil); err != nil {
				b.Fatal(err)
			}
			ip.handle(b, ip.learn, ip.signer.AppendWSMessage(nil, "ws://"+testkit.SymHost+PathLearn, []string{"p"}, payload))
			b.ReportAllocs()
			b.SetBytes(int64(len(payload)))
			for b.Loop() {
				ip.handle(b, ip.learn, payload)
			}
			b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
