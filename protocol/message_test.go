package protocol

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const learnPayload = `{"attributeNames":["sepal_length","sepal_width","petal_length","petal_width","sepal_lengt_b1","sepal_lengt_b2","sepal_width_b1","sepal_width_b2","petal_length_b1","petal_length_b2","petal_width_b1","petal_width_b2","Iris_setosa","Iris_versicolor","Iris_virginica"],"data":[["4.3","3","1.1","0.1","1","0","0","1","1","0","1","0","1","0","0"],["4.8","3","1.4","0.1","1","0","0","1","1","0","1","0","1","0","0"]],"attributeTypes":["C","C","C","C","B","B","B","B","B","B","B","B","B","B","B"],"errorHandling":1}`

const predictPayload = `{"attributeNames":["sepal_length","sepal_width","petal_length"],"data":[["4.3","3","1.1"]],"attributeTypes":["C","C","C"]}`

type wantMsg struct {
	form                Form
	date, md5, sig, cid string
	extraKeys           []string
	header, payload     string
}

func checkMessage(t *testing.T, m *Message, w wantMsg) {
	t.Helper()
	if m.Form != w.form {
		t.Errorf("Form = %v, want %v", m.Form, w.form)
	}
	for _, f := range []struct{ name, got, want string }{
		{"Date", string(m.Date), w.date},
		{"MD5", string(m.MD5), w.md5},
		{"Signature", string(m.Signature), w.sig},
		{"CID", string(m.CID), w.cid},
		{"Header", string(m.Header), w.header},
		{"Payload", string(m.Payload), w.payload},
	} {
		if f.got != f.want {
			t.Errorf("%s = %q, want %q", f.name, f.got, f.want)
		}
	}
	if len(m.ExtraKeys) != len(w.extraKeys) {
		t.Fatalf("ExtraKeys = %q, want %q", m.ExtraKeys, w.extraKeys)
	}
	for i := range w.extraKeys {
		if string(m.ExtraKeys[i]) != w.extraKeys[i] {
			t.Errorf("ExtraKeys[%d] = %q, want %q", i, m.ExtraKeys[i], w.extraKeys[i])
		}
	}
}

func TestParseRealMessage(t *testing.T) {
	msg := readTestdata(t, "ws_learn_vector.txt")
	var p Parser
	m, err := p.Parse(msg)
	if err != nil {
		t.Fatal(err)
	}
	checkMessage(t, m, wantMsg{
		form: FormFramed, date: "2025-11-16 20:11:50;294669000", md5: "QIrbsrJcSCNAYVFjcjkHMw==",
		sig: "5+38zLMsXJlRj56cwn4S07vmdPkSArnYRhm/MldCWng=", cid: "c1", extraKeys: []string{"rtest1"},
		header:  `{"headers":["2025-11-16 20:11:50;294669000","QIrbsrJcSCNAYVFjcjkHMw==","5+38zLMsXJlRj56cwn4S07vmdPkSArnYRhm/MldCWng=","c1"],"extraKeys":["rtest1"]}`,
		payload: learnPayload,
	})
}

func TestParsePredictVector(t *testing.T) {
	msg := readTestdata(t, "ws_predict_vector.txt")
	if !bytes.HasPrefix(msg, []byte("159,")) {
		t.Fatalf("predict vector does not start with its header length 159: %.10s", msg)
	}
	var p Parser
	m, err := p.Parse(msg)
	if err != nil {
		t.Fatal(err)
	}
	checkMessage(t, m, wantMsg{
		form: FormFramed, date: "2025-11-16 20:11:50;294669000", md5: "bPXTb+OmmWaRw/5xwdpfyw==",
		sig: "uGFPh96htcxQ7/vtI6RCjuMAVje92dcq617z+RMjQWM=", cid: "c1", extraKeys: []string{"irisTest", "testLDA"},
		header:  string(msg[4 : 4+159]),
		payload: predictPayload,
	})
}

