package ui_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/testserver"
)

// The dashboard's JavaScript modules tested where they run: in Chromium, on a page of the
// test server, imported as the dashboard imports them.

// openModules opens the dashboard's page (secure: loopback) and returns the browser.
func openModules(t *testing.T) *browser {
	s := testserver.Start(t, testkit.Config())
	b := newBrowser(t)
	b.do("open", chromedp.Navigate("http://"+s.Addr()+"/ui/"))
	b.waitJS("the page", `document.querySelector('#signin')`)
	return b
}

// TestSigningKnownAnswers signs the known-answer vectors of docs/protocol.md 1.2 and 2
// with the browser code, through Web Crypto and through @noble/hashes.
func TestSigningKnownAnswers(t *testing.T) {
	b := openModules(t)
	const (
		secret  = "A1ciUrDJgm5LIJU710bxeQ=="
		date    = "2025-11-16 20:11:50;294669000"
		learn   = `{"attributeNames":["sepal_length","sepal_width","petal_length","petal_width","sepal_lengt_b1","sepal_lengt_b2","sepal_width_b1","sepal_width_b2","petal_length_b1","petal_length_b2","petal_width_b1","petal_width_b2","Iris_setosa","Iris_versicolor","Iris_virginica"],"data":[["4.3","3","1.1","0.1","1","0","0","1","1","0","1","0","1","0","0"],["4.8","3","1.4","0.1","1","0","0","1","1","0","1","0","1","0","0"]],"attributeTypes":["C","C","C","C","B","B","B","B","B","B","B","B","B","B","B"],"errorHandling":1}`
		predict = `{"attributeNames":["sepal_length","sepal_width","petal_length"],"data":[["4.3","3","1.1"]],"attributeTypes":["C","C","C"]}`
		build   = `{"targets":["12"],"inputAttributes":["0","1","2","3"],"extraParameters":{}}`
	)
	// [what, JavaScript computing [md5, signature], want md5, want signature]
	cases := [][4]string{
		{"WebSocket learn", fmt.Sprintf(`[S.contentMD5(%[1]q), await k.sign(S.wsStringToSign(S.contentMD5(%[1]q), %[2]q, %[3]q, "c1", %[1]q, "ws://charm:8080/symetry/ws/learn", ["rtest1"]))]`, learn, secret, date),
			"QIrbsrJcSCNAYVFjcjkHMw==", "5+38zLMsXJlRj56cwn4S07vmdPkSArnYRhm/MldCWng="},
		{"WebSocket predict", fmt.Sprintf(`[S.contentMD5(%[1]q), await k.sign(S.wsStringToSign(S.contentMD5(%[1]q), %[2]q, %[3]q, "c1", %[1]q, "ws://charm:8080/symetry/ws/predict", ["irisTest", "testLDA"]))]`, predict, secret, date),
			"bPXTb+OmmWaRw/5xwdpfyw==", "uGFPh96htcxQ7/vtI6RCjuMAVje92dcq617z+RMjQWM="},
		{"REST info", fmt.Sprintf(`["", await k.sign(S.restStringToSign("GET", "", %[1]q, %[2]q, "c1", "", "/symetry/rest/c1/projects/irisTest/info", ""))]`, secret, date),
			"", "k//rgtxhG24fM8p/DA0RZNHkBmkhxr9WlmM+IBRWYWg="},
		{"REST build", fmt.Sprintf(`[S.contentMD5(%[3]q), await k.sign(S.restStringToSign("POST", S.contentMD5(%[3]q), %[1]q, %[2]q, "c1", %[3]q, "/symetry/rest/c1/projects/irisTest/build", "algo=lda&modelid=lda1"))]`, secret, date, build),
			"4X9CgBqOcvXkRJ0a2NYnHw==", "Igg4xCVfhmY7ycYXYhzwjvDz7rs+3AmgHrwQzyx1ZkA="},
	}
	for _, mode := range []struct{ arg, want string }{{"'auto'", "Web Crypto"}, {"false", "JavaScript (@noble/hashes 2.4.0)"}} {
		for _, c := range cases {
			got := eval[[]string](b, fmt.Sprintf(`(async () => { const S = await import('/ui/js/sign.js');
				const k = await S.Signer.create("c1", %q, %s);
				if (k.mode !== %q) throw new Error('mode ' + k.mode);
				return %s; })()`, secret, mode.arg, mode.want, c[1]))
			if got[0] != c[2] || got[1] != c[3] {
				t.Errorf("%s with %s: md5 %q signature %q, want %q %q", c[0], mode.want, got[0], got[1], c[2], c[3])
			}
		}
	}
	// The whole framed message of docs/protocol.md 1.2: its header length is 147.
	hdr := eval[string](b, fmt.Sprintf(`(async () => { const S = await import('/ui/js/sign.js');
		const k = await S.Signer.create("c1", %q); const md5 = S.contentMD5(%q);
		const sig = await k.sign(S.wsStringToSign(md5, %q, %q, "c1", %q, "ws://charm:8080/symetry/ws/learn", ["rtest1"]));
		const h = JSON.stringify({headers: [%q, md5, sig, "c1"], extraKeys: ["rtest1"]});
		return S.utf8Length(h) + ',' + h; })()`, secret, learn, secret, date, learn, date))
	if want := `147,{"headers":["2025-11-16 20:11:50;294669000","QIrbsrJcSCNAYVFjcjkHMw==","5+38zLMsXJlRj56cwn4S07vmdPkSArnYRhm/MldCWng=","c1"],"extraKeys":["rtest1"]}`; hdr != want {
		t.Errorf("framed header\n got %s\nwant %s", hdr, want)
	}
}

