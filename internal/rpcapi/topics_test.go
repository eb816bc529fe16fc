package rpcapi_test

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit/wslinkc"
	"github.com/symscore/symscore/server"
)

// fastTopics is the test configuration with a short subscribe.interval.
func fastTopics(cfg *config.Config) { cfg.Subscribe.Interval = 5 * time.Millisecond }

// TestTopicsPublish: symscore.subscribe answers with SUBSCRIBED's message, after the
// project's names (initial) and before the first values; then values after learns, model
// events and pairs are published on their topics with the pid; the values equal explore's
// uni; after an unsubscribe nothing more of the name comes.
func TestTopicsPublish(t *testing.T) {
	s := start(t, fastTopics)
	for _, v := range versions {
		t.Run(name(v), func(t *testing.T) {
			c := signedIn(t, s, v)
			p := &pubs{t: t, c: c}
			pid := "topics" + name(v)
			must(t, c, "symscore.project.create", pid, "cpu", nil)
			must(t, c, "symscore.learn", pid, xyFrame(1, 2, 3, 5))

			r := c.Call("symscore.subscribe", pid, map[string]any{"names": strs("x", "$models", "z"), "pairs": []any{strs("x", "y")}})
			if r.Error != nil {
				t.Fatal(r.Error)
			}
			ack := msg(r.Result)
			if ack["type"] != "subscribed" || !slices.Equal(stringsOf(ack["names"]), []string{"x", "$models", "z"}) ||
				!slices.Equal(stringsOf(ack["pending"]), []string{"z"}) || len(ack["pairs"].([]any)) != 1 ||
				!slices.Equal(stringsOf(ack["pairs"].([]any)[0]), []string{"x", "y"}) || ack["pid"] != nil {
				t.Fatalf("subscribe answered %v", ack)
			}
			names, nm := p.next("symscore.names", nil)
			if nm["type"] != "names" || nm["pid"] != pid || nm["initial"] != true || !slices.Equal(stringsOf(nm["names"]), []string{"x", "y"}) || names.Seq > r.Seq {
				t.Fatalf("names %v (seq %d, answer %d)", nm, names.Seq, r.Seq)
			}
			first, fm := p.next("symscore.data", dataOf(pid, "x", 2))
			if first.Seq < r.Seq || wslinkc.Number(fm["version"]) < 1 || fm["time"] == "" {
				t.Fatalf("first value %v (seq %d, answer %d)", fm, first.Seq, r.Seq)
			}
			_, pm := p.next("symscore.data", func(m map[string]any) bool { return m["pair"] != nil })
			if pm["pid"] != pid || !slices.Equal(stringsOf(pm["pair"]), []string{"x", "y"}) || wslinkc.Number(msg(pm["values"])["covar"]) != 1.5 {
				t.Fatalf("pair value %v", pm)
			}

			must(t, c, "symscore.learn", pid, xyFrame(6, 4))
			_, dm := p.next("symscore.data", dataOf(pid, "x", 3))
			uni := msg(must(t, c, "symscore.explore", pid, "uni", []any{map[string]any{"inputAttributeNames": strs("x")}}).([]any)[0])
			vals := msg(dm["values"])
			for _, k := range []string{"count", "mean", "variance", "stddev", "min", "max"} {
				if wslinkc.Number(vals[k]) != wslinkc.Number(uni[k]) {
					t.Fatalf("data %s = %v, explore's uni %v (%v)", k, vals[k], uni[k], uni)
				}
			}

			must(t, c, "symscore.build", pid, "mlr", "m1", map[string]any{"inputAttributeNames": strs("x"), "targetAttributeNames": strs("y")})
			p.next("symscore.model", func(m map[string]any) bool {
				return m["type"] == "model" && m["pid"] == pid && m["event"] == "built" && m["modelId"] == "m1" && m["modelType"] == "mlr"
			})

			u := c.Call("symscore.unsubscribe", pid, map[string]any{"names": strs("x", "x")})
			if um := msg(u.Result); u.Error != nil || um["type"] != "unsubscribed" || !slices.Equal(stringsOf(um["names"]), []string{"x"}) || len(um["pairs"].([]any)) != 0 {
				t.Fatalf("unsubscribe answered %v %v", u.Result, u.Error)
			}
			must(t, c, "symscore.subscribe", pid, map[string]any{"names": strs("y")})
			must(t, c, "symscore.learn", pid, xyFrame(7, 8))
			p.next("symscore.data", func(m map[string]any) bool {
				return m["name"] == "y" && wslinkc.Number(msg(m["values"])["count"]) == 4
			})
			p.drain()
			for _, pub := range p.seen {
				if m := msg(pub.Message); pub.Seq > u.Seq && m["name"] == "x" {
					t.Fatalf("x published after its unsubscribe: %v", m)
				}
			}
		})
	}
}

