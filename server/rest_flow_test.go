package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/model"
)

// Build contexts of the flow, by name.
const (
	ctxLDA  = `{"targetAttributeNames":["Iris_virginica"],"inputAttributeNames":["sepal_length","sepal_width","petal_length","petal_width"]}`
	ctxMLDA = `{"targetAttributeNames":["species"],"inputAttributeNames":["sepal_length","sepal_width","petal_length","petal_width"]}`
	ctxMLR  = `{"targetAttributeNames":["petal_width"],"inputAttributeNames":["sepal_length","sepal_width","petal_length"],"extraParameters":{}}`
	ctxMQDA = `{"targetAttributeNames":["species"],"inputAttributeNames":["sepal_length","sepal_width","petal_length","petal_width"]}`
)

// smlInfo is values.smlInfo.
type smlInfo struct {
	PID                  string   `json:"pid"`
	Type                 string   `json:"type"`
	AttributeNames       []string `json:"attributeNames"`
	AttributeTypes       []string `json:"attributeTypes"`
	ModelsList           []string `json:"modelsList"`
	ModelTypeList        []string `json:"modelTypeList"`
	PartitionColumn      string   `json:"partitionColumn"`
	Rows                 int64    `json:"rows"`
	Frozen               bool     `json:"frozen"`
	CreationDate         string   `json:"creationDate"`
	LastModificationDate string   `json:"lastModificationDate"`
}

// projectInfo is project pid's values.smlInfo.
func projectInfo(c *testkit.RESTClient, pid string) smlInfo {
	c.T.Helper()
	var info smlInfo
	c.Do(http.MethodGet, "/projects/"+pid+"/info", "", nil).Expect(c.T, http.StatusOK, "OK").Value(c.T, "smlInfo", &info)
	return info
}