func TestParseSession(t *testing.T) {
	var p Parser
	m, err := p.Parse([]byte(predictPayload))
	if err != nil {
		t.Fatal(err)
	}
	checkMessage(t, m, wantMsg{form: FormSession, payload: predictPayload})
	// A session payload that starts like a header but has no delimiter stays a payload.
	odd := `{"headers":1,"data":[]}`
	if m, err = p.Parse([]byte(odd)); err != nil {
		t.Fatal(err)
	}
	checkMessage(t, m, wantMsg{form: FormSession, payload: odd})
}

func TestParseLegacy(t *testing.T) {
	msg := readTestdata(t, "legacy_predict_2014.txt")
	want := wantMsg{
		form: FormLegacy, date: "2014-10-24 17:17:58", md5: "H47KwjgTU5G7v8BJS+ttgg==",
		sig: "/Xd/JypB3rDQ+1BVaZRm6n35kt0=", cid: "c1", extraKeys: []string{"irisTest", "testLDA"},
		header:  `{"headers":["2014-10-24 17:17:58","H47KwjgTU5G7v8BJS+ttgg\u003d\u003d","/Xd/JypB3rDQ+1BVaZRm6n35kt0\u003d","c1"],"extraKeys":["irisTest","testLDA"]}`,
		payload: predictPayload,
	}
	p := Parser{AllowLegacy: true}
	m, err := p.Parse(msg)
	if err != nil {
		t.Fatal(err)
	}
	checkMessage(t, m, want)

	// extraKeys first is recognised too.
	reordered := `{"extraKeys":[],"headers":["d","m","s","c"]}` + LegacyDelimiter + predictPayload
	if m, err = p.Parse([]byte(reordered)); err != nil {
		t.Fatal(err)
	}
	checkMessage(t, m, wantMsg{form: FormLegacy, date: "d", md5: "m", sig: "s", cid: "c",
		header: `{"extraKeys":[],"headers":["d","m","s","c"]}`, payload: predictPayload})

	// Switched off: refused, saying why and where.
	var off Parser
	_, err = off.Parse(msg)
	wantBadRequest(t, err, "legacy framing is disabled", "at byte 148")
}

func TestParseExtraKeys(t *testing.T) {
	f := func(header string, want []string) {
		t.Helper()
		var p Parser
		m, err := p.Parse(framed(header, predictPayload))
		if err != nil {
			t.Fatalf("%s: %v", header, err)
		}
		checkMessage(t, m, wantMsg{form: FormFramed, date: "d", md5: "m", sig: "s", cid: "c",
			extraKeys: want, header: header, payload: predictPayload})
	}
	f(`{"headers":["d","m","s","c"],"extraKeys":[]}`, nil)
	f(`{"headers":["d","m","s","c"]}`, nil) // absent extraKeys reads as empty
	f(`{"extraKeys":["p1","m1"],"headers":["d","m","s","c"]}`, []string{"p1", "m1"})
	f(`{ "headers" : [ "d" , "m" , "s" , "c" ] , "extraKeys" : [ "p\u00e9" ] }`, []string{"pé"})
	f(`{"headers":["\u0064","m","s","\u0063"],"extraKeys":["a\"b","c\\d","e\/f"]}`, []string{`a"b`, `c\d`, "e/f"})
}

// framed returns "<len(header)>,<header><payload>".
func framed(header, payload string) []byte {
	return []byte(strconv.Itoa(len(header)) + "," + header + payload)
}

// wantBadRequest checks that err is a *Error with StatusBadRequest whose message holds
// every one of parts.
func wantBadRequest(t *testing.T, err error, parts ...string) {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *protocol.Error", err, err)
	}
	if pe.Status != StatusBadRequest {
		t.Errorf("status %v, want BAD_REQUEST (%s)", pe.Status, pe.Msg)
	}
	for _, s := range parts {
		if !strings.Contains(pe.Msg, s) {
			t.Errorf("message %q does not contain %q", pe.Msg, s)
		}
	}
	for _, c := range []byte(pe.Msg) {
		if c < 0x20 || c == 0x7f {
			t.Errorf("message %q holds control byte %#x", pe.Msg, c)
		}
	}
}

