package client_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/dataframe"
)

func TestDataFrameJSON(t *testing.T) {
	for _, tc := range []struct {
		name  string
		names []string
		types []string
		rows  [][]string
		eh    int
		want  string
	}{
		{
			name: "plain", names: []string{"a", "b"}, types: []string{"C", "B"},
			rows: [][]string{{"1.5", "0"}, {"2", "1"}}, eh: -1,
			want: `{"attributeNames":["a","b"],"attributeTypes":["C","B"],"data":[["1.5","0"],["2","1"]]}`,
		},
		{
			name: "no rows, errorHandling", names: []string{"a"}, types: []string{"C"}, eh: 1,
			want: `{"attributeNames":["a"],"attributeTypes":["C"],"data":[],"errorHandling":1}`,
		},
		{
			name: "escaping", names: []string{`q"uote`, `back\slash`, "space here"}, types: []string{"T", "T", "X"},
			rows: [][]string{{"a,b", `say "hi"`, "line\nbreak\x01"}, {"é ü", "\u2028", "bad\xffutf8"}}, eh: 0,
			want: `{"attributeNames":["q\"uote","back\\slash","space here"],"attributeTypes":["T","T","X"],` +
				`"data":[["a,b","say \"hi\"","line\nbreak\u0001"],["é ü","\u2028","bad` + "\ufffd" + `utf8"]],"errorHandling":0}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			df, err := client.NewDataFrame(tc.names, tc.types)
			if err != nil {
				t.Fatal(err)
			}
			df.SetErrorHandling(tc.eh)
			for _, r := range tc.rows {
				if err := df.AddRow(r...); err != nil {
					t.Fatal(err)
				}
			}
			got := string(df.JSON())
			if got != tc.want {
				t.Fatalf("JSON\n got %s\nwant %s", got, tc.want)
			}
			if !json.Valid([]byte(got)) {
				t.Fatal("not valid JSON")
			}
			if df.Len() < len(got) {
				t.Errorf("Len %d < %d", df.Len(), len(got))
			}
			// The server's parser reads back the cells as they were.
			var p dataframe.Parser
			if _, err := p.Parse([]byte(got), dataframe.Options{Mode: dataframe.ModePredict}); err != nil {
				t.Errorf("the server's parser refuses it: %v", err)
			}
			var back struct {
				Data [][]string `json:"data"`
			}
			json.Unmarshal([]byte(got), &back)
			for i, r := range tc.rows {
				for j, cell := range r {
					if want := strings.ToValidUTF8(cell, "\ufffd"); want != back.Data[i][j] {
						t.Errorf("cell %d,%d: %q came back %q", i, j, cell, back.Data[i][j])
					}
				}
			}
			df.Reset()
			if df.Rows() != 0 || string(df.JSON()) != `{"attributeNames":`+string(mustJSON(tc.names))+`,"attributeTypes":`+string(mustJSON(tc.types))+`,"data":[]`+ehText(tc.eh)+`}` {
				t.Errorf("after Reset: %s", df.JSON())
			}
		})
	}
}

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }

func ehText(eh int) string {
	switch eh {
	case 0:
		return `,"errorHandling":0`
	case 1:
		return `,"errorHandling":1`
	}
	return ""
}

func TestDataFrameRefusals(t *testing.T) {
	for _, tc := range []struct {
		names, types []string
		want         string
	}{
		{names: nil, types: nil, want: "dataframe: no columns"},
		{names: []string{"a", "b"}, types: []string{"C"}, want: "dataframe: 2 names but 1 types"},
		{names: []string{"a", ""}, types: []string{"C", "C"}, want: "dataframe: column 1 has an empty name"},
		{names: []string{"a"}, types: []string{"L"}, want: `dataframe: column "a": type "L" is not one of C, B, T, X, S`},
	} {
		if _, err := client.NewDataFrame(tc.names, tc.types); err == nil || err.Error() != tc.want {
			t.Errorf("NewDataFrame(%q, %q): %v, want %q", tc.names, tc.types, err, tc.want)
		}
	}
	df, _ := client.NewDataFrame([]string{"a", "b"}, []string{"C", "C"})
	df.AddRow("1", "2")
	if err := df.AddRow("1"); err == nil || err.Error() != "dataframe: row 1 has 1 cells, want 2" {
		t.Errorf("short row: %v", err)
	}
	if df.Rows() != 1 {
		t.Errorf("a refused row was added: %d rows", df.Rows())
	}
}

func TestMLContextJSON(t *testing.T) {
	for _, tc := range []struct {
		mc   client.MLContext
		want string
	}{
		{mc: client.MLContext{}, want: `{"extraParameters":{}}`},
		{
			mc:   client.MLContext{Inputs: []string{"a", `b"`}, Targets: []string{"y"}, Params: map[string]string{"z": "1", "alpha": "0.5"}},
			want: `{"targetAttributeNames":["y"],"inputAttributeNames":["a","b\""],"extraParameters":{"alpha":"0.5","z":"1"}}`,
		},
		{
			mc:   client.MLContext{InputIndexes: []int{0, 1, 2}, TargetIndexes: []int{12}},
			want: `{"targets":["12"],"inputAttributes":["0","1","2"],"extraParameters":{}}`,
		},
	} {
		if got := string(tc.mc.AppendJSON(nil)); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
		if b, err := json.Marshal(tc.mc); err != nil || string(b) != tc.want {
			t.Errorf("json.Marshal: %s, %v", b, err)
		}
	}
}
