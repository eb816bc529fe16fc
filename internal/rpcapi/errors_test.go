package rpcapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tinylib/msgp/msgp"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/server"
)

// ldaContext is the MLContext of an lda on iris.
func ldaContext() map[string]any {
	return map[string]any{"inputAttributeNames": strs("sepal_length", "sepal_width", "petal_length", "petal_width"),
		"targetAttributeNames": strs("Iris_virginica")}
}

// TestUnknownMethod: a method symscore does not have, wslink's own
// application.exit.later included, is -32601 with the method as data; the connection
// stays open.
func TestUnknownMethod(t *testing.T) {
	s := start(t, nil)
	for _, v := range versions {
		t.Run(name(v), func(t *testing.T) {
			c := signedIn(t, s, v)
			for _, m := range []string{"application.exit.later", "symscore.nope", "symscore.project", "wslink.binary.attachment"} {
				e := refused(t, c, -32601, "", m, 10)
				if e.Data != m {
					t.Fatalf("%s: data %v", m, e.Data)
				}
			}
			must(t, c, "symscore.project.list")
		})
	}
}

// TestBadArguments: wrong numbers and types of arguments, keyword arguments and envelopes
// that are not requests are -32602, saying which argument; the connection stays open.
func TestBadArguments(t *testing.T) {
	s := start(t, nil)
	for _, v := range versions {
		t.Run(name(v), func(t *testing.T) {
			c := signedIn(t, s, v)
			cases := []struct {
				method string
				args   []any
				want   string
			}{
				{"symscore.project.info", nil, "takes 1 arguments (pid), not 0"},
				{"symscore.project.info", []any{"a", "b"}, "not 2"},
				{"symscore.project.info", []any{7}, "args[0], the project id, must be a string, not a number"},
				{"symscore.project.list", []any{"x"}, "takes 0 arguments"},
				{"symscore.project.create", []any{"p", 3}, "args[1], the project type, must be a string"},
				{"symscore.project.create", []any{"p", "cpu", "x"}, "args[2], the project parameters, must be a map"},
				{"symscore.learn", []any{"p", "frame"}, "args[1], the DataFrame, must be a map, not a string"},
				{"symscore.learn", []any{"p", map[string]any{"rows": 1, "attributeNames": strs("x"), "attributeTypes": strs("C")}}, `needs "attributeNames", "attributeTypes", "rows" and "data"`},
				{"symscore.learn", []any{"p", map[string]any{"rows": 1.5, "attributeNames": strs("x"), "attributeTypes": strs("C"), "data": []byte{}}}, "rows must be a whole number"},
				{"symscore.learn", []any{"p", map[string]any{"rows": 1, "attributeNames": strs("x"), "attributeTypes": strs("C"), "data": "xx"}}, "data must be binary data"},
				{"symscore.learn", []any{"p", map[string]any{"rows": 1, "attributeNames": []any{1}, "attributeTypes": strs("C"), "data": []byte{}}}, "attributeNames[0] must be a string"},
				{"symscore.learn", []any{"p", map[string]any{"rows": 1, "x": 1}}, `unknown key "x"`},
				{"symscore.build", []any{"p", "lda", "m"}, "takes 4 to 5 arguments"},
				{"symscore.build", []any{"p", "lda", "m", map[string]any{}, "yes"}, "args[4], replace, must be true or false, not a string"},
				{"symscore.build", []any{"p", "lda", "m", []any{}}, "args[3], the MLContext, must be a map"},
				{"symscore.predict_matrix", []any{"p", "m", map[string]any{"columns": strs("x"), "rows": 1}}, `must be {"columns":[names],"rows":n,"data":<bytes>}`},
				{"symscore.predict_matrix", []any{"p", "m", map[string]any{"columns": []any{2}, "rows": 1, "data": []byte{}}}, "columns[0] must be a string"},
				{"symscore.predict_matrix", []any{"p", "m", map[string]any{"columns": strs("x"), "rows": -1, "data": []byte{}}}, "rows must be a whole number"},
				{"symscore.predict_matrix", []any{"p", "m", map[string]any{"columns": strs("x"), "rows": 1, "data": []byte{}, "y": 1}}, `unknown key "y"`},
				{"symscore.explore", []any{"p", "uni", map[string]any{}}, "args[2], the list of MLContexts, must be an array"},
			}
			for _, tc := range cases {
				e := refused(t, c, -32602, "", tc.method, tc.args...)
				if !strings.Contains(e.Message, tc.want) || !strings.HasPrefix(e.Message, tc.method+": ") {
					t.Errorf("%s %v: %q, want it to say %q", tc.method, tc.args, e.Message, tc.want)
				}
			}
			// Keyword arguments.
			var msg []byte
			req := map[string]any{"wslink": "1.0", "id": "rpc:k:1", "method": "symscore.project.list", "args": []any{}, "kwargs": map[string]any{"a": 1}}
			if v == 2 {
				msg, _ = msgp.AppendIntf(nil, req)
			} else {
				msg = []byte(`{"wslink":"1.0","id":"rpc:k:1","method":"symscore.project.list","args":[],"kwargs":{"a":1}}`)
			}
			c.Expect("rpc:k:1")
			c.SendRaw(msg)
			if r := c.Wait("rpc:k:1"); r.Error == nil || r.Error.Code != -32602 || !strings.Contains(r.Error.Message, "keyword arguments") {
				t.Fatalf("kwargs: %+v", r)
			}
			// An envelope that is not a request, with an id that can be read.
			if v == 2 {
				msg, _ = msgp.AppendIntf(nil, map[string]any{"wslink": "1.0", "id": "rpc:k:2", "method": 5})
			} else {
				msg = []byte(`{"wslink":"1.0","id":"rpc:k:2","method":5}`)
			}
			c.Expect("rpc:k:2")
			c.SendRaw(msg)
			if r := c.Wait("rpc:k:2"); r.Error == nil || r.Error.Code != -32602 || !strings.Contains(r.Error.Message, `"method" must be a string`) {
				t.Fatalf("malformed envelope: %+v", r)
			}
			must(t, c, "symscore.project.list")
		})
	}
}

