package rpcapi_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/wslinkc"
	"github.com/symscore/symscore/server"
)

// heldBuilds holds every build job until released.
type heldBuilds struct{ started, release chan struct{} }

func holdBuilds() (*heldBuilds, server.Option) {
	hb := &heldBuilds{started: make(chan struct{}, 64), release: make(chan struct{}, 64)}
	return hb, server.WithHooks(server.Hooks{BeforeBuild: func() {
		hb.started <- struct{}{}
		<-hb.release
	}})
}

// irisProject creates project pid with iris and model m1 (lda) over REST.
func irisProject(t *testing.T, rest *testkit.RESTClient, pid string) {
	t.Helper()
	rest.Create(pid)
	rest.Learn(pid, testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, testkit.IrisRows(t), -1))
}

// TestOutOfOrder: a build and 1000 predictions in flight at once on one connection: every
// prediction is answered while the build is held, then the build, with its modelInfo.
func TestOutOfOrder(t *testing.T) {
	held, hooks := holdBuilds()
	s := start(t, nil, hooks)
	rest := s.REST(testenv.CID1, testenv.Secret1)
	for _, v := range versions {
		t.Run(name(v), func(t *testing.T) {
			pid := "ooo" + name(v)
			irisProject(t, rest, pid)
			c := signedIn(t, s, v)
			go func() { held.release <- struct{}{} }() // the first build (the predictions' model)
			must(t, c, "symscore.build", pid, "lda", "m1", ldaContext())
			build := c.Go("symscore.build", pid, "lda", "m2", ldaContext())
			<-held.started // drained for m1 above; this one is m2's
			ids := make([]string, 1000)
			for i := range ids {
				if i%2 == 0 {
					ids[i] = c.Go("symscore.predict_matrix", pid, "m1", map[string]any{
						"columns": strs("sepal_length", "petal_length"), "rows": 1, "data": floats(5+float64(i)/1000, 1.5)})
				} else {
					ids[i] = c.Go("symscore.predict", pid, "m1", map[string]any{"attributeNames": strs("sepal_length"),
						"attributeTypes": strs("C"), "data": []any{strs(strconv.Itoa(4 + i%4))}})
				}
			}
			last := int64(0)
			for _, id := range ids {
				r := c.Wait(id)
				if r.Error != nil {
					t.Fatalf("predict %s: %v", id, r.Error)
				}
				last = max(last, r.Seq)
			}
			held.release <- struct{}{}
			r := c.Wait(build)
			if r.Error != nil || r.Result.(map[string]any)["modelId"] != "m2" {
				t.Fatalf("build: %+v", r)
			}
			if r.Seq <= last {
				t.Fatalf("the build was answered (%d) before the last prediction (%d) although it was held", r.Seq, last)
			}
		})
	}
	<-held.started // m1 of the second run
}

// TestChangesInArrivalOrder: changes to one project sent back to back without waiting —
// create, learns, forgets, a build, a delete, a create again — are applied in the order
// they came, while those of another project go on beside them.
func TestChangesInArrivalOrder(t *testing.T) {
	s := start(t, nil)
	for _, v := range versions {
		t.Run(name(v), func(t *testing.T) {
			c := signedIn(t, s, v)
			frame := func(lo int) map[string]any {
				var data []any
				for i := lo; i < lo+10; i++ {
					data = append(data, strs(strconv.Itoa(i), strconv.Itoa(i%2)))
				}
				return map[string]any{"attributeNames": strs("x", "y"), "attributeTypes": strs("C", "B"), "data": data}
			}
			var ids []string
			for _, pid := range []string{"a", "b"} {
				pid += name(v)
				ids = append(ids, c.Go("symscore.project.create", pid, "cpu", nil))
				for i := range 20 {
					ids = append(ids, c.Go("symscore.learn", pid, frame(10*i)))
				}
				for i := range 10 { // forgets only succeed after their learns
					ids = append(ids, c.Go("symscore.forget", pid, frame(10*i)))
				}
				ids = append(ids, c.Go("symscore.build", pid, "mlr", "m", map[string]any{"inputAttributeNames": strs("x"), "targetAttributeNames": strs("y")}))
				ids = append(ids, c.Go("symscore.model.delete", pid, "m"))
			}
			ids = append(ids, c.Go("symscore.project.delete", "b"+name(v)), c.Go("symscore.project.create", "b"+name(v), "cpu", nil),
				c.Go("symscore.learn", "b"+name(v), frame(0)))
			for _, id := range ids {
				c.Must(id)
			}
			if rows := must(t, c, "symscore.project.info", "a"+name(v)).(map[string]any)["rows"]; wslinkc.Number(rows) != 100 {
				t.Fatalf("a: %v rows, want 100", rows)
			}
			if rows := must(t, c, "symscore.project.info", "b"+name(v)).(map[string]any)["rows"]; wslinkc.Number(rows) != 10 {
				t.Fatalf("b: %v rows, want 10", rows)
			}
		})
	}
}

