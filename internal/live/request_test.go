package live

import (
	"slices"
	"strings"
	"testing"

	"github.com/valyala/fastjson"
)

func TestParseRequest(t *testing.T) {
	var p fastjson.Parser
	ok := func(in string, want Request) {
		t.Helper()
		got, err := ParseRequest(&p, []byte(in), 16, 4)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if got.Unsubscribe != want.Unsubscribe || !slices.Equal(got.Names, want.Names) || !slices.Equal(got.Pairs, want.Pairs) || got.Empty() != want.Empty() {
			t.Fatalf("%s: %+v, want %+v", in, got, want)
		}
	}
	ok(`{}`, Request{})
	ok(` { } `, Request{})
	ok(`{"type":"subscribe"}`, Request{Names: []string{}})
	ok(`{"type":"subscribe","names":["a","b$x","*","$project"]}`, Request{Names: []string{"a", "b$x", "*", "$project"}})
	ok(`{"type":"unsubscribe","pairs":[["a","c"]],"names":[]}`, Request{Unsubscribe: true, Names: []string{}, Pairs: [][2]string{{"a", "c"}}})
	ok(`{"type":"subscribe","names":["\u00e9t\u00e9","$other"]}`, Request{Names: []string{"été", "$other"}})

	bad := func(in, msg string) {
		t.Helper()
		_, err := ParseRequest(&p, []byte(in), 16, 4)
		if err == nil || !IsBadRequest(err) || !strings.Contains(err.Error(), msg) {
			t.Fatalf("%s: %v, want a bad request saying %q", in, err, msg)
		}
	}
	bad(``, "not valid JSON")
	bad(`{"type":"subscribe"`, "not valid JSON")
	bad(`[]`, "a JSON object, not array")
	bad(`"subscribe"`, "a JSON object, not string")
	bad(`{"names":["a"]}`, `needs "type"`)
	bad(`{"type":"watch"}`, `"type" is "watch"`)
	bad(`{"type":1}`, `"type" is 1`)
	bad(`{"type":"subscribe","extra":1}`, `unknown key "extra"`)
	bad(`{"type":"subscribe","type":"unsubscribe"}`, `appears twice`)
	bad(`{"type":"subscribe","names":"a"}`, `"names" must be an array`)
	bad(`{"type":"subscribe","names":[1]}`, "names[0] must be a string, not number")
	bad(`{"type":"subscribe","names":[null]}`, "names[0] must be a string, not null")
	bad(`{"type":"subscribe","names":[""]}`, "names[0]")
	bad(`{"type":"subscribe","names":["a\nb"]}`, "names[0]")
	bad(`{"type":"subscribe","names":["abcdefghijklmnopq"]}`, "limit is 16")
	bad(`{"type":"subscribe","names":["a","b","c","d","e"]}`, "at most 4")
	bad(`{"type":"subscribe","names":["a","b","c"],"pairs":[["a","b"],["b","c"]]}`, "at most 4")
	bad(`{"type":"subscribe","pairs":[["a"]]}`, "pairs[0] must be an array of two")
	bad(`{"type":"subscribe","pairs":[["a","b","c"]]}`, "pairs[0] must be an array of two")
	bad(`{"type":"subscribe","pairs":["ab"]}`, "pairs[0] must be an array of two")
	bad(`{"type":"subscribe","pairs":[["a","*"]]}`, "pairs[0][1] is \"*\"")
	bad(`{"type":"subscribe","pairs":[["$log","a"]]}`, "pairs[0][0] is \"$log\"")
	bad(`{"type":"subscribe","names":["\ud800"]}`, "bad string escape")
	bad(`{"type":"subscribe","names":["\x"]}`, "")
}

