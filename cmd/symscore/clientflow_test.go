package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestCLILearnIrisBuildPredictExplore(t *testing.T) {
	ds := startDevServer(t, "")
	ds.requireREST(t)
	if out := ds.ok(t, "project", "create", "iris"); out != "created project iris (cpu)\n" {
		t.Errorf("create: %q", out)
	}
	ds.fails(t, 1, []string{"project", "create", "iris"}, "project create iris: CONFLICT (409)")
	out := ds.ok(t, "learn", "--project", "iris", irisPath(t))
	if !strings.HasPrefix(out, "learned 150 rows into project iris in 1 message, ") || !strings.HasSuffix(out, "; types C,C,C,C,T,B,B,B\n") {
		t.Errorf("learn: %q", out)
	}
	if info := ds.info(t, "iris"); info.Rows != 150 || !slices.Contains(info.AttributeNames, "species$virginica") {
		t.Fatalf("info %+v", info)
	}
	inputs := "sepal_length,sepal_width,petal_length,petal_width"
	for _, b := range []struct{ algo, target, inputs, keys string }{
		{"lda", "Iris_virginica", inputs, "res,resZ,z0,z1LTz0,normZ,prob"},
		{"mlda", "species", inputs, "res,setosa,versicolor,virginica"},
		{"mlr", "petal_width", "sepal_length,sepal_width,petal_length", "res"},
	} {
		out := ds.ok(t, "build", "--project", "iris", "--algo", b.algo, "--model", b.algo+"1", "--inputs", b.inputs, "--target", b.target)
		if !strings.HasPrefix(out, fmt.Sprintf("built model %s1 (%s) of project iris on 150 rows in ", b.algo, b.algo)) ||
			!strings.HasSuffix(out, "; prediction keys "+b.keys+"\n") {
			t.Errorf("build %s: %q", b.algo, out)
		}
	}
	ds.fails(t, 1, []string{"build", "-p", "iris", "--algo", "lda", "-m", "x", "--inputs", "nope", "--target", "Iris_virginica"},
		"build x of project iris: BAD_REQUEST (400): ", "nope")

	// predict writes the input columns, then the prediction keys in the model's order.
	few := writeFile(t, "few.csv", "petal_length,sepal_length,sepal_width,petal_width,note\n"+
		"1.4,5.1,3.5,0.2,\"first, row\"\n4.7,7.0,3.2,1.4,x\n6.0,6.3,3.3,2.5,\"say \"\"hi\"\"\"\n")
	rows := readCSV(t, ds.ok(t, "predict", "--project", "iris", "--model", "mlda1", few, "--frame-rows", "1"))
	want := []string{"petal_length", "sepal_length", "sepal_width", "petal_width", "note", "res", "setosa", "versicolor", "virginica"}
	if len(rows) != 4 || !slices.Equal(rows[0], want) {
		t.Fatalf("predict output header %v, %d rows; want %v", rows[0], len(rows), want)
	}
	for i, res := range []string{"setosa", "versicolor", "virginica"} {
		r := rows[i+1]
		if r[5] != res || r[4] != []string{"first, row", "x", `say "hi"`}[i] {
			t.Errorf("row %d: %v, want res %s", i, r, res)
		}
	}
	table := ds.ok(t, "predict", "-p", "iris", "-m", "lda1", few, "--format", "table")
	if lines := strings.Split(strings.TrimSpace(table), "\n"); len(lines) != 4 || !strings.Contains(lines[0], "normZ") {
		t.Errorf("table:\n%s", table)
	}
	// --impute goes over REST and fills a missing input from the others.
	missing := writeFile(t, "missing.csv", "sepal_length,sepal_width,petal_length\n6.3,3.3,\n")
	rows = readCSV(t, ds.ok(t, "predict", "-p", "iris", "-m", "mlr1", "--impute", missing))
	if len(rows) != 2 || rows[0][3] != "res" || rows[1][3] == "" {
		t.Errorf("impute: %v", rows)
	}
	ds.fails(t, 1, []string{"predict", "-p", "iris", "-m", "nope", few}, "cannot find model")

	out = ds.ok(t, "explore", "--project", "iris", "--metric", "uni", "--inputs", "sepal_length")
	if !strings.HasPrefix(out, "count     150\nmean      5.8433") || !strings.Contains(out, "\nstderr    ") {
		t.Errorf("explore:\n%s", out)
	}
	out = ds.ok(t, "model", "info", "--project", "iris", "--model", "mlr1")
	for _, w := range []string{"type:                 mlr\n", "rows:                 150\n", "sml_rcond_tolerance:  1e-14\n", "intercept", "std.error"} {
		if !strings.Contains(out, w) {
			t.Errorf("model info lacks %q:\n%s", w, out)
		}
	}
	ds.ok(t, "model", "delete", "-p", "iris", "-m", "lda1")
	ds.fails(t, 1, []string{"model", "info", "-p", "iris", "-m", "lda1"}, "model info lda1 of project iris: BAD_REQUEST (400): cannot find model")
	if list := ds.ok(t, "project", "list"); list != "iris\n" {
		t.Errorf("list %q", list)
	}
	ds.ok(t, "project", "delete", "iris")
	if list := ds.ok(t, "project", "list"); list != "" {
		t.Errorf("list after delete %q", list)
	}
}
