package rpcapi_test

import (
	"testing"

	"github.com/symscore/symscore/internal/testkit"
)

// TestFlow: a client signs in, creates a project, learns, builds, asks for info, predicts
// with both predict methods and deletes, in both framings.
func TestFlow(t *testing.T) {
	s := start(t, nil)
	for _, v := range versions {
		t.Run(name(v), func(t *testing.T) {
			c := signedIn(t, s, v)
			pid := "flow" + name(v)
			must(t, c, "symscore.project.create", pid, "cpu", nil)
			rows := testkit.IrisRows(t)
			var data []any
			for _, r := range rows {
				data = append(data, strs(r...))
			}
			res := must(t, c, "symscore.learn", pid, map[string]any{
				"attributeNames": strs(testkit.IrisNames...), "attributeTypes": strs(testkit.IrisTypes...), "data": data})
			if m, ok := res.(map[string]any); !ok || len(m) != 0 {
				t.Fatalf("learn: %v", res)
			}
			mi := must(t, c, "symscore.build", pid, "lda", "m1", map[string]any{
				"inputAttributeNames":  strs("sepal_length", "sepal_width", "petal_length", "petal_width"),
				"targetAttributeNames": strs("Iris_virginica")})
			if m := mi.(map[string]any); m["modelId"] != "m1" || m["modelType"] != "lda" {
				t.Fatalf("build: %v", mi)
			}
			info := must(t, c, "symscore.project.info", pid).(map[string]any)
			if info["pid"] != pid {
				t.Fatalf("info: %v", info)
			}
			preds := must(t, c, "symscore.predict", pid, "m1", map[string]any{
				"attributeNames": strs("sepal_length", "sepal_width", "petal_length", "petal_width"),
				"attributeTypes": strs("C", "C", "C", "C"),
				"data":           []any{strs("6.3", "3.3", "6", "2.5")}}).([]any)
			mx := must(t, c, "symscore.predict_matrix", pid, "m1", map[string]any{
				"columns": strs("sepal_length", "sepal_width", "petal_length", "petal_width"),
				"rows":    1, "data": floats(6.3, 3.3, 6, 2.5)}).(map[string]any)
			t.Logf("%v %v", preds, mx)
			list := must(t, c, "symscore.project.list").([]any)
			if len(list) == 0 {
				t.Fatal("list is empty")
			}
			must(t, c, "symscore.project.delete", pid)
		})
	}
}