// TestTopicsManyProjects: one connection watches two projects, each publication with
// its pid; another connection watching one of them gets its values too.
func TestTopicsManyProjects(t *testing.T) {
	s := start(t, fastTopics)
	for _, v := range versions {
		t.Run(name(v), func(t *testing.T) {
			c, other := signedIn(t, s, v), signedIn(t, s, v)
			p, po := &pubs{t: t, c: c}, &pubs{t: t, c: other}
			a, b := "many_a"+name(v), "many_b"+name(v)
			for _, pid := range []string{a, b} {
				must(t, c, "symscore.project.create", pid, "cpu", nil)
				must(t, c, "symscore.subscribe", pid, map[string]any{"names": strs("*")})
			}
			must(t, other, "symscore.subscribe", b, map[string]any{"names": strs("x")})
			must(t, c, "symscore.learn", a, xyFrame(1, 1))
			must(t, c, "symscore.learn", b, xyFrame(2, 2, 3, 3))
			p.find("symscore.data", dataOf(a, "y", 1))
			p.find("symscore.data", dataOf(b, "y", 2))
			po.find("symscore.data", dataOf(b, "x", 2))
			p.drain()
			po.drain()
			for _, pub := range po.seen {
				if m := msg(pub.Message); m["pid"] != b {
					t.Fatalf("the other connection got %v", m)
				}
			}
			for _, pub := range p.seen {
				if m := msg(pub.Message); m["type"] == "data" && m["pid"] == a && wslinkc.Number(msg(m["values"])["count"]) > 1 {
					t.Fatalf("b's rows in a's value: %v", m)
				}
			}
		})
	}
}

// TestTopicsProjectDeleted: a deleted project publishes closed and ends its
// subscriptions; the connection stays open, a subscribe to the project is then
// refused (BAD_REQUEST: no such project), and one to a project made again under the same id starts over.
func TestTopicsProjectDeleted(t *testing.T) {
	s := start(t, fastTopics)
	rest := s.REST(testenv.CID1, testenv.Secret1)
	for _, v := range versions {
		t.Run(name(v), func(t *testing.T) {
			c := signedIn(t, s, v)
			p := &pubs{t: t, c: c}
			pid := "deleted" + name(v)
			must(t, c, "symscore.project.create", pid, "cpu", nil)
			must(t, c, "symscore.learn", pid, xyFrame(1, 2))
			must(t, c, "symscore.subscribe", pid, map[string]any{"names": strs("x")})
			p.next("symscore.data", dataOf(pid, "x", 1))
			rest.Do(http.MethodDelete, "/projects/"+pid, "", nil).Expect(t, http.StatusOK, "OK")
			_, cm := p.next("symscore.closed", nil)
			if cm["type"] != "closed" || cm["pid"] != pid || cm["reason"] != "project deleted" {
				t.Fatalf("closed %v", cm)
			}
			refused(t, c, -32001, "BAD_REQUEST", "symscore.subscribe", pid, map[string]any{"names": strs("x")})
			refused(t, c, -32001, "BAD_REQUEST", "symscore.unsubscribe", pid, map[string]any{"names": strs("x")})
			must(t, c, "symscore.project.list")
			must(t, c, "symscore.project.create", pid, "cpu", nil)
			must(t, c, "symscore.learn", pid, xyFrame(5, 6, 7, 8))
			must(t, c, "symscore.subscribe", pid, map[string]any{"names": strs("y")})
			_, nm := p.next("symscore.names", func(m map[string]any) bool { return m["pid"] == pid })
			if nm["initial"] != true || !slices.Equal(stringsOf(nm["names"]), []string{"x", "y"}) {
				t.Fatalf("names after re-creating %v", nm)
			}
			p.next("symscore.data", dataOf(pid, "y", 2))
		})
	}
}