// FuzzParseRequest: never panics; what it accepts follows its rules and parses the
// same again from its re-encoding.
func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"type":"subscribe","names":["a","b$x","*"],"pairs":[["a","c"]]}`,
		`{"type":"unsubscribe","names":["$log","$models","$project"]}`, `{"type":"subscribe","names":["\u00e9"]}`,
		`{"type":"subscribe","pairs":[["a"]]}`, `[1,2]`, `{"type":"subscribe","names":[""]}`,
	} {
		f.Add([]byte(s))
	}
	var p fastjson.Parser
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseRequest(&p, b, 64, 100)
		if err != nil {
			if !IsBadRequest(err) {
				t.Fatalf("error %v is not a bad request", err)
			}
			return
		}
		if len(r.Names)+len(r.Pairs) > 100 {
			t.Fatalf("%d items past the limit", len(r.Names)+len(r.Pairs))
		}
		for _, pr := range r.Pairs {
			if isSpecial(pr[0]) || isSpecial(pr[1]) {
				t.Fatalf("pair %v holds a topic", pr)
			}
		}
		if r.Empty() {
			return
		}
		typ := "subscribe"
		if r.Unsubscribe {
			typ = "unsubscribe"
		}
		enc := `{"type":"` + typ + `","names":` + string(appendStrings(nil, r.Names)) + `,"pairs":` + string(appendPairs(nil, r.Pairs)) + `}`
		r2, err := ParseRequest(&p, []byte(enc), 64, 100)
		if err != nil || r2.Unsubscribe != r.Unsubscribe || !slices.Equal(r2.Names, r.Names) || !slices.Equal(r2.Pairs, r.Pairs) {
			t.Fatalf("re-encoded %s: %+v, %v; want %+v", enc, r2, err, r)
		}
	})
}

// TestParseLists: the lists of an RPC subscribe, without "type", checked as a client
// message's.
func TestParseLists(t *testing.T) {
	var p fastjson.Parser
	ok := func(in string, want Request) {
		t.Helper()
		got, err := ParseLists(&p, []byte(in), 16, 4)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if got.Unsubscribe || !slices.Equal(got.Names, want.Names) || !slices.Equal(got.Pairs, want.Pairs) || got.Empty() {
			t.Fatalf("%s: %+v, want %+v", in, got, want)
		}
	}
	ok(`{}`, Request{Names: []string{}})
	ok(`{"names":["a","*","$log"]}`, Request{Names: []string{"a", "*", "$log"}})
	ok(`{"pairs":[["a","c"]],"names":[]}`, Request{Names: []string{}, Pairs: [][2]string{{"a", "c"}}})

	bad := func(in, msg string) {
		t.Helper()
		_, err := ParseLists(&p, []byte(in), 16, 4)
		if err == nil || !IsBadRequest(err) || !strings.Contains(err.Error(), msg) {
			t.Fatalf("%s: %v, want a bad request saying %q", in, err, msg)
		}
	}
	bad(``, "not valid JSON")
	bad(`[]`, "a JSON object {\"names\":[...],\"pairs\":[...]}, not array")
	bad(`{"type":"subscribe"}`, `unknown key "type"`)
	bad(`{"names":["a"],"names":["b"]}`, "appears twice")
	bad(`{"names":"a"}`, `"names" must be an array`)
	bad(`{"names":[7]}`, "names[0] must be a string, not number")
	bad(`{"names":["abcdefghijklmnopq"]}`, "limit is 16")
	bad(`{"names":["a","b","c"],"pairs":[["a","b"],["b","c"]]}`, "at most 4")
	bad(`{"pairs":[["a","$project"]]}`, `pairs[0][1] is "$project"`)
	bad(`{"names":["\ud800"]}`, "bad string escape")
}

// FuzzParseLists: never panics; what it accepts follows the rules and parses the same
// again from its re-encoding.
func FuzzParseLists(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"names":["a","b$x","*"],"pairs":[["a","c"]]}`, `{"names":["$log","$models","$project"]}`,
		`{"pairs":[["a"]]}`, `[1,2]`, `{"names":[""]}`, `{"type":"subscribe"}`,
	} {
		f.Add([]byte(s))
	}
	var p fastjson.Parser
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseLists(&p, b, 64, 100)
		if err != nil {
			if !IsBadRequest(err) {
				t.Fatalf("error %v is not a bad request", err)
			}
			return
		}
		if r.Empty() || r.Unsubscribe || len(r.Names)+len(r.Pairs) > 100 {
			t.Fatalf("accepted %q as %+v", b, r)
		}
		for _, pr := range r.Pairs {
			if isSpecial(pr[0]) || isSpecial(pr[1]) {
				t.Fatalf("pair %v holds a topic", pr)
			}
		}
		enc := `{"names":` + string(appendStrings(nil, r.Names)) + `,"pairs":` + string(appendPairs(nil, r.Pairs)) + `}`
		r2, err := ParseLists(&p, []byte(enc), 64, 100)
		if err != nil || !slices.Equal(r2.Names, r.Names) || !slices.Equal(r2.Pairs, r.Pairs) {
			t.Fatalf("re-encoded %s: %+v, %v; want %+v", enc, r2, err, r)
		}
	})
}
