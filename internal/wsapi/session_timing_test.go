package wsapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/symscore/symscore/internal/testkit"
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
	payload := learnFrame1000x15()
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

// learnFrame1000x15 is a DataFrame of 1000 rows in the vendor's 15-column iris layout.
func learnFrame1000x15() []byte {
	var sb strings.Builder
	sb.WriteString(`{"attributeNames":["sepal_length","sepal_width","petal_length","petal_width","sepal_lengt_b1","sepal_lengt_b2","sepal_width_b1","sepal_width_b2","petal_length_b1","petal_length_b2","petal_width_b1","petal_width_b2","Iris_setosa","Iris_versicolor","Iris_virginica"],"attributeTypes":["C","C","C","C","B","B","B","B","B","B","B","B","B","B","B"],"data":[`)
	for i := range 1000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `["%.1f","%.1f","%.1f","%.1f"`, 4.3+float64(i%36)/10, 2+float64(i%24)/10, 1+float64(i%59)/10, 0.1+float64(i%25)/10)
		for j := range 11 {
			fmt.Fprintf(&sb, `,"%d"`, (i>>j)&1)
		}
		sb.WriteByte(']')
	}
	sb.WriteString(`]}`)
	return []byte(sb.String())
}