// TestRESTFlow walks a customer through the whole control plane and checks every answer
// against the same computation done in process.
func TestRESTFlow(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	c := s.REST("c1", testenv.Secret1)
	rows := testkit.IrisRows(t)
	irisFrame := testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, rows, -1)

	// Create.
	c.Do(http.MethodPost, "/projects", "pid=iris&type=cpu", []byte(`{}`)).Expect(t, http.StatusCreated, "CREATED")
	c.Do(http.MethodPost, "/projects", "pid=iris&type=cpu", nil).Expect(t, http.StatusConflict, "already exists")
	c.Do(http.MethodPost, "/projects", "pid=irisP&type=partition", []byte(`{"partitionSplit":"species"}`)).Expect(t, http.StatusCreated, "CREATED")
	if got := c.Do(http.MethodGet, "/projects/list", "", nil).Expect(t, http.StatusOK, "OK").StrList(t); !reflect.DeepEqual(got, []string{"iris", "irisP"}) {
		t.Fatalf("list %v", got)
	}

	// Learn: errorHandling 1 skips the bad row and says so.
	withBad := testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, append(append([][]string(nil), rows...), []string{"abc", "1", "1", "1", "setosa", "1", "0", "0"}), 1)
	var counts struct{ RowsApplied, RowsSkipped int }
	r := c.Do(http.MethodPost, "/projects/iris/learn", "", withBad).Expect(t, http.StatusOK, "OK")
	r.Value(t, "rowsApplied", &counts.RowsApplied)
	r.Value(t, "rowsSkipped", &counts.RowsSkipped)
	if counts.RowsApplied != 150 || counts.RowsSkipped != 1 {
		t.Fatalf("learn counts %+v", counts)
	}
	if r := c.Do(http.MethodPost, "/projects/irisP/learn", "", irisFrame).Expect(t, http.StatusOK, "OK"); len(r.Values) != 0 {
		t.Fatalf("learn without errorHandling: values %s", r.Raw)
	}
	if got := s.Metric("symscore_rows_total", "op=learned"); got != 300 {
		t.Errorf("rows learned %v, want 300", got)
	}

	// Info.
	info := projectInfo(c, "iris")
	wantNames := []string{"sepal_length", "sepal_width", "petal_length", "petal_width", "Iris_setosa", "Iris_versicolor", "Iris_virginica", "species$setosa", "species$versicolor", "species$virginica"}
	wantTypes := []string{"C", "C", "C", "C", "B", "B", "B", "B", "B", "B"}
	if info.PID != "iris" || info.Type != "cpu" || info.Rows != 150 || info.Frozen || info.PartitionColumn != "" ||
		!reflect.DeepEqual(info.AttributeNames, wantNames) || !reflect.DeepEqual(info.AttributeTypes, wantTypes) ||
		len(info.ModelsList) != 0 || info.ModelsList == nil || info.ModelTypeList == nil {
		t.Fatalf("info %+v", info)
	}
	created := parseRESTDate(t, info.CreationDate)
	modified := parseRESTDate(t, info.LastModificationDate)
	if time.Since(created) > time.Minute || modified.Before(created) {
		t.Fatalf("dates %s, %s", info.CreationDate, info.LastModificationDate)
	}
	if pi := projectInfo(c, "irisP"); pi.Type != "partition" || pi.PartitionColumn != "species" || pi.Rows != 150 {
		t.Fatalf("partition info %+v", pi)
	}

	// Build.
	for _, b := range []struct{ pid, algo, id, ctx string }{
		{"iris", "lda", "lda1", ctxLDA}, {"iris", "mlda", "mlda1", ctxMLDA}, {"iris", "mlr", "mlr1", ctxMLR}, {"irisP", "mqda", "mqda1", ctxMQDA},
	} {
		c.Build(b.pid, b.algo, b.id, b.ctx).Expect(t, http.StatusOK, "Job is finished")
		if got := s.Metric("symscore_builds_total", "algo="+b.algo+",result=ok"); got != 1 {
			t.Errorf("builds of %s: %v", b.algo, got)
		}
	}
	info = projectInfo(c, "iris")
	if !reflect.DeepEqual(info.ModelsList, []string{"lda1", "mlda1", "mlr1"}) || !reflect.DeepEqual(info.ModelTypeList, []string{"lda", "mlda", "mlr"}) {
		t.Fatalf("models %v %v", info.ModelsList, info.ModelTypeList)
	}

	// The same project and models in process.
	ref := refProject(t, irisFrame, "cpu", nil)
	refP := refProject(t, irisFrame, "partition", map[string]string{"partitionSplit": "species"})
	refModels := map[string]*model.Model{
		"lda1": refBuild(t, ref, "lda", "lda1", ctxLDA), "mlda1": refBuild(t, ref, "mlda", "mlda1", ctxMLDA),
		"mlr1": refBuild(t, ref, "mlr", "mlr1", ctxMLR), "mqda1": refBuild(t, refP, "mqda", "mqda1", ctxMQDA),
	}

	// Model info.
	checkModelInfo(t, c, "iris", "lda1", refModels["lda1"])
	checkModelInfo(t, c, "iris", "mlr1", refModels["mlr1"])
	checkModelInfo(t, c, "irisP", "mqda1", refModels["mqda1"])

	// Predict: four rows, measurements only.
	var predRows [][]string
	for _, i := range []int{0, 50, 100, 149} {
		predRows = append(predRows, rows[i][:4])
	}
	predNames, predTypes := testkit.IrisNames[:4], testkit.IrisTypes[:4]
	for id, m := range refModels {
		pid := "iris"
		if id == "mqda1" {
			pid = "irisP"
		}
		got := c.Do(http.MethodPost, "/projects/"+pid+"/predict/"+id, "", testkit.FrameJSON(predNames, predTypes, predRows, -1)).Expect(t, http.StatusOK, "OK").KSVS(t)
		if want := refPredict(m, predNames, predRows, false); !reflect.DeepEqual(derefAll(got), want) {
			t.Errorf("predict %s: got %v, want %v", id, derefAll(got), want)
		}
	}
	if got := s.Metric("symscore_rows_total", "op=predicted"); got != 16 {
		t.Errorf("rows predicted %v, want 16", got)
	}

	// Predict with a missing input: mean (default) or regression (impute=true).
	missing := [][]string{{"6.7", "", "5.2"}, {"5.0", "3.4", ""}}
	mnames, mtypes := testkit.IrisNames[:3], testkit.IrisTypes[:3]
	byMean := c.Do(http.MethodPost, "/projects/iris/predict/mlr1", "", testkit.FrameJSON(mnames, mtypes, missing, -1)).Expect(t, http.StatusOK, "OK").KSVS(t)
	byRegr := c.Do(http.MethodPost, "/projects/iris/predict/mlr1", "impute=true", testkit.FrameJSON(mnames, mtypes, missing, -1)).Expect(t, http.StatusOK, "OK").KSVS(t)
	if want := refPredict(refModels["mlr1"], mnames, missing, false); !reflect.DeepEqual(derefAll(byMean), want) {
		t.Errorf("predict, mean imputation: got %v, want %v", derefAll(byMean), want)
	}
	if want := refPredict(refModels["mlr1"], mnames, missing, true); !reflect.DeepEqual(derefAll(byRegr), want) {
		t.Errorf("predict impute=true: got %v, want %v", derefAll(byRegr), want)
	}
	if reflect.DeepEqual(derefAll(byMean), derefAll(byRegr)) {
		t.Errorf("impute=true made no difference: %v", derefAll(byRegr))
	}

	// Explore, on the same statistics in process.
	snap := ref.Snapshot()
	for _, e := range []struct{ metric, body string }{
		{"uni", `{"values":[{"inputAttributes":["0"]},{"inputAttributes":["1","2"]}]}`},
		{"bi", `{"values":[{"inputAttributes":["0","2"]}]}`},
		{"anova", `{"values":[{"inputAttributeNames":["petal_length"],"targetAttributeNames":["species"]}]}`},
	} {
		got := c.Do(http.MethodPost, "/projects/iris/explore", "metric="+e.metric, []byte(e.body)).Expect(t, http.StatusOK, "OK").KSVD(t)
		ctxs := mlContexts(t, e.body)
		if len(got) != len(ctxs) {
			t.Fatalf("explore %s: %d maps for %d contexts", e.metric, len(got), len(ctxs))
		}
		for i, ctx := range ctxs {
			stats, err := model.Explore(snap, e.metric, ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]*float64{}
			for _, st := range stats {
				want[st.Key] = finiteOrNil(st.Value)
			}
			if !reflect.DeepEqual(derefNums(got[i]), derefNums(want)) {
				t.Errorf("explore %s[%d]: got %v, want %v", e.metric, i, derefNums(got[i]), derefNums(want))
			}
		}
	}
	// A value the data leave undefined is null: the standard error of one row.
	c.Do(http.MethodPost, "/projects", "pid=one", nil).Expect(t, http.StatusCreated, "")
	c.Do(http.MethodPost, "/projects/one/learn", "", testkit.FrameJSON([]string{"x"}, []string{"C"}, [][]string{{"2"}}, -1)).Expect(t, http.StatusOK, "")
	one := c.Do(http.MethodPost, "/projects/one/explore", "metric=uni", []byte(`{"values":[{"inputAttributes":["0"]}]}`)).Expect(t, http.StatusOK, "OK")
	if v, ok := one.KSVD(t)[0]["stderr"]; !ok || v != nil || !strings.Contains(string(one.Raw), `"stderr":null`) {
		t.Errorf("stderr of one row: %s", one.Raw)
	}

	// Merge another project's rows.
	c.Do(http.MethodPost, "/projects", "pid=more", nil).Expect(t, http.StatusCreated, "")
	c.Do(http.MethodPost, "/projects/more/learn", "", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, rows[:10], -1)).Expect(t, http.StatusOK, "")
	c.Do(http.MethodGet, "/projects/iris/merge", "otherProjectName=more", nil).Expect(t, http.StatusOK, "OK")
	if got := projectInfo(c, "iris").Rows; got != 160 {
		t.Fatalf("rows after merge %d, want 160", got)
	}

	// Freeze refuses learn until unfreeze.
	c.Do(http.MethodGet, "/projects/iris/freeze", "", nil).Expect(t, http.StatusOK, "OK")
	if !projectInfo(c, "iris").Frozen {
		t.Fatal("not frozen")
	}
	before := rest1(s).Export("iris")
	c.Do(http.MethodPost, "/projects/iris/learn", "", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, rows[:1], -1)).Expect(t, http.StatusConflict, "frozen")
	if string(rest1(s).Export("iris")) != string(before) {
		t.Fatal("a refused learn changed the project")
	}
	c.Do(http.MethodGet, "/projects/iris/unfreeze", "", nil).Expect(t, http.StatusOK, "OK")
	c.Do(http.MethodPost, "/projects/iris/learn", "", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, rows[:1], -1)).Expect(t, http.StatusOK, "OK")
	c.Do(http.MethodPost, "/projects/iris/forget", "", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, rows[:1], -1)).Expect(t, http.StatusOK, "OK")
	if got := projectInfo(c, "iris").Rows; got != 160 {
		t.Fatalf("rows after learn and forget %d, want 160", got)
	}

	// Export, then import under another id: the same project.
	var state string
	c.Do(http.MethodGet, "/projects/iris/export", "", nil).Expect(t, http.StatusOK, "OK").Value(t, "projectState", &state)
	body := []byte(`{"projectState":"` + state + `"}`)
	c.Do(http.MethodPost, "/projects/irisCopy/import", "", body).Expect(t, http.StatusCreated, "CREATED")
	c.Do(http.MethodPost, "/projects/irisCopy/import", "", body).Expect(t, http.StatusConflict, "already exists")
	orig, cp := projectInfo(c, "iris"), projectInfo(c, "irisCopy")
	if cp.PID != "irisCopy" {
		t.Fatalf("imported pid %q", cp.PID)
	}
	cp.PID = orig.PID
	if !reflect.DeepEqual(orig, cp) {
		t.Fatalf("imported info %+v, want %+v", cp, orig)
	}
	for _, id := range orig.ModelsList {
		q := testkit.FrameJSON(predNames, predTypes, predRows, -1)
		a := c.Do(http.MethodPost, "/projects/iris/predict/"+id, "", q).Expect(t, http.StatusOK, "OK").KSVS(t)
		b := c.Do(http.MethodPost, "/projects/irisCopy/predict/"+id, "", q).Expect(t, http.StatusOK, "OK").KSVS(t)
		if !reflect.DeepEqual(derefAll(a), derefAll(b)) {
			t.Errorf("model %s after import: %v, want %v", id, derefAll(b), derefAll(a))
		}
	}
	uni := []byte(`{"values":[{"inputAttributes":["0"]},{"inputAttributes":["3"]},{"inputAttributes":["9"]}]}`)
	a := c.Do(http.MethodPost, "/projects/iris/explore", "metric=uni", uni).Expect(t, http.StatusOK, "OK")
	b := c.Do(http.MethodPost, "/projects/irisCopy/explore", "metric=uni", uni).Expect(t, http.StatusOK, "OK")
	if string(a.Raw) != string(b.Raw) {
		t.Errorf("statistics after import: %s, want %s", b.Raw, a.Raw)
	}

	// Delete a model, then the project.
	c.Do(http.MethodDelete, "/projects/iris/models/lda1", "", nil).Expect(t, http.StatusOK, "OK")
	c.Do(http.MethodGet, "/projects/iris/models/lda1", "", nil).Expect(t, http.StatusBadRequest, "cannot find model")
	c.Do(http.MethodDelete, "/projects/iris/models/lda1", "", nil).Expect(t, http.StatusBadRequest, "cannot find model")
	if got := projectInfo(c, "iris").ModelsList; !reflect.DeepEqual(got, []string{"mlda1", "mlr1"}) {
		t.Fatalf("models after delete %v", got)
	}
	c.Do(http.MethodDelete, "/projects/iris", "", nil).Expect(t, http.StatusOK, "OK")
	c.Do(http.MethodGet, "/projects/iris/info", "", nil).Expect(t, http.StatusBadRequest, "cannot find project")
	if got := c.Do(http.MethodGet, "/projects/list", "", nil).Expect(t, http.StatusOK, "").StrList(t); !reflect.DeepEqual(got, []string{"irisCopy", "irisP", "more", "one"}) {
		t.Fatalf("list after delete %v", got)
	}
	if got := s.Metric("symscore_requests_total", "endpoint=rest_delete,status=OK"); got != 1 {
		t.Errorf("rest_delete OK requests %v", got)
	}
}

