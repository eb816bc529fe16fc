package live

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/model"
)

// TestAppendJSON pins the JSON of every server message (docs/subscribe.md).
func TestAppendJSON(t *testing.T) {
	at := time.Date(2025, 11, 16, 20, 11, 50, 294669000, time.UTC)
	tests := []struct {
		m    Message
		want string
	}{
		{Message{Kind: KindNames, Names: []string{"a", `b"$x`}, Initial: true}, `{"type":"names","names":["a","b\"$x"],"initial":true}`},
		{Message{Kind: KindNames, Names: []string{}}, `{"type":"names","names":[],"initial":false}`},
		{Message{Kind: KindSubscribed, Ack: &Ack{Names: []string{"a", "*"}, Pairs: [][2]string{{"a", "c"}}, Pending: []string{"c"}}},
			`{"type":"subscribed","names":["a","*"],"pairs":[["a","c"]],"pending":["c"]}`},
		{Message{Kind: KindSubscribed, Ack: &Ack{}}, `{"type":"subscribed","names":[],"pairs":[],"pending":[]}`},
		{Message{Kind: KindUnsubscribed, Ack: &Ack{Names: []string{"a"}}}, `{"type":"unsubscribed","names":["a"],"pairs":[]}`},
		{Message{Kind: KindData, Value: newValue(&Value{Kind: ValueAttribute, Name: "a", Uni: model.Uni{Count: 3, Mean: 1.5, Variance: math.NaN(), Stddev: math.Inf(1), Min: -1, Max: 2e300}},
			&model.Reading{Version: 7, Modified: at})},
			`{"type":"data","name":"a","version":7,"time":"2025-11-16T20:11:50.294669Z","values":{"count":3,"mean":1.5,"variance":null,"stddev":null,"min":-1,"max":2e+300}}`},
		{Message{Kind: KindData, Value: newValue(&Value{Kind: ValuePair, Pair: [2]string{"a", "c"}, Bi: model.Bi{Covar: 0.25, LinCorr: -1}}, &model.Reading{Version: 8, Modified: at})},
			`{"type":"data","pair":["a","c"],"version":8,"time":"2025-11-16T20:11:50.294669Z","values":{"covar":0.25,"linCorr":-1}}`},
		{Message{Kind: KindData, Value: newValue(&Value{Kind: ValueProject, Name: TopicProject, Project: ProjectValues{Rows: 150, Attributes: 8, Models: 1, Frozen: true, LastModificationDate: at}}, &model.Reading{Version: 9, Modified: at})},
			`{"type":"data","name":"$project","version":9,"time":"2025-11-16T20:11:50.294669Z","values":{"rows":150,"attributes":8,"models":1,"frozen":true,"lastModificationDate":"2025-11-16T20:11:50.294669Z"}}`},
		{Message{Kind: KindModel, Model: ModelEvent{ModelID: "m1", ModelType: "lda", Version: 10, Time: at}},
			`{"type":"model","event":"built","modelId":"m1","modelType":"lda","version":10,"time":"2025-11-16T20:11:50.294669Z"}`},
		{Message{Kind: KindModel, Model: ModelEvent{Deleted: true, ModelID: "m1", ModelType: "lda", Version: 11, Time: at}},
			`{"type":"model","event":"deleted","modelId":"m1","modelType":"lda","version":11,"time":"2025-11-16T20:11:50.294669Z"}`},
		{Message{Kind: KindLog, Log: []LogEntry{{Op: model.OpLearn, Rows: 2, Version: 12, Time: at}, {Op: model.OpUnfreeze, Version: 13, Time: at}}, Dropped: 4},
			`{"type":"log","entries":[{"op":"learn","rows":2,"version":12,"time":"2025-11-16T20:11:50.294669Z"},{"op":"unfreeze","rows":0,"version":13,"time":"2025-11-16T20:11:50.294669Z"}],"dropped":4}`},
		{Message{Kind: KindLog, Log: nil}, `{"type":"log","entries":[],"dropped":0}`},
		{Message{Kind: KindClosed, Reason: "project deleted"}, `{"type":"closed","reason":"project deleted"}`},
	}
	for _, tc := range tests {
		got := string(AppendJSON([]byte("x"), &tc.m))
		if got != "x"+tc.want {
			t.Errorf("%v:\n got %s\nwant %s", tc.m.Kind, got[1:], tc.want)
		}
		if !json.Valid([]byte(got[1:])) {
			t.Errorf("%v: not JSON: %s", tc.m.Kind, got[1:])
		}
		// With the pid, as the RPC endpoint publishes it: after "type", the rest unchanged.
		typ := `{"type":"` + tc.m.Kind.String() + `"`
		wantPID := typ + `,"pid":"p\"1"` + strings.TrimPrefix(tc.want, typ)
		if got := string(AppendJSONPID([]byte("x"), &tc.m, `p"1`)); got != "x"+wantPID {
			t.Errorf("%v with pid:\n got %s\nwant %s", tc.m.Kind, got[1:], wantPID)
		}
	}
}