// TestTopicsBadArguments: subscribe and unsubscribe with the wrong arguments are -32602;
// lists that a subscription's client message could not hold, and projects the customer
// does not have, are -32001 BAD_REQUEST as the subscribe endpoint says them; nothing is
// subscribed, and the connection stays open. An unsubscribe of what was never subscribed
// is answered.
func TestTopicsBadArguments(t *testing.T) {
	s := start(t, func(cfg *config.Config) { fastTopics(cfg); cfg.Limits.MaxNameBytes = 16 })
	for _, v := range versions {
		t.Run(name(v), func(t *testing.T) {
			c := signedIn(t, s, v)
			p := &pubs{t: t, c: c}
			pid := "bad" + name(v)
			must(t, c, "symscore.project.create", pid, "cpu", nil)
			for _, m := range []string{"symscore.subscribe", "symscore.unsubscribe"} {
				for _, tc := range []struct {
					args []any
					want string
				}{
					{nil, `takes 2 arguments (pid, {"names":[...],"pairs":[...]}), not 0`},
					{[]any{pid}, "not 1"},
					{[]any{pid, map[string]any{}, 1}, "not 3"},
					{[]any{7, map[string]any{}}, "args[0], the project id, must be a string, not a number"},
					{[]any{pid, strs("x")}, "args[1], the names and pairs"},
					{[]any{pid, "x"}, "must be a map, not a string"},
					{[]any{pid, nil}, "must be a map, not null"},
					{[]any{pid, map[string]any{"names": []any{[]byte("x")}}}, "args[1]"},
				} {
					e := refused(t, c, -32602, "", m, tc.args...)
					if !strings.Contains(e.Message, tc.want) || !strings.HasPrefix(e.Message, m+": ") {
						t.Errorf("%s %v: %q, want it to say %q", m, tc.args, e.Message, tc.want)
					}
				}
				for _, tc := range []struct {
					lists map[string]any
					want  string
				}{
					{map[string]any{"type": "subscribe"}, `unknown key "type"`},
					{map[string]any{"names": "x"}, `"names" must be an array`},
					{map[string]any{"names": []any{1}}, "names[0] must be a string, not number"},
					{map[string]any{"names": strs("")}, "names[0]"},
					{map[string]any{"names": strs("abcdefghijklmnopq")}, "limit is 16"},
					{map[string]any{"pairs": []any{strs("x")}}, "pairs[0] must be an array of two"},
					{map[string]any{"pairs": []any{strs("x", "*")}}, `pairs[0][1] is "*"`},
				} {
					e := refused(t, c, -32001, "BAD_REQUEST", m, pid, tc.lists)
					if !strings.Contains(e.Message, tc.want) {
						t.Errorf("%s %v: %q, want it to say %q", m, tc.lists, e.Message, tc.want)
					}
				}
				refused(t, c, -32001, "BAD_REQUEST", m, "nope", map[string]any{"names": strs("x")})
			}
			// Nothing was watched: no names were published; an unsubscribe is answered.
			u := msg(must(t, c, "symscore.unsubscribe", pid, map[string]any{"names": strs("x", "x", "$log"), "pairs": []any{strs("x", "y")}}))
			if u["type"] != "unsubscribed" || !slices.Equal(stringsOf(u["names"]), []string{"x", "$log"}) || len(u["pairs"].([]any)) != 1 {
				t.Fatalf("unsubscribe answered %v", u)
			}
			p.drain()
			if len(p.seen) != 0 {
				t.Fatalf("publications without a subscribe: %v", p.seen)
			}
			// The other project's: another customer's project of the same id is not seen.
			must(t, c, "symscore.subscribe", pid, map[string]any{})
			_, nm := p.next("symscore.names", nil)
			if nm["pid"] != pid || len(nm["names"].([]any)) != 0 {
				t.Fatalf("names %v", nm)
			}
			must(t, c, "symscore.project.list")
		})
	}
}