// TestInflightBound: with limits.rpc_inflight calls in flight, the connection is not read
// further: a prediction sent behind them is answered only after one of them finished.
func TestInflightBound(t *testing.T) {
	held, hooks := holdBuilds()
	s := start(t, func(c *config.Config) { c.Limits.RPCInflight = 2 }, hooks)
	rest := s.REST(testenv.CID1, testenv.Secret1)
	for _, v := range versions {
		t.Run(name(v), func(t *testing.T) {
			c := signedIn(t, s, v)
			for i := range 2 {
				irisProject(t, rest, fmt.Sprintf("in%d%s", i, name(v)))
			}
			go func() { held.release <- struct{}{} }()
			must(t, c, "symscore.build", "in0"+name(v), "lda", "m1", ldaContext())
			<-held.started
			b0 := c.Go("symscore.build", "in0"+name(v), "lda", "m2", ldaContext())
			b1 := c.Go("symscore.build", "in1"+name(v), "lda", "m2", ldaContext())
			<-held.started
			<-held.started
			info := c.Go("symscore.project.info", "in0"+name(v)) // a third call: the reader waits for a slot
			pred := c.Go("symscore.predict_matrix", "in0"+name(v), "m1", map[string]any{"columns": strs("sepal_length"), "rows": 1, "data": floats(5)})
			held.release <- struct{}{} // one build finishes; then the reader may go on
			held.release <- struct{}{}
			r0, r1, ri, rp := c.Wait(b0), c.Wait(b1), c.Wait(info), c.Wait(pred)
			for _, r := range []wslinkc.Reply{r0, r1, ri, rp} {
				if r.Error != nil {
					t.Fatalf("%s: %v", r.ID, r.Error)
				}
			}
			if done := min(r0.Seq, r1.Seq); ri.Seq < done || rp.Seq < done {
				t.Fatalf("calls behind a full connection answered before a slot was free: builds %d %d, info %d, predict %d", r0.Seq, r1.Seq, ri.Seq, rp.Seq)
			}
		})
	}
}

// TestBuildRefused: a build whose job fails answers -32001 with the job's status and
// message, as GET /jobs/{id} says them.
func TestBuildRefused(t *testing.T) {
	s := start(t, nil)
	rest := s.REST(testenv.CID1, testenv.Secret1)
	irisProject(t, rest, "bad")
	r := rest.Build("bad", "lda", "m1", testkit.MLContextJSON([]string{"sepal_length"}, []string{"sepal_width"}))
	for _, v := range versions {
		c := signedIn(t, s, v)
		e := refused(t, c, -32001, "BAD_REQUEST", "symscore.build", "bad", "lda", "m1", map[string]any{
			"inputAttributeNames": strs("sepal_length"), "targetAttributeNames": strs("sepal_width")})
		if e.Message != r.StatusString {
			t.Fatalf("%s: %q, the job says %q", name(v), e.Message, r.StatusString)
		}
	}
}