// checkModelInfo compares values.modelInfo with the same model built in process.
func checkModelInfo(t *testing.T, c *testkit.RESTClient, pid, id string, ref *model.Model) {
	t.Helper()
	var got struct {
		ModelID          string               `json:"modelId"`
		ModelType        string               `json:"modelType"`
		AttributeNames   []string             `json:"attributeNames"`
		AttributeIndexes []int                `json:"attributeIndexes"`
		TargetNames      []string             `json:"targetNames"`
		PredictInfo      []string             `json:"predictInfo"`
		BuildTime        *float64             `json:"buildTime"`
		CreationDate     string               `json:"creationDate"`
		Rows             int64                `json:"rows"`
		Classes          []string             `json:"classes"`
		Info             map[string][]float64 `json:"info"`
		Coefficients     []map[string]any     `json:"coefficients"`
		FitStatistics    map[string]float64   `json:"fitStatistics"`
	}
	c.Do(http.MethodGet, "/projects/"+pid+"/models/"+id, "", nil).Expect(t, http.StatusOK, "OK").Value(t, "modelInfo", &got)
	want := ref.Info()
	if got.ModelID != id || got.ModelType != want.ModelType || !reflect.DeepEqual(got.AttributeNames, want.AttributeNames) ||
		!reflect.DeepEqual(got.AttributeIndexes, want.AttributeIndexes) || !reflect.DeepEqual(got.TargetNames, want.TargetNames) ||
		!reflect.DeepEqual(got.PredictInfo, want.PredictInfo) || got.Rows != want.Rows || got.BuildTime == nil || *got.BuildTime < 0 ||
		!reflect.DeepEqual(got.Classes, append([]string{}, want.Classes...)) {
		t.Fatalf("modelInfo of %s: %+v", id, got)
	}
	if time.Since(parseRESTDate(t, got.CreationDate)) > time.Minute {
		t.Errorf("modelInfo of %s: creationDate %s", id, got.CreationDate)
	}
	for _, p := range want.Params {
		if !reflect.DeepEqual(got.Info[p.Name], p.Values) {
			t.Errorf("modelInfo of %s: info.%s = %v, want %v", id, p.Name, got.Info[p.Name], p.Values)
		}
	}
	if len(got.Info) != len(want.Params) {
		t.Errorf("modelInfo of %s: %d parameters, want %d", id, len(got.Info), len(want.Params))
	}
	if len(got.Coefficients) != len(want.Coefficients) {
		t.Fatalf("modelInfo of %s: %d coefficients, want %d", id, len(got.Coefficients), len(want.Coefficients))
	}
	for i, row := range want.Coefficients {
		g := got.Coefficients[i]
		if g["name"] != row.Name || g["coefficient"] != row.Coef || g["std.error"] != row.StdErr || g["p"] != row.P || g["ci.low"] != row.CILow || g["ci.high"] != row.CIHigh || g["t"] != row.T {
			t.Errorf("modelInfo of %s: coefficient %d = %v, want %+v", id, i, g, row)
		}
	}
	if want.Fit != nil && (got.FitStatistics["r2"] != want.Fit.R2 || got.FitStatistics["n"] != float64(want.Fit.N) || got.FitStatistics["aic"] != want.Fit.AIC) {
		t.Errorf("modelInfo of %s: fitStatistics %v, want %+v", id, got.FitStatistics, *want.Fit)
	}
}

func parseRESTDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || !strings.HasSuffix(s, "Z") || len(s) != len("2006-01-02T15:04:05.000000000Z") {
		t.Fatalf("date %q: want RFC 3339 UTC with nine digits (%v)", s, err)
	}
	return d
}

// TestRESTEscaping: ids and names with quotes, backslashes, control characters and
// non-ASCII text travel percent-encoded in the path and query and come back exactly, in
// valid JSON.
func TestRESTEscaping(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	c := s.REST("c1", testenv.Secret1)
	pid := `q"u\o_té&=?` // ids hold no space (package ident)
	c.Do(http.MethodPost, "/projects", "pid="+url.QueryEscape(pid), nil).Expect(t, http.StatusCreated, "")
	name := "x\"\\y é\u00a0" // names may hold spaces, never line breaks nor controls
	c.Do(http.MethodPost, "/projects/"+url.PathEscape(pid)+"/learn", "", testkit.FrameJSON([]string{name}, []string{"C"}, [][]string{{"1"}, {"3"}}, -1)).Expect(t, http.StatusOK, "")
	info := projectInfo(c, url.PathEscape(pid))
	if info.PID != pid || len(info.AttributeNames) != 1 || info.AttributeNames[0] != name {
		t.Fatalf("info %+v", info)
	}
	if got := c.Do(http.MethodGet, "/projects/list", "", nil).StrList(t); len(got) != 1 || got[0] != pid {
		t.Fatalf("list %q", got)
	}
	r := c.Do(http.MethodGet, "/projects/"+url.PathEscape(pid)+"/models/"+url.PathEscape("m\"\x01"), "", nil).Expect(t, http.StatusBadRequest, "cannot find model")
	if strings.ContainsRune(string(r.Raw), '\x01') {
		t.Fatalf("raw control character in %q", r.Raw)
	}
}

// mlContexts parses an exploration body {"values":[MLContext,...]} in process.
func mlContexts(t *testing.T, body string) []model.MLContext {
	t.Helper()
	var v struct{ Values []json.RawMessage }
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	var ctxs []model.MLContext
	for _, raw := range v.Values {
		ctx, err := model.ParseMLContext(raw)
		if err != nil {
			t.Fatal(err)
		}
		ctxs = append(ctxs, ctx)
	}
	return ctxs
}