func TestParseErrors(t *testing.T) {
	good := `{"headers":["d","m","s","c"],"extraKeys":["p"]}`
	long := strings.Repeat("x", 100)
	cases := []struct {
		name  string
		msg   string
		parts []string
	}{
		{"empty", "", []string{"empty message"}},
		{"bad first byte", " 12,{}", []string{"at byte 0", `" 12,{}"`}},
		{"bad first byte quoted escaped", "\x00\n\"" + long, []string{"at byte 0", `"\u0000\u000a\"xxx`, `xxx"...`}},
		{"non-numeric length", "12a,{}", []string{"not a decimal number", "at byte 2", `"a,{}"`}},
		{"length without comma", "47", []string{"not a decimal number", "at byte 2"}},
		{"length with sign", "+47,{}", []string{"at byte 0"}},
		{"length with minus", "-47,{}", []string{"at byte 0"}},
		{"length too many digits", "1234567890," + good, []string{"more than 9 digits", "at byte 0"}},
		{"length leading zero", "047," + good, []string{"leading zero", "at byte 0"}},
		{"length zero", "0," + good, []string{"header length is 0", "at byte 0"}},
		{"length past end", "500," + good + "{}", []string{"header length 500", "runs past the end", "49 bytes follow", "at byte 3"}},
		{"truncated header", "47," + good[:30], []string{"header length 47", "runs past the end", "30 bytes follow"}},
		{"length short of header", "46," + good + "{}", []string{"header is not valid JSON", "at byte 49"}},
		{"no payload", "47," + good, []string{"no payload", "at byte 50"}},
		{"payload not object", "47," + good + "[1]", []string{"payload does not start with '{'", "at byte 50", `"[1]"`}},
		{"header not object", "2,[]{}", []string{"header is not a JSON object", "at byte 2"}},
		{"header not json", "5,{abc}{}", []string{"not valid JSON", "at byte 3", `"abc}{}"`}},
		{"header trailing space", "48," + good + " {}", []string{"unexpected bytes after the header", "at byte 50"}},
		{"three headers", framedS(`{"headers":["d","m","s"],"extraKeys":[]}`), []string{"exactly 4 strings", "found 3 elements", "at byte 3"}},
		{"five headers", framedS(`{"headers":["d","m","s","c","x"],"extraKeys":[]}`), []string{"exactly 4 strings", "found 5 elements"}},
		{"headers not array", framedS(`{"headers":"dmsc","extraKeys":[]}`), []string{"exactly 4 strings", "not an array"}},
		{"non-string header", framedS(`{"headers":["d","m",7,"c"],"extraKeys":[]}`), []string{"headers[2] is number, not a string", "at byte 3"}},
		{"null header", framedS(`{"headers":["d","m","s",null],"extraKeys":[]}`), []string{"headers[3] is null, not a string"}},
		{"extra key", framedS(`{"headers":["d","m","s","c"],"extraKeys":[],"more":1}`), []string{`unknown key "more"`, "at byte 3"}},
		{"extra key only", framedS(`{"headers":["d","m","s","c"],"x":[]}`), []string{`unknown key "x"`}},
		{"missing headers", framedS(`{"extraKeys":[]}`), []string{`missing key "headers"`}},
		{"empty object", framedS(`{}`), []string{`missing key "headers"`}},
		{"duplicate headers", framedS(`{"headers":["d","m","s","c"],"headers":["d","m","s","c"]}`), []string{`duplicate key "headers"`}},
		{"duplicate escaped", framedS(`{"headers":["d","m","s","c"],"head\u0065rs":["d","m","s","c"]}`), []string{`duplicate key "headers"`}},
		{"duplicate extraKeys", framedS(`{"headers":["d","m","s","c"],"extraKeys":[],"extraKeys":[]}`), []string{`duplicate key "extraKeys"`}},
		{"extraKeys not array", framedS(`{"headers":["d","m","s","c"],"extraKeys":"p"}`), []string{`"extraKeys" must be an array of strings`}},
		{"extraKeys not strings", framedS(`{"headers":["d","m","s","c"],"extraKeys":["p",1]}`), []string{"extraKeys[1] is number, not a string"}},
		{"extraKeys object", framedS(`{"headers":["d","m","s","c"],"extraKeys":[{}]}`), []string{"extraKeys[0] is object, not a string"}},
		{"escaped newline in key", framedS(`{"headers":["d","m","s","c"],"extraKeys":["a\nb"]}`), []string{"extraKeys[0] holds a control character", `"a\u000ab"`}},
		{"escaped control in cid", framedS(`{"headers":["d","m","s","c\u0000"],"extraKeys":[]}`), []string{"headers[3] holds a control character"}},
		{"raw control in string", framedS("{\"headers\":[\"d\",\"m\",\"s\",\"c\x01\"],\"extraKeys\":[]}"), []string{"headers[3] holds a control character", "at byte 3", `"c\u0001"`}},
		{"raw control in string with escape", framedS("{\"headers\":[\"\\u0064\",\"m\",\"s\",\"c\x01\"],\"extraKeys\":[]}"), []string{"raw control character", "at byte 34"}},
		{"invalid utf8", framedS("{\"headers\":[\"d\",\"m\",\"s\",\"c\xff\"],\"extraKeys\":[]}"), []string{"headers[3] is not valid UTF-8", `"c\ufffd"`}},
		{"bad escape", framedS(`{"headers":["d","m","s","c\q"],"extraKeys":[]}`), []string{"bad escape", "at byte 29"}},
		{"header too big", framedS(`{"headers":["d","m","s","` + strings.Repeat("c", DefaultMaxHeaderBytes) + `"]}`), []string{"more than the limit of 65536"}},
		{"legacy bad json", `{"headers":["d",}` + LegacyDelimiter + "{}", []string{"not valid JSON", "at byte 16"}},
		{"legacy no payload", `{"headers":["d","m","s","c"]}` + LegacyDelimiter, []string{"no payload", "at byte 39"}},
		{"legacy three headers", `{"headers":["d","m","s"]}` + LegacyDelimiter + "{}", []string{"exactly 4 strings", "at byte 0"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := Parser{AllowLegacy: true}
			m, err := p.Parse([]byte(c.msg))
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want an error", c.msg, m)
			}
			wantBadRequest(t, err, c.parts...)
		})
	}
}

