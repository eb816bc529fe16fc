package rpcapi_test

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/wslinkc"
)

// algorithms are the models of iris every algorithm builds: its MLContext.
// mqda and bayes take their classes from the partitions of a partition project.
var algorithms = []struct {
	algo, pid string
	inputs    []string
	targets   []string
}{
	{"lda", "every", []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}, []string{"Iris_virginica"}},
	{"mlda", "every", []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}, []string{"Iris_setosa", "Iris_versicolor", "Iris_virginica"}},
	{"mqda", "parts", []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}, nil},
	{"bayes", "parts", []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}, nil},
	{"mlr", "every", []string{"sepal_length", "sepal_width", "petal_length"}, []string{"petal_width"}},
	{"ridge", "every", []string{"sepal_length", "sepal_width", "petal_length"}, []string{"petal_width"}},
	{"lasso", "every", []string{"sepal_length", "sepal_width", "petal_length"}, []string{"petal_width"}},
	{"elasticnet", "every", []string{"sepal_length", "sepal_width", "petal_length"}, []string{"petal_width"}},
}

// TestPredictMatrixLikePredict: for every algorithm, in both framings, predict_matrix
// gives symscore.predict's predictions to the bit, a class as its index in classes, a
// boolean as 1 or 0, a missing input (NaN; an empty cell) imputed alike.
func TestPredictMatrixLikePredict(t *testing.T) {
	s := start(t, nil)
	rest := s.REST(testenv.CID1, testenv.Secret1)
	irisProject(t, rest, "every")
	rest.Do(http.MethodPost, "/projects", "pid=parts&type=partition", []byte(`{"partitionSplit":"species"}`)).Expect(t, http.StatusCreated, "CREATED")
	rest.Learn("parts", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, testkit.IrisRows(t), -1))
	rows := testkit.IrisRows(t)
	for _, a := range algorithms {
		rest.Build(a.pid, a.algo, a.algo, testkit.MLContextJSON(a.inputs, a.targets)).Expect(t, http.StatusOK, "Job is finished")
	}
	for _, v := range versions {
		c := signedIn(t, s, v)
		for _, a := range algorithms {
			t.Run(name(v)+"/"+a.algo, func(t *testing.T) {
				// Columns in another order than the model's, one it does not use, and a
				// missing value in row 1.
				cols := append(slices.Clone(a.inputs), "Iris_setosa")
				slices.Reverse(cols)
				var data []any
				var vals []float64
				n := 0
				for i := 0; i < len(rows); i += 7 {
					var cells []any
					for _, col := range cols {
						j := slices.Index(testkit.IrisNames, col)
						x, _ := strconv.ParseFloat(rows[i][j], 64)
						x *= 1 + float64(i)/1e6 // not the learned values exactly
						cell := strconv.FormatFloat(x, 'g', -1, 64)
						if n == 1 && col == a.inputs[0] {
							x, cell = math.NaN(), ""
						}
						vals = append(vals, x)
						cells = append(cells, cell)
					}
					data = append(data, cells)
					n++
				}
				preds := must(t, c, "symscore.predict", a.pid, a.algo, map[string]any{
					"attributeNames": strs(cols...), "attributeTypes": strs(slices.Repeat([]string{"C"}, len(cols))...), "data": data}).([]any)
				mx := must(t, c, "symscore.predict_matrix", a.pid, a.algo, map[string]any{
					"columns": strs(cols...), "rows": n, "data": floats(vals...)}).(map[string]any)
				keys, classes := mx["keys"].([]any), mx["classes"].([]any)
				got := unfloats(mx["data"].([]byte))
				if wslinkc.Number(mx["rows"]) != float64(n) || len(got) != n*len(keys) || len(preds) != n {
					t.Fatalf("%v rows, %d values, %d keys, %d predictions", mx["rows"], len(got), len(keys), len(preds))
				}
				for i, p := range preds {
					row := p.(map[string]any)
					if len(row) != len(keys) {
						t.Fatalf("row %d: %d keys, the matrix %d", i, len(row), len(keys))
					}
					for k, key := range keys {
						want := fromString(t, key.(string), row[key.(string)], classes)
						if g := got[i*len(keys)+k]; math.Float64bits(g) != math.Float64bits(want) && !(g != g && want != want) {
							t.Fatalf("row %d %s: matrix %v, predict %v (%v)", i, key, g, want, row[key.(string)])
						}
					}
				}
			})
		}
	}
}

// fromString reads the predict value of key as predict_matrix writes it: a number, a
// class's index (res, of a classifier), a boolean's 0 or 1, NaN for nil.
func fromString(t *testing.T, key string, v any, classes []any) float64 {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		return math.NaN()
	}
	switch s {
	case "true":
		return 1
	case "false":
		return 0
	}
	if key == "res" && len(classes) > 0 {
		i := slices.Index(classes, any(s))
		if i < 0 {
			t.Fatalf("class %q is not in %v", s, classes)
		}
		return float64(i)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("value %q is no number, class or boolean", s)
	}
	return f
}