// TestTopicsLimit: limits.max_subscriptions bounds the subscriptions of a connection
// across its projects ("*" counts as one); a subscribe past it subscribes nothing, and
// what an unsubscribe or a deletion frees can be taken again.
func TestTopicsLimit(t *testing.T) {
	s := start(t, func(cfg *config.Config) { fastTopics(cfg); cfg.Limits.MaxSubscriptions = 3 })
	for _, v := range versions {
		t.Run(name(v), func(t *testing.T) {
			c := signedIn(t, s, v)
			a, b := "lim_a"+name(v), "lim_b"+name(v)
			for _, pid := range []string{a, b} {
				must(t, c, "symscore.project.create", pid, "cpu", nil)
			}
			must(t, c, "symscore.subscribe", a, map[string]any{"names": strs("*", "x")})
			e := refused(t, c, -32001, "BAD_REQUEST", "symscore.subscribe", b, map[string]any{"names": strs("x"), "pairs": []any{strs("x", "y")}})
			if !strings.Contains(e.Message, "limits.max_subscriptions") {
				t.Fatalf("refusal %q", e.Message)
			}
			must(t, c, "symscore.subscribe", b, map[string]any{"names": strs("x")})
			refused(t, c, -32001, "BAD_REQUEST", "symscore.subscribe", b, map[string]any{"names": strs("y")})
			must(t, c, "symscore.subscribe", a, map[string]any{"names": strs("x")}) // already held
			must(t, c, "symscore.unsubscribe", a, map[string]any{"names": strs("x")})
			must(t, c, "symscore.subscribe", b, map[string]any{"names": strs("y")})
			refused(t, c, -32001, "BAD_REQUEST", "symscore.subscribe", b, map[string]any{"names": strs("z")})
			must(t, c, "symscore.project.delete", b)
			// Freed once b's subscriber has ended: by the time its closed message comes.
			(&pubs{t: t, c: c}).find("symscore.closed", func(m map[string]any) bool { return m["pid"] == b })
			must(t, c, "symscore.subscribe", a, map[string]any{"names": strs("x", "y")})
			// Another connection has its own.
			must(t, signedIn(t, s, v), "symscore.subscribe", a, map[string]any{"names": strs("a", "b", "c")})
		})
	}
}

