package reply

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

func TestEnvelopes(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{string(AppendOK(nil)), `{"statusCode":"OK","statusString":"OK","values":{}}`},
		{string(AppendStatus(nil, protocol.StatusCreated, "CREATED")), `{"statusCode":"CREATED","statusString":"CREATED","values":{}}`},
		{string(AppendLearn(nil, ops.LearnResult{Applied: 3, Skipped: 1})), `{"statusCode":"OK","statusString":"OK","values":{}}`},
		{string(AppendLearn(nil, ops.LearnResult{Applied: 3, Skipped: 1, Counted: true})), `{"statusCode":"OK","statusString":"OK","values":{"rowsApplied":3,"rowsSkipped":1}}`},
		{string(AppendRefusal(nil, &ops.Refusal{Status: protocol.StatusBadRequest, Msg: `bad "x"`})), `{"statusCode":"BAD_REQUEST","statusString":"bad \"x\"","values":{}}`},
		{string(AppendRefusal(nil, &ops.Refusal{Status: protocol.StatusUnauthorized, Msg: "bad signature", StringToSign: []byte("a\nSECRETKEY\n")})),
			`{"statusCode":"UNAUTHORIZED","statusString":"bad signature","values":{"stringToSign":"a\nSECRETKEY\n"}}`},
		{string(AppendList(nil, []string{"a", "b"})), `{"statusCode":"OK","statusString":"OK","values":{"stringList":{"values":["a","b"]}}}`},
		{string(AppendList(nil, nil)), `{"statusCode":"OK","statusString":"OK","values":{"stringList":{"values":[]}}}`},
		{string(AppendExplore(nil, [][]model.Stat{{{Key: "mean", Value: 1.5}, {Key: "v", Value: math.NaN()}}, {}})),
			`{"statusCode":"OK","statusString":"OK","values":{"KSVDMap":{"values":[{"mean":1.5,"v":null},{}]}}}`},
		{string(AppendExport(nil, []byte{0, 1, 2})), `{"statusCode":"OK","statusString":"OK","values":{"projectState":"AAEC"}}`},
	} {
		if c.got != c.want {
			t.Errorf("got  %s\nwant %s", c.got, c.want)
		}
	}
}

// TestProjectInfo: smlInfo's keys, in order, with dates in DateLayout.
func TestProjectInfo(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	got := string(AppendProjectInfo(nil, model.ProjectInfo{PID: "p", Type: "cpu", AttributeNames: []string{"x"},
		AttributeTypes: []string{"C"}, Rows: 3, CreationDate: at, LastModificationDate: at}))
	want := `{"statusCode":"OK","statusString":"OK","values":{"smlInfo":{"pid":"p","type":"cpu","attributeNames":["x"],"attributeTypes":["C"],` +
		`"modelsList":[],"modelTypeList":[],"partitionColumn":"","rows":3,"frozen":false,"creationDate":"2026-01-02T03:04:05.000000006Z",` +
		`"lastModificationDate":"2026-01-02T03:04:05.000000006Z"}}}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// TestModelInfoIsJSON: a model's info with non-finite numbers is valid JSON.
func TestModelInfoIsJSON(t *testing.T) {
	got := AppendModelInfo(nil, model.ModelInfo{ModelID: "m", ModelType: "mlr", Params: []model.Param{{Name: "coef", Values: []float64{1, math.Inf(1)}}},
		Coefficients: []model.Coefficient{{Name: "intercept", Coef: 1, StdErr: math.NaN()}}, Fit: &model.FitStats{N: 3}})
	var v map[string]any
	if err := json.Unmarshal(got, &v); err != nil {
		t.Fatalf("%v: %s", err, got)
	}
	if !strings.Contains(string(got), `"coef":[1,null]`) || !strings.Contains(string(got), `"std.error":null`) {
		t.Fatalf("non-finite numbers: %s", got)
	}
}