// TestRefusalsAsREST: every refusal of an operation is -32001 with data
// {statusCode, statusString} exactly as the REST reply to the same request says it.
func TestRefusalsAsREST(t *testing.T) {
	s := start(t, func(c *config.Config) { c.Limits.MaxRows = 200 })
	rest := s.REST(testenv.CID1, testenv.Secret1)
	rest.Create("iris")
	rest.Learn("iris", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, testkit.IrisRows(t), -1))
	rest.Build("iris", "lda", "m1", testkit.MLContextJSON([]string{"sepal_length", "sepal_width", "petal_length", "petal_width"}, []string{"Iris_virginica"}))
	tooMany := make([][]string, 201)
	for i := range tooMany {
		tooMany[i] = []string{"1"}
	}
	bigFrame := testkit.FrameJSON([]string{"x"}, []string{"C"}, tooMany, -1)
	badCell := testkit.FrameJSON([]string{"x"}, []string{"C"}, [][]string{{"abc"}}, -1)
	predictFrame := testkit.FrameJSON([]string{"x"}, []string{"C"}, [][]string{{"1"}}, -1)
	cases := []struct {
		name   string
		method string
		args   []any
		rest   func() *testkit.Reply
	}{
		{"info of no project", "symscore.project.info", []any{"nope"},
			func() *testkit.Reply { return rest.Do(http.MethodGet, "/projects/nope/info", "", nil) }},
		{"create an existing project", "symscore.project.create", []any{"iris", "cpu", nil},
			func() *testkit.Reply { return rest.Do(http.MethodPost, "/projects", "pid=iris&type=cpu", nil) }},
		{"create a bad id", "symscore.project.create", []any{"a b", nil, nil},
			func() *testkit.Reply { return rest.Do(http.MethodPost, "/projects", "pid=a%20b", nil) }},
		{"create a bad type", "symscore.project.create", []any{"q", "gpu", nil},
			func() *testkit.Reply { return rest.Do(http.MethodPost, "/projects", "pid=q&type=gpu", nil) }},
		{"delete no project", "symscore.project.delete", []any{"nope"},
			func() *testkit.Reply { return rest.Do(http.MethodDelete, "/projects/nope", "", nil) }},
		{"learn a bad cell", "symscore.learn", []any{"iris", map[string]any{"attributeNames": strs("x"), "attributeTypes": strs("C"), "data": []any{strs("abc")}}},
			func() *testkit.Reply { return rest.Do(http.MethodPost, "/projects/iris/learn", "", badCell) }},
		{"learn too many rows", "symscore.learn", []any{"iris", jsonArg(t, bigFrame)},
			func() *testkit.Reply { return rest.Do(http.MethodPost, "/projects/iris/learn", "", bigFrame) }},
		{"forget into no project", "symscore.forget", []any{"nope", jsonArg(t, predictFrame)},
			func() *testkit.Reply { return rest.Do(http.MethodPost, "/projects/nope/forget", "", predictFrame) }},
		{"build an unknown algorithm", "symscore.build", []any{"iris", "magic", "m2", ldaContext()},
			func() *testkit.Reply {
				return rest.Do(http.MethodPost, "/projects/iris/build", "algo=magic&modelid=m2", []byte(`{"targets":["12"]}`))
			}},
		{"build a bad MLContext", "symscore.build", []any{"iris", "lda", "m2", map[string]any{"bogus": 1}},
			func() *testkit.Reply {
				return rest.Do(http.MethodPost, "/projects/iris/build", "algo=lda&modelid=m2", []byte(`{"bogus":1}`))
			}},
		{"build a bad model id", "symscore.build", []any{"iris", "lda", "a/b", ldaContext()},
			func() *testkit.Reply {
				return rest.Do(http.MethodPost, "/projects/iris/build", "algo=lda&modelid=a%2Fb", []byte(`{}`))
			}},
		{"rebuild a model without replace", "symscore.build", []any{"iris", "lda", "m1", ldaContext()},
			func() *testkit.Reply {
				return rest.Do(http.MethodPost, "/projects/iris/build", "algo=lda&modelid=m1", []byte(testkit.MLContextJSON([]string{"sepal_length"}, []string{"Iris_virginica"})))
			}},
		{"model info of no model", "symscore.model.info", []any{"iris", "m9"},
			func() *testkit.Reply { return rest.Do(http.MethodGet, "/projects/iris/models/m9", "", nil) }},
		{"delete no model", "symscore.model.delete", []any{"iris", "m9"},
			func() *testkit.Reply { return rest.Do(http.MethodDelete, "/projects/iris/models/m9", "", nil) }},
		{"predict with no model", "symscore.predict", []any{"iris", "m9", jsonArg(t, predictFrame)},
			func() *testkit.Reply { return rest.Do(http.MethodPost, "/projects/iris/predict/m9", "", predictFrame) }},
		{"predict a bad cell", "symscore.predict", []any{"iris", "m1", jsonArg(t, badCell)},
			func() *testkit.Reply { return rest.Do(http.MethodPost, "/projects/iris/predict/m1", "", badCell) }},
		{"explore an unknown metric", "symscore.explore", []any{"iris", "median", []any{map[string]any{"inputAttributes": strs("0")}}},
			func() *testkit.Reply {
				return rest.Do(http.MethodPost, "/projects/iris/explore", "metric=median", []byte(`{"values":[{"inputAttributes":["0"]}]}`))
			}},
	}
	for _, v := range versions {
		c := signedIn(t, s, v)
		for _, tc := range cases {
			t.Run(name(v)+"/"+tc.name, func(t *testing.T) {
				e := refused(t, c, -32001, "", tc.method, tc.args...)
				want := tc.rest()
				d := e.Data.(map[string]any)
				if d["statusCode"] != want.StatusCode || d["statusString"] != want.StatusString || e.Message != want.StatusString {
					t.Fatalf("%v %q, REST says %s %q", d["statusCode"], d["statusString"], want.StatusCode, want.StatusString)
				}
			})
		}
	}
}