// TestTopicsSlowReader: a connection that stops reading its publications is closed with
// 1008 by the outbound queue limit; the learner and another subscriber go on, and the
// other gets the final state.
func TestTopicsSlowReader(t *testing.T) {
	s := start(t, func(cfg *config.Config) {
		cfg.Limits.OutboundQueueBytes = 16 << 10
		cfg.Subscribe.Interval = 2 * time.Millisecond
	}, server.WithHooks(server.Hooks{WrapConn: func(c net.Conn) net.Conn {
		c.(*net.TCPConn).SetWriteBuffer(4 << 10) // the queue fills after a few messages
		return c
	}}))
	for _, v := range versions {
		t.Run(name(v), func(t *testing.T) {
			pid := "slow" + name(v)
			var cols []string
			for i := range 40 {
				cols = append(cols, fmt.Sprintf("column_%02d", i))
			}
			types := slices.Repeat([]string{"C"}, len(cols))
			row := func(i int) map[string]any {
				r := make([]string, len(cols))
				for j := range r {
					r[j] = fmt.Sprint(i*j + 1)
				}
				return map[string]any{"attributeNames": strs(cols...), "attributeTypes": strs(types...), "data": []any{strs(r...)}}
			}
			learner := signedIn(t, s, v)
			must(t, learner, "symscore.project.create", pid, "cpu", nil)
			must(t, learner, "symscore.learn", pid, row(0))
			slow, fast := signedIn(t, s, v), signedIn(t, s, v)
			slow.Raw.NC.(*net.TCPConn).SetReadBuffer(4 << 10)
			must(t, slow, "symscore.subscribe", pid, map[string]any{"names": strs("*")})
			must(t, fast, "symscore.subscribe", pid, map[string]any{"names": strs("column_39")})
			slow.StopReading()
			refusals := s.Metric("symscore_refusals_total", "limit=outbound_queue_bytes")
			done := false
			for i := 1; !done && i < 100000; i++ {
				must(t, learner, "symscore.learn", pid, row(i))
				done = i%50 == 0 && s.Metric("symscore_refusals_total", "limit=outbound_queue_bytes") > refusals
			}
			if !done {
				t.Fatal("the slow connection was never closed")
			}
			final := msg(must(t, learner, "symscore.project.info", pid))["rows"]
			p := &pubs{t: t, c: fast}
			p.find("symscore.data", dataOf(pid, "column_39", wslinkc.Number(final)))
			slow.ResumeReading()
			select {
			case <-slow.Closed:
			case <-time.After(testenv.EventuallyTimeout):
				t.Fatal("the slow connection is still open")
			}
			if slow.CloseCode != ws.StatusPolicyViolation {
				t.Fatalf("close %d, want 1008", slow.CloseCode)
			}
		})
	}
}

// TestTopicsBesideAttachments: in 1.x, publications flow on a connection while
// predict_matrix results with binary data go out, and every result reaches the client
// with its attachments (the client checks every message's). Whether a publication lands
// inside a result's attachment sequence here depends on timing, so this test seldom
// sees the send lock missing; TestPublicationBesideAttachments (sendorder_test.go) pins
// that order deterministically.
func TestTopicsBesideAttachments(t *testing.T) {
	s := start(t, func(cfg *config.Config) { cfg.Subscribe.Interval = time.Millisecond })
	rest := s.REST(testenv.CID1, testenv.Secret1)
	irisProject(t, rest, "attach")
	rest.BuildModel("attach", "lda", "m", `{"inputAttributeNames":["sepal_length","sepal_width","petal_length","petal_width"],"targetAttributeNames":["Iris_virginica"]}`)
	c := signedIn(t, s, 1)
	learner := signedIn(t, s, 2)
	must(t, c, "symscore.subscribe", "attach", map[string]any{"names": strs("*", "$project", "$log")})
	cols := strs("sepal_length", "sepal_width", "petal_length", "petal_width")
	stop := make(chan struct{})
	learned := make(chan struct{})
	go func() { // learns on another connection, publishing on c all along
		defer close(learned)
		for {
			select {
			case <-stop:
				return
			default:
			}
			learner.Call("symscore.learn", "attach", map[string]any{"attributeNames": cols, "attributeTypes": strs("C", "C", "C", "C"), "data": []any{strs("1", "2", "3", "4")}})
		}
	}()
	var ids []string
	for range 2000 {
		ids = append(ids, c.Go("symscore.predict_matrix", "attach", "m", map[string]any{"columns": cols, "rows": 1, "data": floats(6.3, 3.3, 6, 2.5)}))
	}
	for _, id := range ids {
		if r := msg(c.Must(id)); len(r["data"].([]byte)) != 8*len(r["keys"].([]any)) {
			t.Fatalf("predict_matrix %v", r)
		}
	}
	close(stop)
	<-learned
	p := &pubs{t: t, c: c}
	p.next("symscore.log", nil)
}