func framedS(header string) string { return string(framed(header, "{}")) }

func TestParseMaxHeaderBytes(t *testing.T) {
	header := `{"headers":["d","m","s","c"],"extraKeys":["p"]}`
	p := Parser{MaxHeaderBytes: len(header)}
	if _, err := p.Parse(framed(header, "{}")); err != nil {
		t.Fatalf("header of exactly the limit refused: %v", err)
	}
	p.MaxHeaderBytes = len(header) - 1
	_, err := p.Parse(framed(header, "{}"))
	wantBadRequest(t, err, "47 bytes, more than the limit of 46")
}

// TestParseReuse checks that a Parser can be reused after errors and that each Parse
// returns the fields of its own message.
func TestParseReuse(t *testing.T) {
	var p Parser
	msgs := [][]byte{
		readTestdata(t, "ws_learn_vector.txt"),
		[]byte("3,{x}{}"),
		readTestdata(t, "ws_predict_vector.txt"),
		[]byte(predictPayload),
		framed(`{"headers":["d","m","s","c"]}`, "{}"),
	}
	wantCID := []string{"c1", "", "c1", "", "c"}
	wantKeys := []int{1, 0, 2, 0, 0}
	for round := 0; round < 2; round++ {
		for i, msg := range msgs {
			m, err := p.Parse(msg)
			if i == 1 {
				if err == nil {
					t.Fatal("bad message accepted")
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(m.CID) != wantCID[i] || len(m.ExtraKeys) != wantKeys[i] {
				t.Errorf("message %d: CID %q, %d extra keys", i, m.CID, len(m.ExtraKeys))
			}
		}
	}
}

func TestFormString(t *testing.T) {
	for f, want := range map[Form]string{FormFramed: "framed", FormSession: "session", FormLegacy: "legacy", Form(9): "Form(9)"} {
		if got := f.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", f, got, want)
		}
	}
}
