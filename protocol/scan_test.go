package protocol

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestScanValue(t *testing.T) {
	f := func(in string, wantEnd int, wantOK bool) {
		t.Helper()
		end, ok, what := scanValue([]byte(in), 0)
		if end != wantEnd || ok != wantOK {
			t.Errorf("scanValue(%q) = %d, %v (%s); want %d, %v", in, end, ok, what, wantEnd, wantOK)
		}
		if !ok && what == "" {
			t.Errorf("scanValue(%q): error without a description", in)
		}
	}
	f(`{}`, 2, true)
	f(`{}-289907289{}`, 2, true)
	f(`{"a":[1,-2.5e+3,"x\u00e9\n",true,false,null,{}]} tail`, 48, true)
	f(`{ "a" : [ ] , "b" : { } }`, 25, true)
	f(`[0]`, 3, true)
	f(`"é"`, 4, true)

	f(``, 0, false)
	f(`{`, 1, false)
	f(`{"a"}`, 4, false)
	f(`{"a":}`, 5, false)
	f(`{"a":1,}`, 7, false)
	f(`{a:1}`, 1, false)
	f(`{"a":1 "b":2}`, 7, false)
	f(`[1,]`, 3, false)
	f(`[1 2]`, 3, false)
	f(`[01]`, 2, false)
	f(`[-]`, 2, false)
	f(`[1.]`, 3, false)
	f(`[1e]`, 3, false)
	f(`[tru]`, 1, false)
	f(`["a\qb"]`, 3, false)
	f(`["\u12g4"]`, 2, false)
	f("[\"a\x01\"]", 3, false)
	f("[\"a\xff\"]", 3, false)
	f(`["abc`, 5, false)
	f(`'a'`, 0, false)
	f(strings.Repeat("[", maxScanDepth)+strings.Repeat("]", maxScanDepth), 2*maxScanDepth, true)
	f(strings.Repeat("[", maxScanDepth+1), maxScanDepth, false)
}

// TestScanValueAgreesWithStdlib checks the scanner against encoding/json on valid and
// invalid documents: both accept exactly the same ones.
func TestScanValueAgreesWithStdlib(t *testing.T) {
	docs := []string{
		`{"headers":["2025-11-16 20:11:50;294669000","QIrbsrJcSCNAYVFjcjkHMw==","sig","c1"],"extraKeys":["rtest1"]}`,
		`{"headers":["2014-10-24 14:28:03","PuAtwbvTrwlX8JQHWvtv7Q\u003d\u003d","Rz/EO7GXX/KE2Jj52+kePmIrudA\u003d","c1"],"extraKeys":["irisTest"]}`,
		`[1, 2.5, -0, 0.0e0, 1E+2, "\ud83d\ude00", "\/"]`,
		`{"a":{"b":{"c":[[],[{}]]}}}`,
		`[1,,2]`, `{"a" 1}`, `[+1]`, `[.5]`, `["\x"]`, `[NaN]`, `[1]]`, `{"a":1}}`,
	}
	for _, d := range docs {
		end, ok, _ := scanValue([]byte(d), 0)
		whole := ok && end == len(d)
		if std := json.Valid([]byte(d)); whole != std {
			t.Errorf("%s: scanner says %v (end %d), encoding/json says %v", d, whole, end, std)
		}
	}
}