// TestSigningRefusesBadKeys: a secret that is not canonical Base64, or an empty cid, is
// refused before anything is signed.
func TestSigningRefusesBadKeys(t *testing.T) {
	b := openModules(t)
	for _, c := range []struct{ cid, secret, want string }{
		{"c1", "", "not Base64"},
		{"c1", "not base64!", "not Base64"},
		{"c1", "A1ciUrDJgm5LIJU710bxeQ=", "not Base64"},
		{"c1", "A1ciUrDJgm5LIJU710bxeR==", "not canonical"},
		{"c1", "A1ciUrDJgm5LIJU710bxeQ== ", "not Base64"},
		{"", "A1ciUrDJgm5LIJU710bxeQ==", "cid"},
	} {
		got := eval[string](b, fmt.Sprintf(`(async () => { const S = await import('/ui/js/sign.js');
			try { await S.Signer.create(%q, %q); return 'accepted'; } catch (e) { return e.message; } })()`, c.cid, c.secret))
		if !strings.Contains(got, c.want) {
			t.Errorf("cid %q secret %q: %q, want an error containing %q", c.cid, c.secret, got, c.want)
		}
	}
}

// TestSymDates: dates are in the server's format, and two never repeat, even within one
// millisecond or when the clock goes back.
func TestSymDates(t *testing.T) {
	b := openModules(t)
	got := eval[[]string](b, `(async () => { const S = await import('/ui/js/sign.js');
		const t0 = Date.UTC(2025, 10, 16, 20, 11, 50, 294);
		return [S.symDate(t0), S.symDate(t0), S.symDate(t0 - 5000), S.symDate(t0 + 1)]; })()`)
	want := []string{"2025-11-16 20:11:50;294000000", "2025-11-16 20:11:50;294000001", "2025-11-16 20:11:50;294000002", "2025-11-16 20:11:50;295000000"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("dates %q, want %q", got, want)
	}
}

