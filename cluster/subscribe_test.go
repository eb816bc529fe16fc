package cluster_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/natstest"
	"github.com/symscore/symscore/internal/testkit/wslinkc"
)

// uniKeys are the keys of a data message's values for an attribute.
var uniKeys = []string{"count", "mean", "variance", "stddev", "min", "max"}

// TestSubscriptionsOnAnotherNode: subscriptions on node C — on /symetry/ws/subscribe and
// on the RPC endpoint's topics — see the learns made through node A: once C has applied
// them, the data values equal the uni metric C explores, to the bit; a model built
// through node B is published on C.
func TestSubscriptionsOnAnotherNode(t *testing.T) {
	bus := natstest.Start(t)
	nodes := startNodes(t, bus, 3)
	cs := clients(nodes)
	a, c := cs[0], cs[2]
	a.Create("p")
	a.Learn("p", testkit.FrameJSON([]string{"x", "y"}, []string{"C", "C"}, [][]string{{"1", "2"}}, -1))
	testenv.Eventually(t, "the project's first rows on node C", func() bool {
		return c.Do(http.MethodGet, "/projects/p/info", "", nil).Code == http.StatusOK && c.Project("p").Rows() == 1
	})

	sub := nodes[2].Sym("/symetry/ws/subscribe", testenv.CID1, testenv.Secret1)
	sub.Signed(`{"type":"subscribe","names":["x","$models"]}`, "p")
	rpc := wslinkc.Dial(t, nodes[2].Addr(), 2)
	if r := rpc.Hello(testenv.CID1, testenv.Secret1); r.Error != nil {
		t.Fatal(r.Error)
	}
	if r := rpc.Call("symscore.subscribe", "p", map[string]any{"names": []any{"x"}}); r.Error != nil {
		t.Fatal(r.Error)
	}

	rows := 1
	for i := range 8 {
		var batch [][]string
		for j := range 25 {
			batch = append(batch, []string{fmt.Sprint(i*25 + j), fmt.Sprint(float64(j) / 3)})
		}
		a.Learn("p", testkit.FrameJSON([]string{"x", "y"}, []string{"C", "C"}, batch, -1))
		rows += len(batch)
	}
	testenv.Eventually(t, "every learn applied on node C", func() bool { return c.Project("p").Rows() == int64(rows) })
	uni := c.Do(http.MethodPost, "/projects/p/explore", "metric=uni", []byte(`{"values":[{"inputAttributeNames":["x"]}]}`)).
		Expect(t, http.StatusOK, "OK").KSVD(t)[0]
	same := func(where string, values map[string]float64) {
		t.Helper()
		for _, k := range uniKeys {
			if want := uni[k]; want == nil || math.Float64bits(values[k]) != math.Float64bits(*want) {
				t.Fatalf("%s: %s = %v, node C explores %v", where, k, values[k], want)
			}
		}
	}

	// The subscribe endpoint: the last value counts every row.
	deadline := time.Now().Add(testenv.EventuallyTimeout)
	for {
		if time.Now().After(deadline) {
			t.Fatalf("no data of x with %d rows on node C's subscribe endpoint", rows)
		}
		sub.NC.SetReadDeadline(deadline)
		op, p := sub.ReadMessage()
		if op != ws.OpText {
			t.Fatalf("opcode %v", op)
		}
		var m struct {
			Type   string             `json:"type"`
			Name   string             `json:"name"`
			Values map[string]float64 `json:"values"`
		}
		if err := json.Unmarshal(p, &m); err != nil {
			t.Fatalf("%v: %s", err, p)
		}
		if m.Type == "data" && m.Name == "x" && m.Values["count"] == float64(rows) {
			same("subscribe endpoint", m.Values)
			break
		}
	}

	// The RPC endpoint's symscore.data.
	timeout := time.After(testenv.EventuallyTimeout)
	for done := false; !done; {
		select {
		case pub := <-rpc.Published:
			m, _ := pub.Message.(map[string]any)
			vals, _ := m["values"].(map[string]any)
			if pub.Topic == "symscore.data" && m["pid"] == "p" && m["name"] == "x" && wslinkc.Number(vals["count"]) == float64(rows) {
				got := map[string]float64{}
				for _, k := range uniKeys {
					got[k] = wslinkc.Number(vals[k])
				}
				same("RPC topic", got)
				done = true
			}
		case <-timeout:
			t.Fatalf("no symscore.data of x with %d rows on node C", rows)
		}
	}

	// A model built through node B: its event on node C.
	cs[1].Build("p", "mlr", "m", `{"inputAttributeNames":["x"],"targetAttributeNames":["y"]}`).Expect(t, http.StatusOK, "Job is finished")
	deadline = time.Now().Add(testenv.EventuallyTimeout)
	for {
		sub.NC.SetReadDeadline(deadline)
		op, p := sub.ReadMessage()
		var m struct{ Type, Event, ModelID string }
		if err := json.Unmarshal(p, &m); op != ws.OpText || err != nil {
			t.Fatalf("%v %v: %s", op, err, p)
		}
		if m.Type == "model" && m.Event == "built" && m.ModelID == "m" {
			break
		}
	}
}
