package jsonstrict

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/valyala/fastjson"
)

func TestEscapeLen(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{`\"`, 2}, {`\\`, 2}, {`\/`, 2}, {`\b`, 2}, {`\f`, 2}, {`\n`, 2}, {`\r`, 2}, {`\t`, 2},
		{`\u0041`, 6}, {`\u00e9x`, 6}, {`\uD7FF`, 6}, {`\uE000`, 6}, {`\uffff`, 6},
		{`\ud83d\ude00`, 12}, {`\uD83D\uDE00rest`, 12}, {`\udbff\udfff`, 12},
		{`\`, 0}, {`\x`, 0}, {`\a`, 0}, {`\'`, 0}, {`\U0041`, 0}, {`\u`, 0}, {`\u12`, 0}, {`\u12g4`, 0},
		{`\ud800`, 0}, {`\ud800x`, 0}, {`\ud800\n`, 0}, {`\ud800\u0041`, 0}, {`\ud800\ud800`, 0},
		{`\udc00`, 0}, {`\udc00\ud800`, 0}, {`\ud800\udc0`, 0}, {`\ud800\u`, 0},
	} {
		if got := EscapeLen([]byte(tc.in), 0); got != tc.want {
			t.Errorf("EscapeLen(%s) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestEscapeDecodes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want rune
	}{
		{`\"`, '"'}, {`\\`, '\\'}, {`\/`, '/'}, {`\b`, '\b'}, {`\f`, '\f'}, {`\n`, '\n'}, {`\r`, '\r'}, {`\t`, '\t'},
		{`\u0000`, 0}, {`\u00e9`, 'é'}, {`\uFFFF`, 0xffff}, {`\ud83d\ude00`, '😀'}, {`\uDBFF\uDFFF`, 0x10ffff},
	} {
		if r, n := Escape([]byte(tc.in), 0); r != tc.want || n != len(tc.in) {
			t.Errorf("Escape(%s) = %U, %d; want %U, %d", tc.in, r, n, tc.want, len(tc.in))
		}
	}
	if r, n := Escape([]byte(`\ud800`), 0); r != 0 || n != 0 {
		t.Errorf("Escape of a lone surrogate = %U, %d", r, n)
	}
}

func TestCheckEscapes(t *testing.T) {
	for _, tc := range []struct {
		in, err string
	}{
		{`{"a":"b"}`, ""},
		{`{"a\"":"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}`, ""},
		{`["\\u12", "\\ud800", "\\\\x"]`, ""}, // escaped backslashes, then text
		{`{"a":"\x"}`, `bad string escape at byte 6: "\\x\"}"`},
		{`{"k":["ok","\ud800"]}`, `bad string escape at byte 12: "\\ud800\"]}"`},
		{`{"\udc00":1}`, `bad string escape at byte 2`},
		{`["\ud83d\u0041"]`, `bad string escape at byte 2`},
		{`["` + strings.Repeat("a", 10) + `\q` + strings.Repeat("b", 60) + `"]`, `bad string escape at byte 12: "\\qbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"...`},
	} {
		if _, err := fastjson.Parse(tc.in); err != nil {
			t.Fatalf("%s: not JSON for fastjson: %v", tc.in, err)
		}
		err := CheckEscapes([]byte(tc.in))
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.in, err)
		case tc.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want it to start with %s", tc.in, err, tc.err)
		}
	}
}

func TestCheckKeys(t *testing.T) {
	known := []string{"targets", "inputAttributes", "extraParameters"}
	for _, tc := range []struct {
		in, err string
	}{
		{`{}`, ""},
		{`{"targets":[],"extraParameters":{},"inputAttributes":null}`, ""},
		{`{"targets":[],"targets":[]}`, `MLContext key "targets" appears twice`},
		{`{"inputAttributes":[],"extraParameters":{},"inputAttributes":["1"]}`, `MLContext key "inputAttributes" appears twice`},
		{`{"targets":[],"target":[]}`, `MLContext has unknown key "target"; its keys are targets, inputAttributes, extraParameters`},
		{`{"Targets":[]}`, `MLContext has unknown key "Targets"`},
		{`{"` + strings.Repeat("k", 50) + `":1}`, `MLContext has unknown key "` + strings.Repeat("k", 40) + `"...`},
		{`{"tar\u0067ets":[1]}`, ""}, // keys are compared unescaped
	} {
		v, err := fastjson.Parse(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		o, _ := v.Object()
		err = CheckKeys(o, "MLContext", known...)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.in, err)
		case tc.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want it to start with %s", tc.in, err, tc.err)
		}
	}
	// More known keys than the bit set holds.
	var many []string
	var body strings.Builder
	body.WriteByte('{')
	for i := range 70 {
		many = append(many, "k"+strconv.Itoa(i))
		if i > 0 {
			body.WriteByte(',')
		}
		body.WriteString(`"k` + strconv.Itoa(i) + `":1`)
	}
	v := fastjson.MustParse(body.String() + `}`)
	o, _ := v.Object()
	if err := CheckKeys(o, "x", many...); err != nil {
		t.Fatal(err)
	}
	v = fastjson.MustParse(body.String() + `,"k69":2}`)
	o, _ = v.Object()
	if err := CheckKeys(o, "x", many...); err == nil || err.Error() != `x key "k69" appears twice` {
		t.Fatalf("duplicate past 64 keys: %v", err)
	}
}