// jsonArg is a JSON DataFrame or MLContext as the argument a client passes.
func jsonArg(t *testing.T, j []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := jsonUnmarshal(j, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBusy: a call the server has no capacity for (limits.max_inflight) is -32001
// SERVICE_UNAVAILABLE, as REST says it, once the wait for a slot is over.
func TestBusy(t *testing.T) {
	lim := admit.NewLimiter(1, 50*time.Millisecond)
	s := start(t, nil, server.WithHooks(server.Hooks{Inflight: lim}))
	for _, v := range versions {
		t.Run(name(v), func(t *testing.T) {
			c := signedIn(t, s, v)
			// The reader may hold the slot a moment after the hello's reply went out.
			testenv.Eventually(t, "the only slot", lim.TryAcquire)
			e := refused(t, c, -32001, "SERVICE_UNAVAILABLE", "symscore.project.list")
			if !strings.Contains(e.Message, "limits.max_inflight") {
				t.Fatalf("%q", e.Message)
			}
			lim.Release()
			must(t, c, "symscore.project.list")
		})
	}
}

// TestBuildReplace: a model id the project has is rebuilt only with replace true.
func TestBuildReplace(t *testing.T) {
	s := start(t, nil)
	irisProject(t, s.REST(testenv.CID1, testenv.Secret1), "rep")
	for _, v := range versions {
		c := signedIn(t, s, v)
		id := "m" + name(v)
		must(t, c, "symscore.build", "rep", "lda", id, ldaContext())
		refused(t, c, -32001, "CONFLICT", "symscore.build", "rep", "lda", id, ldaContext())
		refused(t, c, -32001, "CONFLICT", "symscore.build", "rep", "lda", id, ldaContext(), false)
		if mi := must(t, c, "symscore.build", "rep", "lda", id, ldaContext(), true).(map[string]any); mi["modelId"] != id {
			t.Fatalf("%s: %v", name(v), mi)
		}
	}
}
