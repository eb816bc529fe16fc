package client

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestParseReply(t *testing.T) {
	for _, tc := range []struct {
		name     string
		body     string
		httpCode int
		// want: either a reply status or an error.
		status, msg string
		code        int
		errText     string
		sts         string
	}{
		{name: "ok literal", body: okReplyText, status: "OK", msg: "OK", code: 200},
		{name: "created", body: `{"statusCode":"CREATED","statusString":"created","values":{}}`, httpCode: 201, status: "CREATED", msg: "created", code: 201},
		{name: "no values", body: `{"statusCode":"OK","statusString":"OK"}`, status: "OK", msg: "OK", code: 200},
		{name: "error", body: `{"statusCode":"BAD_REQUEST","statusString":"row 3: bad","values":{}}`, code: 400, errText: "BAD_REQUEST (400): row 3: bad"},
		{name: "http code wins", body: `{"statusCode":"CONFLICT","statusString":"exists","values":{}}`, httpCode: 409, code: 409, errText: "CONFLICT (409): exists"},
		{
			name: "bad signature", body: `{"statusCode":"UNAUTHORIZED","statusString":"bad signature","values":{"stringToSign":"m\nSECRETKEY\n"}}`,
			code: 401, errText: "UNAUTHORIZED (401): bad signature", sts: "m\nSECRETKEY\n",
		},
		{name: "unknown status", body: `{"statusCode":"TEAPOT","statusString":"no","values":{}}`, httpCode: 418, code: 418, errText: "TEAPOT (418): no"},
		{name: "not JSON", body: "404 page not found\n", httpCode: 404, code: 404, errText: `HTTP 404, not a symscore reply: reply is not an envelope`},
		{name: "no statusCode", body: `{"values":{}}`, httpCode: 200, code: 200, errText: "no statusCode"},
		{name: "values not an object", body: `{"statusCode":"OK","values":[1]}`, code: 0, errText: "values is not an object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := parseReply([]byte(tc.body), tc.httpCode)
			if tc.errText == "" {
				if err != nil || r.Status != tc.status || r.Message != tc.msg || r.HTTPCode != tc.code || r.Values[0] != '{' {
					t.Fatalf("got %+v, %v", r, err)
				}
				return
			}
			var se *StatusError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.errText) || se.HTTPCode != tc.code || se.StringToSign != tc.sts {
				t.Fatalf("got %+v %v (%#v), want an error with %q", r, err, se, tc.errText)
			}
		})
	}
}

func TestReplyValues(t *testing.T) {
	r, err := parseReply([]byte(`{"statusCode":"OK","statusString":"OK","values":{`+
		`"KSVSMap":{"values":[{"res":"1","prob":"0.25","z1LTz0":"true","n":null},{"prob":"x","res":"0","extra":"2"}]},`+
		`"KSVDMap":{"values":[{"count":150,"mean":5.8,"min":null},{"b":1,"a":2}]},`+
		`"stringList":{"values":["a","b"]},"rowsApplied":7,"rowsSkipped":2,"smlInfo":{"pid":"p"}}}`), 0)
	if err != nil {
		t.Fatal(err)
	}
	preds, err := r.Predictions()
	if err != nil || len(preds) != 2 || preds[0]["n"] != "" || preds[1]["extra"] != "2" {
		t.Fatalf("predictions %v, %v", preds, err)
	}
	for _, tc := range []struct {
		key  string
		want float64
		err  string
	}{
		{key: "prob", want: 0.25},
		{key: "z1LTz0", want: 1},
		{key: "n", want: math.NaN()},
		{key: "nope", err: `prediction has no key "nope"`},
	} {
		got, err := preds[0].Float(tc.key)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("Float(%q): %v, want %q", tc.key, err, tc.err)
			}
			continue
		}
		if err != nil || !(got == tc.want || math.IsNaN(got) && math.IsNaN(tc.want)) {
			t.Errorf("Float(%q) = %v, %v; want %v", tc.key, got, err, tc.want)
		}
	}
	if _, err := preds[1].Float("prob"); err == nil {
		t.Error(`Float of "x": no error`)
	}
	if keys, err := r.PredictionKeys(); err != nil || !reflect.DeepEqual(keys, []string{"res", "prob", "z1LTz0", "n", "extra"}) {
		t.Errorf("PredictionKeys %v, %v", keys, err)
	}
	stats, err := r.Statistics()
	if err != nil || len(stats) != 2 || !reflect.DeepEqual(stats[0].Keys, []string{"count", "mean", "min"}) ||
		!reflect.DeepEqual(stats[1].Keys, []string{"b", "a"}) {
		t.Fatalf("statistics %+v, %v", stats, err)
	}
	if v, ok := stats[0].Get("mean"); !ok || v != 5.8 {
		t.Errorf("Get(mean) = %v, %v", v, ok)
	}
	if v, ok := stats[0].Get("min"); !ok || !math.IsNaN(v) {
		t.Errorf("Get(min) = %v, %v; want NaN for null", v, ok)
	}
	if m := stats[1].Map(); m["a"] != 2 || m["b"] != 1 || len(m) != 2 {
		t.Errorf("Map %v", m)
	}
	if l, err := r.StringList(); err != nil || !reflect.DeepEqual(l, []string{"a", "b"}) {
		t.Errorf("StringList %v, %v", l, err)
	}
	if a, s, ok := r.RowCounts(); !ok || a != 7 || s != 2 {
		t.Errorf("RowCounts %d %d %v", a, s, ok)
	}
	if o, err := r.Object("smlInfo"); err != nil || string(o) != `{"pid":"p"}` {
		t.Errorf("Object %s, %v", o, err)
	}
	empty, _ := parseReply([]byte(okReplyText), 0)
	if _, err := empty.Predictions(); err == nil || err.Error() != "reply has no values.KSVSMap" {
		t.Errorf("Predictions of an empty reply: %v", err)
	}
	if _, _, ok := empty.RowCounts(); ok {
		t.Error("RowCounts of an empty reply: ok")
	}
	dup, _ := parseReply([]byte(`{"statusCode":"OK","values":{"KSVDMap":{"values":[{"a":1,"a":2}]}}}`), 0)
	if _, err := dup.Statistics(); err == nil || !strings.Contains(err.Error(), `"a" appears twice`) {
		t.Errorf("repeated key: %v", err)
	}
}
