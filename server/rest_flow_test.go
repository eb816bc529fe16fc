package server

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

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

func (c *restClient) info(pid string) smlInfo {
	c.t.Helper()
	var info smlInfo
	c.do(http.MethodGet, "/projects/"+pid+"/info", "", nil).expect(c.t, http.StatusOK, "OK").value(c.t, "smlInfo", &info)
	return info
}

// TestRESTFlow walks a customer through the whole control plane and checks every answer
// against the same computation done in process.
func TestRESTFlow(t *testing.T) {
	s := startWSServer(t, restTestConfig(), nil)
	c := newRESTClient(t, s, "c1", secretC1)
	rows := irisRows(t)
	irisFrame := frameJSON(irisNames, irisTypes, rows, -1)

	// Create.
	c.do(http.MethodPost, "/projects", "pid=iris&type=cpu", []byte(`{}`)).expect(t, http.StatusCreated, "CREATED")
	c.do(http.MethodPost, "/projects", "pid=iris&type=cpu", nil).expect(t, http.StatusConflict, "already exists")
	c.do(http.MethodPost, "/projects", "pid=irisP&type=partition", []byte(`{"partitionSplit":"species"}`)).expect(t, http.StatusCreated, "CREATED")
	if got := c.do(http.MethodGet, "/projects/list", "", nil).expect(t, http.StatusOK, "OK").strList(t); !reflect.DeepEqual(got, []string{"iris", "irisP"}) {
		t.Fatalf("list %v", got)
	}

	// Learn: errorHandling 1 skips the bad row and says so.
	withBad := frameJSON(irisNames, irisTypes, append(append([][]string(nil), rows...), []string{"abc", "1", "1", "1", "setosa", "1", "0", "0"}), 1)
	var counts struct{ RowsApplied, RowsSkipped int }
	r := c.do(http.MethodPost, "/projects/iris/learn", "", withBad).expect(t, http.StatusOK, "OK")
	r.value(t, "rowsApplied", &counts.RowsApplied)
	r.value(t, "rowsSkipped", &counts.RowsSkipped)
	if counts.RowsApplied != 150 || counts.RowsSkipped != 1 {
		t.Fatalf("learn counts %+v", counts)
	}
	if r := c.do(http.MethodPost, "/projects/irisP/learn", "", irisFrame).expect(t, http.StatusOK, "OK"); len(r.Values) != 0 {
		t.Fatalf("learn without errorHandling: values %s", r.raw)
	}
	if got := metricValue(t, s, "symscore_rows_total", "op=learned"); got != 300 {
		t.Errorf("rows learned %v, want 300", got)
	}

	// Info.
	info := c.info("iris")
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
	if pi := c.info("irisP"); pi.Type != "partition" || pi.PartitionColumn != "species" || pi.Rows != 150 {
		t.Fatalf("partition info %+v", pi)
	}

	// Build.
	for _, b := range []struct{ pid, algo, id, ctx string }{
		{"iris", "lda", "lda1", ctxLDA}, {"iris", "mlda", "mlda1", ctxMLDA}, {"iris", "mlr", "mlr1", ctxMLR}, {"irisP", "mqda", "mqda1", ctxMQDA},
	} {
		c.build(b.pid, b.algo, b.id, b.ctx).expect(t, http.StatusOK, "Job is finished")
		if got := metricValue(t, s, "symscore_builds_total", "algo="+b.algo+",result=ok"); got != 1 {
			t.Errorf("builds of %s: %v", b.algo, got)
		}
	}
	info = c.info("iris")
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
	predNames, predTypes := irisNames[:4], irisTypes[:4]
	for id, m := range refModels {
		pid := "iris"
		if id == "mqda1" {
			pid = "irisP"
		}
		got := c.do(http.MethodPost, "/projects/"+pid+"/predict/"+id, "", frameJSON(predNames, predTypes, predRows, -1)).expect(t, http.StatusOK, "OK").ksvs(t)
		if want := refPredict(m, predNames, predRows, false); !reflect.DeepEqual(derefAll(got), want) {
			t.Errorf("predict %s: got %v, want %v", id, derefAll(got), want)
		}
	}
	if got := metricValue(t, s, "symscore_rows_total", "op=predicted"); got != 16 {
		t.Errorf("rows predicted %v, want 16", got)
	}

	// Predict with a missing input: mean (default) or regression (impute=true).
	missing := [][]string{{"6.7", "", "5.2"}, {"5.0", "3.4", ""}}
	mnames, mtypes := irisNames[:3], irisTypes[:3]
	byMean := c.do(http.MethodPost, "/projects/iris/predict/mlr1", "", frameJSON(mnames, mtypes, missing, -1)).expect(t, http.StatusOK, "OK").ksvs(t)
	byRegr := c.do(http.MethodPost, "/projects/iris/predict/mlr1", "impute=true", frameJSON(mnames, mtypes, missing, -1)).expect(t, http.StatusOK, "OK").ksvs(t)
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
		got := c.do(http.MethodPost, "/projects/iris/explore", "metric="+e.metric, []byte(e.body)).expect(t, http.StatusOK, "OK").ksvd(t)
		ctxs, err := parseExploreContexts([]byte(e.body))
		if err != nil {
			t.Fatal(err)
		}
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
	c.do(http.MethodPost, "/projects", "pid=one", nil).expect(t, http.StatusCreated, "")
	c.do(http.MethodPost, "/projects/one/learn", "", frameJSON([]string{"x"}, []string{"C"}, [][]string{{"2"}}, -1)).expect(t, http.StatusOK, "")
	one := c.do(http.MethodPost, "/projects/one/explore", "metric=uni", []byte(`{"values":[{"inputAttributes":["0"]}]}`)).expect(t, http.StatusOK, "OK")
	if v, ok := one.ksvd(t)[0]["stderr"]; !ok || v != nil || !strings.Contains(string(one.raw), `"stderr":null`) {
		t.Errorf("stderr of one row: %s", one.raw)
	}

	// Merge another project's rows.
	c.do(http.MethodPost, "/projects", "pid=more", nil).expect(t, http.StatusCreated, "")
	c.do(http.MethodPost, "/projects/more/learn", "", frameJSON(irisNames, irisTypes, rows[:10], -1)).expect(t, http.StatusOK, "")
	c.do(http.MethodGet, "/projects/iris/merge", "otherProjectName=more", nil).expect(t, http.StatusOK, "OK")
	if got := c.info("iris").Rows; got != 160 {
		t.Fatalf("rows after merge %d, want 160", got)
	}

	// Freeze refuses learn until unfreeze.
	c.do(http.MethodGet, "/projects/iris/freeze", "", nil).expect(t, http.StatusOK, "OK")
	if !c.info("iris").Frozen {
		t.Fatal("not frozen")
	}
	before := exportOf(t, s, "c1", "iris")
	c.do(http.MethodPost, "/projects/iris/learn", "", frameJSON(irisNames, irisTypes, rows[:1], -1)).expect(t, http.StatusConflict, "frozen")
	if string(exportOf(t, s, "c1", "iris")) != string(before) {
		t.Fatal("a refused learn changed the project")
	}
	c.do(http.MethodGet, "/projects/iris/unfreeze", "", nil).expect(t, http.StatusOK, "OK")
	c.do(http.MethodPost, "/projects/iris/learn", "", frameJSON(irisNames, irisTypes, rows[:1], -1)).expect(t, http.StatusOK, "OK")
	c.do(http.MethodPost, "/projects/iris/forget", "", frameJSON(irisNames, irisTypes, rows[:1], -1)).expect(t, http.StatusOK, "OK")
	if got := c.info("iris").Rows; got != 160 {
		t.Fatalf("rows after learn and forget %d, want 160", got)
	}

	// Export, then import under another id: the same project.
	var state string
	c.do(http.MethodGet, "/projects/iris/export", "", nil).expect(t, http.StatusOK, "OK").value(t, "projectState", &state)
	body := []byte(`{"projectState":"` + state + `"}`)
	c.do(http.MethodPost, "/projects/irisCopy/import", "", body).expect(t, http.StatusCreated, "CREATED")
	c.do(http.MethodPost, "/projects/irisCopy/import", "", body).expect(t, http.StatusConflict, "already exists")
	orig, cp := c.info("iris"), c.info("irisCopy")
	if cp.PID != "irisCopy" {
		t.Fatalf("imported pid %q", cp.PID)
	}
	cp.PID = orig.PID
	if !reflect.DeepEqual(orig, cp) {
		t.Fatalf("imported info %+v, want %+v", cp, orig)
	}
	for _, id := range orig.ModelsList {
		q := frameJSON(predNames, predTypes, predRows, -1)
		a := c.do(http.MethodPost, "/projects/iris/predict/"+id, "", q).expect(t, http.StatusOK, "OK").ksvs(t)
		b := c.do(http.MethodPost, "/projects/irisCopy/predict/"+id, "", q).expect(t, http.StatusOK, "OK").ksvs(t)
		if !reflect.DeepEqual(derefAll(a), derefAll(b)) {
			t.Errorf("model %s after import: %v, want %v", id, derefAll(b), derefAll(a))
		}
	}
	uni := []byte(`{"values":[{"inputAttributes":["0"]},{"inputAttributes":["3"]},{"inputAttributes":["9"]}]}`)
	a := c.do(http.MethodPost, "/projects/iris/explore", "metric=uni", uni).expect(t, http.StatusOK, "OK")
	b := c.do(http.MethodPost, "/projects/irisCopy/explore", "metric=uni", uni).expect(t, http.StatusOK, "OK")
	if string(a.raw) != string(b.raw) {
		t.Errorf("statistics after import: %s, want %s", b.raw, a.raw)
	}

	// Delete a model, then the project.
	c.do(http.MethodDelete, "/projects/iris/models/lda1", "", nil).expect(t, http.StatusOK, "OK")
	c.do(http.MethodGet, "/projects/iris/models/lda1", "", nil).expect(t, http.StatusBadRequest, "cannot find model")
	c.do(http.MethodDelete, "/projects/iris/models/lda1", "", nil).expect(t, http.StatusBadRequest, "cannot find model")
	if got := c.info("iris").ModelsList; !reflect.DeepEqual(got, []string{"mlda1", "mlr1"}) {
		t.Fatalf("models after delete %v", got)
	}
	c.do(http.MethodDelete, "/projects/iris", "", nil).expect(t, http.StatusOK, "OK")
	c.do(http.MethodGet, "/projects/iris/info", "", nil).expect(t, http.StatusBadRequest, "cannot find project")
	if got := c.do(http.MethodGet, "/projects/list", "", nil).expect(t, http.StatusOK, "").strList(t); !reflect.DeepEqual(got, []string{"irisCopy", "irisP", "more", "one"}) {
		t.Fatalf("list after delete %v", got)
	}
	if got := metricValue(t, s, "symscore_requests_total", "endpoint=rest_delete,status=OK"); got != 1 {
		t.Errorf("rest_delete OK requests %v", got)
	}
}