func TestCheckNoDuplicateKeys(t *testing.T) {
	o, _ := fastjson.MustParse(`{"alpha":"1","beta":2,"Alpha":3}`).Object()
	if err := CheckNoDuplicateKeys(o, "extraParameters"); err != nil {
		t.Fatal(err)
	}
	o, _ = fastjson.MustParse(`{"alpha":"1","beta":2,"alpha":3}`).Object()
	if err := CheckNoDuplicateKeys(o, "extraParameters"); err == nil || err.Error() != `extraParameters key "alpha" appears twice` {
		t.Fatalf("got %v", err)
	}
}

// escapeRE matches one escape RFC 8259 defines, at the start of its input.
var escapeRE = regexp.MustCompile(`^\\(["\\/bfnrt]|u[0-9a-fA-F]{4})`)

// referenceEscapesOK is CheckEscapes written plainly: read every escape in order with a
// regular expression, collect the \u code units of each run, and let utf16 judge them.
func referenceEscapesOK(b string) bool {
	for i := 0; i < len(b); {
		if b[i] != '\\' {
			i++
			continue
		}
		var units []uint16
		for i < len(b) && b[i] == '\\' {
			m := escapeRE.FindString(b[i:])
			if m == "" {
				return false
			}
			if len(m) == 6 {
				u, _ := strconv.ParseUint(m[2:], 16, 16)
				units = append(units, uint16(u))
			} else {
				units = append(units, 0) // a plain escape ends a surrogate pair
			}
			i += len(m)
		}
		for k := 0; k < len(units); k++ {
			switch u := rune(units[k]); {
			case !utf16.IsSurrogate(u):
			case u < 0xdc00 && k+1 < len(units) && units[k+1] >= 0xdc00 && units[k+1] < 0xe000:
				k++
			default:
				return false
			}
		}
	}
	return true
}

func FuzzCheckEscapes(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `["\ud83d\ude00","\u00e9"]`, `{"a":"\x"}`, `["\ud800"]`, `["\\ud800"]`,
		`{"attributeNames":["caf\u00e9","q\""],"attributeTypes":["C","T"],"data":[["1","\udc00\ud800"]]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := fastjson.ParseBytes(b); err != nil {
			return
		}
		err := CheckEscapes(b)
		if want := referenceEscapesOK(string(b)); want != (err == nil) {
			t.Fatalf("CheckEscapes(%q) = %v, reference says ok = %v", b, err, want)
		}
	})
}

// TestParseObject: an object of the known keys is read; anything else is refused saying
// what and where.
func TestParseObject(t *testing.T) {
	var p fastjson.Parser
	o, err := ParseObject(&p, []byte(`{"a":"x","b":1}`), "request", "a JSON object", "a", "b", "c")
	if err != nil || string(o.Get("a").GetStringBytes()) != "x" || o.Get("b").GetInt() != 1 {
		t.Fatalf("%v %v", o, err)
	}
	for body, want := range map[string]string{
		`{"a":`:           "request is not valid JSON",
		`{"a":"\x"}`:      "request is not valid JSON: bad string escape at byte 6",
		`{"a":"\ud800"}`:  "request is not valid JSON: bad string escape",
		`["a"]`:           "request must be a JSON object, not array",
		`"a"`:             "request must be a JSON object, not string",
		`{"d":1}`:         `request has unknown key "d"; its keys are a, b, c`,
		`{"a":"x","a":1}`: `request key "a" appears twice`,
	} {
		_, err := ParseObject(&p, []byte(body), "request", "a JSON object", "a", "b", "c")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", body, err, want)
		}
	}
}
