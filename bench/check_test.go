package bench

import (
	"strings"
	"testing"
)

func TestCheckStatusOK(t *testing.T) {
	for _, tc := range []struct {
		reply string
		want  string // "" = accepted
	}{
		{reply: `{"statusCode":"OK","statusString":"OK","values":{}}`},
		{reply: ` { "statusString" : "OK", "statusCode" : "OK" }`},
		{reply: `{"statusCode":"BAD_REQUEST","statusString":"row 3 is bad","values":{}}`, want: `status BAD_REQUEST: "row 3 is bad"`},
		{reply: `{"statusCode":"OKAY"}`, want: "status OKAY"},
		{reply: `{"values":{}}`, want: "no statusCode"},
		{reply: `{"statusCode":"OK"`, want: "not JSON"},
		{reply: `hello`, want: "not JSON"},
	} {
		err := CheckStatusOK([]byte(tc.reply))
		if (err == nil) != (tc.want == "") || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.reply, err, tc.want)
		}
	}
}

func TestCheckEqual(t *testing.T) {
	want := []byte("abc")
	check := CheckEqual(want)
	want[0] = 'x' // the check keeps its own copy
	if err := check([]byte("abc")); err != nil {
		t.Fatal(err)
	}
	if err := check([]byte("abd")); err == nil || !strings.Contains(err.Error(), "echo differs") {
		t.Fatalf("got %v", err)
	}
}

func TestCheckSubscribed(t *testing.T) {
	if err := CheckSubscribed([]byte(`{"type":"names","names":["a"],"initial":true}`)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`{"type":"error","statusCode":"UNAUTHORIZED","statusString":"bad signature"}`, `{"statusCode":"OK"}`, ``} {
		if err := CheckSubscribed([]byte(bad)); err == nil {
			t.Fatalf("%q accepted", bad)
		}
	}
}