// checkModelInfo compares values.modelInfo with the same model built in process.
func checkModelInfo(t *testing.T, c *restClient, pid, id string, ref *model.Model) {
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
	c.do(http.MethodGet, "/projects/"+pid+"/models/"+id, "", nil).expect(t, http.StatusOK, "OK").value(t, "modelInfo", &got)
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
	s := startWSServer(t, restTestConfig(), nil)
	c := newRESTClient(t, s, "c1", secretC1)
	pid := `q"u\o_té&=?` // ids hold no space (package ident)
	c.do(http.MethodPost, "/projects", "pid="+url.QueryEscape(pid), nil).expect(t, http.StatusCreated, "")
	name := "x\"\\y é\u00a0" // names may hold spaces, never line breaks nor controls
	c.do(http.MethodPost, "/projects/"+url.PathEscape(pid)+"/learn", "", frameJSON([]string{name}, []string{"C"}, [][]string{{"1"}, {"3"}}, -1)).expect(t, http.StatusOK, "")
	info := c.info(url.PathEscape(pid))
	if info.PID != pid || len(info.AttributeNames) != 1 || info.AttributeNames[0] != name {
		t.Fatalf("info %+v", info)
	}
	if got := c.do(http.MethodGet, "/projects/list", "", nil).strList(t); len(got) != 1 || got[0] != pid {
		t.Fatalf("list %q", got)
	}
	r := c.do(http.MethodGet, "/projects/"+url.PathEscape(pid)+"/models/"+url.PathEscape("m\"\x01"), "", nil).expect(t, http.StatusBadRequest, "cannot find model")
	if strings.ContainsRune(string(r.raw), '\x01') {
		t.Fatalf("raw control character in %q", r.raw)
	}
}
