package server_test

import (
	"bytes"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
)

// TestRESTBadInput: each malformed request gets a clear 400 (or 409) and changes nothing:
// the project's encoded state and the project list are the same before and after.
func TestRESTBadInput(t *testing.T) {
	cfg := testkit.Config()
	cfg.Limits.MaxMessageBytes = 64 << 10
	cfg.Limits.MaxFrameBytes = 64 << 10
	s := start(t, cfg, nil)
	c := s.REST("c1", testenv.Secret1)
	rows := testkit.IrisRows(t)
	c.Do(http.MethodPost, "/projects", "pid=iris", nil).Expect(t, http.StatusCreated, "")
	c.Do(http.MethodPost, "/projects/iris/learn", "", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, rows, -1)).Expect(t, http.StatusOK, "")
	c.Build("iris", "lda", "lda1", ctxLDA).Expect(t, http.StatusOK, "Job is finished")
	var state string
	c.Do(http.MethodGet, "/projects/iris/export", "", nil).Expect(t, http.StatusOK, "").Value(t, "projectState", &state)

	cells := func(row ...string) []byte {
		return testkit.FrameJSON([]string{"sepal_length", "sepal_width", "Iris_setosa"}, []string{"C", "C", "B"}, [][]string{{"5", "3", "1"}, row}, -1)
	}
	tests := []struct {
		name, method, rel, query string
		body                     []byte
		code                     int
		text                     string
	}{
		{"learn: not JSON", "POST", "/projects/iris/learn", "", []byte(`{"attributeNames":[`), 400, "not valid JSON"},
		{"learn: not an object", "POST", "/projects/iris/learn", "", []byte(`[1,2]`), 400, "must be a JSON object"},
		{"learn: NaN", "POST", "/projects/iris/learn", "", cells("NaN", "3", "1"), 400, "row 1"},
		{"learn: Inf", "POST", "/projects/iris/learn", "", cells("5", "-Inf", "0"), 400, "row 1"},
		{"learn: out of range", "POST", "/projects/iris/learn", "", cells("1e400", "3", "0"), 400, "row 1"},
		{"learn: not a number", "POST", "/projects/iris/learn", "", cells("abc", "3", "0"), 400, `"abc"`},
		{"learn: B not 0/1", "POST", "/projects/iris/learn", "", cells("5", "3", "2"), 400, "Iris_setosa"},
		{"learn: empty cell", "POST", "/projects/iris/learn", "", cells("5", "", "0"), 400, "row 1"},
		{"learn: wrong width", "POST", "/projects/iris/learn", "", cells("5", "3"), 400, "row 1"},
		{"learn: S outside a partition project", "POST", "/projects/iris/learn", "", testkit.FrameJSON([]string{"k"}, []string{"S"}, [][]string{{"a"}}, -1), 400, "S"},
		{"learn: type changes", "POST", "/projects/iris/learn", "", testkit.FrameJSON([]string{"Iris_setosa"}, []string{"C"}, [][]string{{"0.5"}}, -1), 400, "Iris_setosa"},
		{"forget: more than learned", "POST", "/projects/iris/forget", "", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, append(rows, rows...), -1), 400, "cannot forget 300 rows"},
		{"create: exists", "POST", "/projects", "pid=iris", nil, 409, "already exists"},
		{"create: no pid", "POST", "/projects", "type=cpu", nil, 400, `"pid"`},
		{"create: unknown type", "POST", "/projects", "pid=g&type=gpu", nil, 400, "not supported"},
		{"create: partition without split", "POST", "/projects", "pid=g&type=partition", []byte(`{}`), 400, "partitionSplit"},
		{"create: params not an object", "POST", "/projects", "pid=g", []byte(`["a"]`), 400, "JSON object of strings"},
		{"create: param not a string", "POST", "/projects", "pid=g", []byte(`{"partitionSplit":1}`), 400, "must be a string"},
		{"create: params not JSON", "POST", "/projects", "pid=g", []byte(`{"a"`), 400, "not valid JSON"},
		{"create: bad pid", "POST", "/projects", "pid=..", nil, 400, `project id ".." is a relative path segment`},
		{"build: unknown algo", "POST", "/projects/iris/build", "algo=svm&modelid=m", []byte(ctxLDA), 400, `unknown algorithm "svm"`},
		{"build: no algo", "POST", "/projects/iris/build", "modelid=m", []byte(ctxLDA), 400, `"algo"`},
		{"build: no modelid", "POST", "/projects/iris/build", "algo=lda", []byte(ctxLDA), 400, `"modelid"`},
		{"build: modelid too long", "POST", "/projects/iris/build", "algo=lda&modelid=" + strings.Repeat("m", 257), []byte(ctxLDA), 400, "is 257 bytes long; the limit is 256"},
		{"build: MLContext not JSON", "POST", "/projects/iris/build", "algo=lda&modelid=m", []byte(`{"targets":`), 400, "MLContext is not valid JSON"},
		{"build: MLContext bad list", "POST", "/projects/iris/build", "algo=lda&modelid=m", []byte(`{"targets":"12"}`), 400, "must be an array"},
		{"build: no body", "POST", "/projects/iris/build", "algo=lda&modelid=m", nil, 400, "MLContext"},
		{"build: unknown project", "POST", "/projects/nope/build", "algo=lda&modelid=m", []byte(ctxLDA), 400, "cannot find project"},
		{"predict: unknown model", "POST", "/projects/iris/predict/nope", "", cells("5", "3", "1"), 400, "cannot find model"},
		{"predict: bad cell", "POST", "/projects/iris/predict/lda1", "", cells("abc", "3", "1"), 400, `"abc"`},
		{"predict: not JSON", "POST", "/projects/iris/predict/lda1", "", []byte(`{`), 400, "not valid JSON"},
		{"predict: bad impute", "POST", "/projects/iris/predict/lda1", "impute=yes", cells("5", "3", "1"), 400, "impute must be true or false"},
		{"explore: no metric", "POST", "/projects/iris/explore", "", []byte(`{"values":[{"inputAttributes":["0"]}]}`), 400, `"metric"`},
		{"explore: unknown metric", "POST", "/projects/iris/explore", "metric=median", []byte(`{"values":[{"inputAttributes":["0"]}]}`), 400, "unknown exploration metric"},
		{"explore: not JSON", "POST", "/projects/iris/explore", "metric=uni", []byte(`{"values":`), 400, "not valid JSON"},
		{"explore: no values", "POST", "/projects/iris/explore", "metric=uni", []byte(`{}`), 400, `no "values"`},
		{"explore: empty values", "POST", "/projects/iris/explore", "metric=uni", []byte(`{"values":[]}`), 400, "holds no MLContext"},
		{"explore: bad context", "POST", "/projects/iris/explore", "metric=uni", []byte(`{"values":[{"inputAttributes":["0"]},{"inputAttributes":["99"]}]}`), 400, "values[1]: input attribute index 99 is out of range"},
		{"merge: no other", "GET", "/projects/iris/merge", "", nil, 400, `"otherProjectName"`},
		{"merge: itself", "GET", "/projects/iris/merge", "otherProjectName=iris", nil, 400, "itself"},
		{"merge: unknown other", "GET", "/projects/iris/merge", "otherProjectName=nope", nil, 400, "cannot find project"},
		{"import: exists", "POST", "/projects/iris/import", "", []byte(`{"projectState":"` + state + `"}`), 409, "already exists"},
		{"import: not Base64", "POST", "/projects/g/import", "", []byte(`{"projectState":"%%%"}`), 400, "not valid Base64"},
		{"import: not a project", "POST", "/projects/g/import", "", []byte(`{"projectState":"AAAA"}`), 400, "cannot import project"},
		{"import: no state", "POST", "/projects/g/import", "", []byte(`{}`), 400, "projectState"},
		{"import: not JSON", "POST", "/projects/g/import", "", []byte(`projectState`), 400, "not valid JSON"},
		{"bad query", "POST", "/projects", "pid=%zz", nil, 400, "not a valid URL query"},
		{"model info: unknown", "GET", "/projects/iris/models/nope", "", nil, 400, "cannot find model"},
		{"delete model: unknown", "DELETE", "/projects/iris/models/nope", "", nil, 400, "cannot find model"},
		{"delete project: unknown", "DELETE", "/projects/nope", "", nil, 400, "cannot find project"},
		{"freeze: unknown", "GET", "/projects/nope/freeze", "", nil, 400, "cannot find project"},
		{"export: unknown", "GET", "/projects/nope/export", "", nil, 400, "cannot find project"},
		// Hostile identifiers and JSON (issue 13 item 9): one rule for every id and name,
		// one strictness for every JSON object.
		{"create: pid with U+202E", "POST", "/projects", "pid=a%E2%80%AEb", nil, 400, "project id"},
		{"create: pid with a newline", "POST", "/projects", "pid=a%0Ab", nil, 400, "project id"},
		{"build: modelid with NUL", "POST", "/projects/iris/build", "algo=lda&modelid=m%00", []byte(ctxLDA), 400, "model id"},
		{"build: modelid with a newline", "POST", "/projects/iris/build", "algo=lda&modelid=m%0A", []byte(ctxLDA), 400, "model id"},
		{"build: modelid with U+202E", "POST", "/projects/iris/build", "algo=lda&modelid=m%E2%80%AE", []byte(ctxLDA), 400, "model id"},
		{"learn: attribute name with NUL", "POST", "/projects/iris/learn", "", []byte(`{"attributeNames":["a\u0000"],"attributeTypes":["C"],"data":[["1"]]}`), 400, "attribute name"},
		{"learn: attribute name with a newline", "POST", "/projects/iris/learn", "", []byte(`{"attributeNames":["a\nb"],"attributeTypes":["C"],"data":[["1"]]}`), 400, "attribute name"},
		{"learn: lone surrogate", "POST", "/projects/iris/learn", "", []byte(`{"attributeNames":["a\ud800"],"attributeTypes":["C"],"data":[["1"]]}`), 400, "surrogate"},
		{"learn: key twice", "POST", "/projects/iris/learn", "", []byte(`{"attributeNames":["a"],"attributeTypes":["C"],"data":[["1"]],"data":[["2"]]}`), 400, "twice"},
		{"learn: unknown key", "POST", "/projects/iris/learn", "", []byte(`{"attributeNames":["a"],"attributeTypes":["C"],"data":[["1"]],"rows":1}`), 400, "rows"},
		{"learn: no rows", "POST", "/projects/iris/learn", "", []byte(`{"attributeNames":["a"],"attributeTypes":["C"],"data":[]}`), 400, "no row"},
		{"build: MLContext key twice", "POST", "/projects/iris/build", "algo=lda&modelid=m", []byte(`{"inputAttributes":["0"],"inputAttributes":["1"],"targets":["4"]}`), 400, "twice"},
		{"build: MLContext unknown key", "POST", "/projects/iris/build", "algo=lda&modelid=m", []byte(`{"inputs":["0"],"targets":["4"]}`), 400, "inputs"},
		{"create: unknown param", "POST", "/projects", "pid=g&type=partition", []byte(`{"partitionsplit":"species"}`), 400, `unknown key "partitionsplit"; its keys are partitionSplit`},
		{"create: param twice", "POST", "/projects", "pid=g&type=partition", []byte(`{"partitionSplit":"a","partitionSplit":"b"}`), 400, "twice"},
		{"create: param with a bad escape", "POST", "/projects", "pid=g&type=partition", []byte(`{"partitionSplit":"a\x"}`), 400, "bad string escape"},
		{"create: partitionSplit on a cpu project", "POST", "/projects", "pid=g", []byte(`{"partitionSplit":"species"}`), 400, `a cpu project takes no "partitionSplit"`},
		{"explore: unknown key", "POST", "/projects/iris/explore", "metric=uni", []byte(`{"values":[{"inputAttributes":["0"]}],"metric":"bi"}`), 400, `unknown key "metric"`},
		{"explore: values twice", "POST", "/projects/iris/explore", "metric=uni", []byte(`{"values":[{"inputAttributes":["0"]}],"values":[]}`), 400, "twice"},
		{"explore: not an object", "POST", "/projects/iris/explore", "metric=uni", []byte(`[{"inputAttributes":["0"]}]`), 400, `must be an object {"values":[MLContext,...]}, not array`},
		{"import: unknown key", "POST", "/projects/g/import", "", []byte(`{"projectState":"` + state + `","pid":"h"}`), 400, `unknown key "pid"`},
		{"import: state twice", "POST", "/projects/g/import", "", []byte(`{"projectState":"` + state + `","projectState":"` + state + `"}`), 400, "twice"},
		{"import: bad escape", "POST", "/projects/g/import", "", []byte(`{"projectState":"\ud800"}`), 400, "bad string escape"},
		{"no route", "GET", "/projects/iris/summary", "", nil, 404, "no endpoint"},
		{"no route: trailing slash", "GET", "/projects/list/", "", nil, 404, "no endpoint"},
		{"no route: empty segment", "GET", "/projects//info", "", nil, 404, "no endpoint"},
		{"wrong method", "DELETE", "/projects/iris/info", "", nil, 405, "not allowed"},
		{"wrong method: list", "POST", "/projects/list", "", nil, 405, "not allowed"},
	}
	b := testkit.NewBystander(t, s.Addr(), testenv.CID2, testenv.Secret2)
	before := rest1(s).Export("iris")
	list := c.Do(http.MethodGet, "/projects/list", "", nil).StrList(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Do(tc.method, tc.rel, tc.query, tc.body).Expect(t, tc.code, tc.text)
			if len(r.StatusString) > 400 {
				t.Errorf("message of %d bytes: %q", len(r.StatusString), r.StatusString)
			}
			if string(rest1(s).Export("iris")) != string(before) {
				t.Fatal("the project changed")
			}
			if got := c.Do(http.MethodGet, "/projects/list", "", nil).StrList(t); !reflect.DeepEqual(got, list) {
				t.Fatalf("projects %v, want %v", got, list)
			}
		})
	}
	// Another customer was served throughout and lost nothing.
	b.Check()
	b.CheckNew()
	// Numeric JSON cells are accepted (read from their JSON text), null is an empty cell.
	c.Do(http.MethodPost, "/projects", "pid=num", nil).Expect(t, http.StatusCreated, "")
	c.Do(http.MethodPost, "/projects/num/learn", "", []byte(`{"attributeNames":["a","b"],"attributeTypes":["C","C"],"data":[[1.5,"2"],[-3e2,4]]}`)).Expect(t, http.StatusOK, "")
	c.Do(http.MethodPost, "/projects/num/learn", "", []byte(`{"attributeNames":["a","b"],"attributeTypes":["C","C"],"data":[[1,null]]}`)).Expect(t, http.StatusBadRequest, "row 0")
	if p := rest1(s).Project("num"); p.Rows() != 2 {
		t.Fatalf("numeric cells: %d rows, want 2", p.Rows())
	}
	r := c.Do(http.MethodPost, "/projects/list", "", nil)
	if allow := r.Header.Get("Allow"); allow != "GET, DELETE" { // DELETE deletes project "list"
		t.Errorf("Allow %q on POST /projects/list", allow)
	}
	if got := s.Metric("symscore_requests_total", "endpoint=rest_no_route,status=BAD_REQUEST"); got != 6 {
		t.Errorf("rest_no_route requests %v, want 6", got)
	}
}

