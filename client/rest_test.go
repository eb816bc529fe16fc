package client_test

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/symscore/symscore/client"
)

// requireREST fails the test on a server without the REST control plane (it answers 404
// to everything that is not a WebSocket upgrade): that server is broken.
func requireREST(t *testing.T, c *client.Client) {
	t.Helper()
	_, err := c.ListProjects(ctxT(t))
	var se *client.StatusError
	if errors.As(err, &se) && se.Status == "" && se.HTTPCode == 404 {
		t.Fatal("this server has no REST control plane")
	}
	if err != nil {
		t.Fatal(err)
	}
}

// learnIris learns the iris rows into pid over one learn session, 25 rows per message,
// all pipelined.
func learnIris(t *testing.T, c *client.Client, pid string) {
	t.Helper()
	header, rows := iris(t)
	s, err := c.OpenLearn(ctxT(t), pid)
	if err != nil {
		t.Fatal(err)
	}
	var pend []*client.Pending
	for i := 0; i < len(rows); i += 25 {
		pend = append(pend, s.Send(frame(t, header, irisTypes, rows[i:i+25]).JSON()))
	}
	for i, p := range pend {
		if _, err := p.Wait(); err != nil {
			t.Fatalf("learn message %d: %v", i, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestLearnBuildPredict is the whole path: projects over REST, learn over WebSocket,
// builds over REST, predictions over WebSocket and REST, exploration.
func TestLearnBuildPredict(t *testing.T) {
	ts := startServer(t, nil, nil)
	c := newClient(t, ts, secret1)
	requireREST(t, c)
	ctx := ctxT(t)
	if err := c.CreateProject(ctx, "iris", "", nil); err != nil {
		t.Fatal(err)
	}
	err := c.CreateProject(ctx, "iris", client.ProjectCPU, nil)
	expectStatus(t, err, "CONFLICT", 409, "")
	learnIris(t, c, "iris")

	info, err := c.ProjectInfo(ctx, "iris")
	if err != nil {
		t.Fatal(err)
	}
	header, rows := iris(t)
	if info.PID != "iris" || info.Type != "cpu" || info.Rows != 150 || info.Frozen || !strings.Contains(string(info.Raw), `"rows":150`) ||
		!slices.Contains(info.AttributeNames, "species$setosa") || len(info.AttributeNames) != len(info.AttributeTypes) {
		t.Fatalf("project info %+v", info)
	}

	inputs := header[:4]
	for _, b := range []struct{ algo, target string }{{"lda", "Iris_virginica"}, {"mlda", "species"}, {"mlr", "petal_width"}} {
		mc := client.MLContext{Inputs: inputs, Targets: []string{b.target}}
		if b.algo == "mlr" {
			mc.Inputs = inputs[:3]
		}
		if err := c.Build(ctx, "iris", b.algo, b.algo+"1", mc); err != nil {
			t.Fatalf("build %s: %v", b.algo, err)
		}
	}
	mi, err := c.ModelInfo(ctx, "iris", "mlda1")
	if err != nil {
		t.Fatal(err)
	}
	if mi.ModelID != "mlda1" || mi.ModelType != "mlda" || mi.Rows != 150 || !reflect.DeepEqual(mi.AttributeNames, inputs) ||
		!reflect.DeepEqual(mi.PredictInfo, []string{"res", "setosa", "versicolor", "virginica"}) || len(mi.Raw) == 0 {
		t.Fatalf("model info %+v", mi)
	}
	if mi.BuildTime <= 0 || len(mi.Info["inputMeans"]) != 4 || !reflect.DeepEqual(mi.Classes, []string{"setosa", "versicolor", "virginica"}) {
		t.Errorf("mlda model info: build time %v, info %v, classes %v", mi.BuildTime, mi.Info, mi.Classes)
	}
	mlr, err := c.ModelInfo(ctx, "iris", "mlr1")
	if err != nil || len(mlr.Coefficients) != 4 || mlr.Coefficients[0].Name != "intercept" || mlr.Coefficients[1].StdError <= 0 ||
		mlr.FitStatistics["r2"] <= 0.9 || mlr.FitStatistics["n"] != 150 {
		t.Errorf("mlr model info %+v, %v", mlr, err)
	}
	info, _ = c.ProjectInfo(ctx, "iris")
	if !reflect.DeepEqual(info.ModelsList, []string{"lda1", "mlda1", "mlr1"}) || !reflect.DeepEqual(info.ModelTypeList, []string{"lda", "mlda", "mlr"}) {
		t.Errorf("models %v %v", info.ModelsList, info.ModelTypeList)
	}

	// WebSocket and REST predictions agree.
	var in [][]string
	for _, r := range []int{0, 50, 100, 149} {
		in = append(in, rows[r][:4])
	}
	payload := frame(t, inputs, irisTypes[:4], in).JSON()
	s, err := c.OpenPredict(ctx, "iris", "mlda1")
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Do(ctx, payload)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	wsPreds, _ := r.Predictions()
	restPreds, err := c.Predict(ctx, "iris", "mlda1", payload, false)
	if err != nil || !reflect.DeepEqual(wsPreds, restPreds) || len(restPreds) != 4 || restPreds[2]["res"] != "virginica" {
		t.Fatalf("predictions: WebSocket %v, REST %v (%v)", wsPreds, restPreds, err)
	}
	// impute=true fills a missing input from the others.
	missing := frame(t, inputs, irisTypes[:4], [][]string{{"6.3", "3.3", "6.0", ""}}).JSON()
	imputed, err := c.Predict(ctx, "iris", "mlr1", missing, true)
	if err != nil || len(imputed) != 1 {
		t.Fatalf("impute: %v %v", imputed, err)
	}
	if v, err := imputed[0].Float("res"); err != nil || math.IsNaN(v) {
		t.Errorf("imputed res %q: %v", imputed[0]["res"], err)
	}

	stats, err := c.Explore(ctx, "iris", "uni", client.MLContext{Inputs: []string{"sepal_length"}}, client.MLContext{Inputs: []string{"petal_width"}})
	if err != nil || len(stats) != 2 {
		t.Fatalf("explore: %v %v", stats, err)
	}
	if !reflect.DeepEqual(stats[0].Keys, []string{"count", "mean", "variance", "stddev", "min", "max", "stderr"}) {
		t.Errorf("uni keys %v", stats[0].Keys)
	}
	if n, _ := stats[1].Get("count"); n != 150 {
		t.Errorf("uni count %v", n)
	}
	_, err = c.Explore(ctx, "iris", "nope", client.MLContext{Inputs: []string{"sepal_length"}})
	expectStatus(t, err, "BAD_REQUEST", 400, "unknown exploration metric")

	if err := c.DeleteModel(ctx, "iris", "lda1"); err != nil {
		t.Fatal(err)
	}
	_, err = c.ModelInfo(ctx, "iris", "lda1")
	expectStatus(t, err, "BAD_REQUEST", 400, "cannot find model")
}

func TestProjectLifecycle(t *testing.T) {
	ts := startServer(t, nil, nil)
	c := newClient(t, ts, secret1)
	requireREST(t, c)
	ctx := ctxT(t)
	for _, pid := range []string{"a", "b", "needs?escaping"} {
		if err := c.CreateProject(ctx, pid, "", nil); err != nil {
			t.Fatalf("create %q: %v", pid, err)
		}
	}
	if err := c.CreateProject(ctx, "part", client.ProjectPartition, map[string]string{"partitionSplit": "species"}); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListProjects(ctx)
	slices.Sort(list)
	if err != nil || !reflect.DeepEqual(list, []string{"a", "b", "needs?escaping", "part"}) {
		t.Fatalf("list %v %v", list, err)
	}
	if info, err := c.ProjectInfo(ctx, "part"); err != nil || info.Type != "partition" || info.PartitionColumn != "species" {
		t.Fatalf("partition project %+v %v", info, err)
	}
	learnIris(t, c, "a")
	learnIris(t, c, "needs?escaping")

	// Frozen: learn is refused, over REST and WebSocket.
	if err := c.Freeze(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	header, rows := iris(t)
	one := frame(t, header, irisTypes, rows[:1]).JSON()
	_, err = c.Learn(ctx, "a", one)
	frozen := statusError(t, err)
	s, _ := c.OpenLearn(ctx, "a")
	_, err = s.Do(ctx, one)
	s.Close()
	if wsErr := statusError(t, err); wsErr.Status != frozen.Status || !strings.Contains(wsErr.Message, "frozen") {
		t.Errorf("learn on a frozen project: REST %v, WebSocket %v", frozen, wsErr)
	}
	if info, _ := c.ProjectInfo(ctx, "a"); !info.Frozen || info.Rows != 150 {
		t.Errorf("frozen project %+v", info)
	}
	if err := c.Unfreeze(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Learn(ctx, "a", one); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Forget(ctx, "a", one); err != nil {
		t.Fatal(err)
	}

	if err := c.Merge(ctx, "a", "needs?escaping"); err != nil {
		t.Fatal(err)
	}
	if info, _ := c.ProjectInfo(ctx, "a"); info.Rows != 300 {
		t.Errorf("rows after merge %d, want 300", info.Rows)
	}
	state, err := c.Export(ctx, "a")
	if err != nil || len(state) == 0 {
		t.Fatalf("export: %d bytes, %v", len(state), err)
	}
	if err := c.Import(ctx, "copy", state); err != nil {
		t.Fatal(err)
	}
	if info, err := c.ProjectInfo(ctx, "copy"); err != nil || info.Rows != 300 {
		t.Errorf("imported project %+v %v", info, err)
	}
	for _, pid := range []string{"a", "b", "part", "needs?escaping", "copy"} {
		if err := c.DeleteProject(ctx, pid); err != nil {
			t.Fatalf("delete %q: %v", pid, err)
		}
	}
	_, err = c.ProjectInfo(ctx, "a")
	expectStatus(t, err, "BAD_REQUEST", 400, "cannot find project")
	if list, err := c.ListProjects(ctx); err != nil || len(list) != 0 {
		t.Errorf("list after deletes %v %v", list, err)
	}
}

func TestBuildRefusals(t *testing.T) {
	ts := startServer(t, nil, nil)
	c := newClient(t, ts, secret1)
	requireREST(t, c)
	ctx := ctxT(t)
	if err := c.CreateProject(ctx, "iris", "", nil); err != nil {
		t.Fatal(err)
	}
	learnIris(t, c, "iris")
	for _, tc := range []struct {
		name string
		algo string
		mc   client.MLContext
		msg  string
	}{
		{name: "unknown algorithm", algo: "nope", mc: client.MLContext{Inputs: []string{"sepal_length"}, Targets: []string{"Iris_setosa"}}, msg: "nope"},
		{name: "unknown attribute", algo: "lda", mc: client.MLContext{Inputs: []string{"nope"}, Targets: []string{"Iris_setosa"}}, msg: "nope"},
		{name: "singular", algo: "mlr", mc: client.MLContext{Inputs: []string{"Iris_setosa", "Iris_versicolor", "Iris_virginica"}, Targets: []string{"sepal_length"}}, msg: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := c.Build(ctx, "iris", tc.algo, "m", tc.mc)
			expectStatus(t, err, "BAD_REQUEST", 400, tc.msg)
		})
	}
}

// TestBuildReplace: a build of a model id the project has is refused with CONFLICT, and
// with client.Replace it replaces the model.
func TestBuildReplace(t *testing.T) {
	ts := startServer(t, nil, nil)
	c := newClient(t, ts, secret1)
	requireREST(t, c)
	ctx := ctxT(t)
	if err := c.CreateProject(ctx, "iris", "", nil); err != nil {
		t.Fatal(err)
	}
	learnIris(t, c, "iris")
	in := []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}
	if err := c.Build(ctx, "iris", "lda", "m", client.MLContext{Inputs: in, Targets: []string{"Iris_setosa"}}); err != nil {
		t.Fatal(err)
	}
	mlr := client.MLContext{Inputs: in[:3], Targets: []string{"petal_width"}}
	err := c.Build(ctx, "iris", "mlr", "m", mlr)
	expectStatus(t, err, "CONFLICT", 409, "replace=true")
	if mi, err := c.ModelInfo(ctx, "iris", "m"); err != nil || mi.ModelType != "lda" {
		t.Fatalf("model after the refused rebuild: %+v %v", mi.ModelType, err)
	}
	if err := c.Build(ctx, "iris", "mlr", "m", mlr, client.Replace()); err != nil {
		t.Fatal(err)
	}
	if mi, err := c.ModelInfo(ctx, "iris", "m"); err != nil || mi.ModelType != "mlr" {
		t.Fatalf("model after the rebuild with Replace: %+v %v", mi.ModelType, err)
	}
}

func TestRESTBadCredentials(t *testing.T) {
	ts := startServer(t, nil, nil)
	requireREST(t, newClient(t, ts, secret1))
	for _, tc := range []struct {
		name, cid, secret string
	}{
		{name: "wrong secret", cid: cid1, secret: secret2},
		{name: "unknown customer", cid: "nobody", secret: secret1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := client.New(ts.base, tc.cid, tc.secret)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.ListProjects(ctxT(t))
			se := expectStatus(t, err, "UNAUTHORIZED", 401, "")
			if strings.Contains(se.Error(), tc.secret) || strings.Contains(se.StringToSign, tc.secret) {
				t.Errorf("error shows the secret: %v / %q", se, se.StringToSign)
			}
		})
	}
}