// TestCSVModule: the browser's CSV reading — records and their lines, quotes, the sample
// of a file's start, malformed input — and the type inference and cell checks of upload.
func TestCSVModule(t *testing.T) {
	b := openModules(t)
	run := func(js string) string {
		t.Helper()
		return eval[string](b, `(async () => { const C = await import('/ui/js/csv.js');
			try { return String(JSON.stringify(`+js+`)); } catch (e) { return 'error: ' + e.message; } })()`)
	}
	for _, c := range []struct{ js, want string }{
		{`C.parseCSV('a,b\n1,2\r\n3,4')`, `[{"cells":["a","b"],"line":1},{"cells":["1","2"],"line":2},{"cells":["3","4"],"line":3}]`},
		{`C.parseCSV('a,b\n"x, ""y""\nz",2\n\n5,6\n')`, `[{"cells":["a","b"],"line":1},{"cells":["x, \"y\"\nz","2"],"line":2},{"cells":["5","6"],"line":5}]`},
		{`C.parseCSV('a\n""\n')`, `[{"cells":["a"],"line":1},{"cells":[""],"line":2}]`},
		{`C.parseCSV('a,b\n1,2\n3,')`, `[{"cells":["a","b"],"line":1},{"cells":["1","2"],"line":2},{"cells":["3",""],"line":3}]`},
		{`C.parseCSV('a,b\n1,2\n3,4', true)`, `[{"cells":["a","b"],"line":1},{"cells":["1","2"],"line":2}]`},
		{`C.parseCSV('a,b\n1,"2\n3', true)`, `[{"cells":["a","b"],"line":1}]`},
		{`C.parseCSV('a,b\n1,"2\n3')`, `error: line 2: a quoted field is not closed at the end of the file`},
		{`C.parseCSV('a,b\n1,x"y\n')`, `error: line 2: a double quote inside an unquoted field (quote the field and write the quote twice)`},
		{`C.parseCSV('a,b\n1,"x"y\n')`, `error: line 2: text after the closing quote of a field`},
		{`C.parseCSV('')`, `[]`},
		{`C.inferTypes(4, C.parseCSV('1,0,x,1.5\n0,1,2,2e3\n1, ,y,-3\n'))`, `["B","B","T","C"]`},
		{`C.inferTypes(2, C.parseCSV('nan,inf\n1,2\n'))`, `["T","T"]`},
		{`[C.cellNumber(' 1.5e3 '), C.cellNumber('.5'), C.cellNumber('1e400'), C.cellNumber('0x10'), C.cellNumber('')]`, `[1500,0.5,null,null,null]`},
		{`C.checkRecords(['a','b'], ['C','B'], C.parseCSV('1,0\n2,1\n'))`, `undefined`},
		{`C.checkRecords(['a','b'], ['C','B'], C.parseCSV('1,0\n\n2,3\n'))`, `error: line 3, column "b": "3" is not 0 or 1 (type B)`},
		{`C.checkRecords(['a','b'], ['C','X'], C.parseCSV('1,0\nabc,3\n'))`, `error: line 2, column "a": "abc" is not a number`},
		{`C.checkRecords(['a','b'], ['C','C'], C.parseCSV('1,0\n2\n'))`, `error: line 2: 1 fields where the header has 2`},
		{`C.checkRecords(['a','b'], ['T','C'], C.parseCSV('x,1e101\n'))`, `error: line 1, column "b": "1e101" is larger than 1e100 in magnitude`},
		{`C.checkRecords(['a','b'], ['T','C'], C.parseCSV('  ,1\n'))`, `error: line 1, column "a": empty cell`},
		{`C.parseCSV('a,"b"\n"",c\n')`, `[{"cells":["a","b"],"line":1},{"cells":["","c"],"line":2}]`},
		{`['a', 'b,c', 'd"e', 'f\ng', null].map(C.csvField).join(',')`, `"a,\"b,c\",\"d\"\"e\",\"f\ng\","`},
	} {
		if got := run(c.js); got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.js, got, c.want)
		}
	}
}