// TestRESTOversizedBody: a body past limits.max_message_bytes is refused with 400 before
// it is read whole, whether its length is announced or chunked, and counted.
func TestRESTOversizedBody(t *testing.T) {
	cfg := testkit.Config()
	cfg.Limits.MaxMessageBytes = 4 << 10
	cfg.Limits.MaxFrameBytes = 4 << 10
	s := start(t, cfg, nil)
	c := s.REST("c1", testenv.Secret1)
	c.Do(http.MethodPost, "/projects", "pid=p", nil).Expect(t, http.StatusCreated, "")
	before := rest1(s).Export("p")
	var rows [][]string
	for range 1000 {
		rows = append(rows, []string{"1"})
	}
	big := testkit.FrameJSON([]string{"x"}, []string{"C"}, rows, -1)
	path := c.Path("/projects/p/learn")

	// Announced length: refused unread.
	c.DoPath(http.MethodPost, path, "", big).Expect(t, http.StatusBadRequest, "bytes is larger than limits.max_message_bytes")
	// Chunked (a reader of unknown length): refused once the limit is passed.
	h := c.Sign(http.MethodPost, path, "", big)
	req, err := http.NewRequest(http.MethodPost, "http://"+c.Addr+path, io.MultiReader(bytes.NewReader(big)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = h
	resp, err := c.HC.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r := &testkit.Reply{Code: resp.StatusCode, Header: resp.Header}
	r.Raw, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	testkit.CheckEnvelope(t, "chunked", r)
	r.Expect(t, http.StatusBadRequest, "request body is larger than limits.max_message_bytes")

	if got := s.Metric("symscore_refusals_total", "limit=max_message_bytes"); got != 2 {
		t.Errorf("max_message_bytes refusals %v, want 2", got)
	}
	if string(rest1(s).Export("p")) != string(before) {
		t.Fatal("the project changed")
	}
	// A body at the limit is served.
	ok := testkit.FrameJSON([]string{"x"}, []string{"C"}, rows[:100], -1)
	if len(ok) > 4<<10 {
		t.Fatalf("test body of %d bytes", len(ok))
	}
	c.DoPath(http.MethodPost, path, "", ok).Expect(t, http.StatusOK, "OK")
}
