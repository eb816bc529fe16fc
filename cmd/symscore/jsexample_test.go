package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/symscore/symscore/model"
)

// TestJSExampleAgainstServer runs clients/js/example.js, the unmodified wslink JavaScript
// client from npm in Node, against a live symscore, with wslink 2.x and with 1.x: each
// signs in on /symetry/ws/rpc, subscribes to sepal_length, learns iris, prints the value
// published on symscore.data once every row is in, builds lda and scores four rows with
// predict_matrix; both print the statistics of the same rows learned in process and the
// predictions of the same model built from them, to the last digit. The packages come from clients/js/package-lock.json
// (`make js-deps`, run by `make test`, installs them once).
func TestJSExampleAgainstServer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Node")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("SKIPPED LOUDLY: no node on PATH; apt-get install -y nodejs npm, then make js-deps, to run the wslink example against the server")
	}
	root, _ := filepath.Abs("../..")
	js := filepath.Join(root, "clients", "js")
	for _, pkg := range []string{"wslink", "wslink1", "ws"} {
		if _, err := os.Stat(filepath.Join(js, "node_modules", pkg, "package.json")); err != nil {
			t.Skipf("SKIPPED LOUDLY: clients/js/node_modules/%s is missing; run make js-deps (npm ci from clients/js/package-lock.json)", pkg)
		}
	}
	iris := filepath.Join(root, "clients", "testdata", "iris.csv")
	want := expectedJSData(t, iris) + expectedJSLines(t, iris)

	addr, _ := startClientServer(t)
	for _, v := range []string{"2", "1"} {
		t.Run("wslink"+v, func(t *testing.T) {
			cmd := exec.Command(node, filepath.Join(js, "example.js"), "jsIris"+v)
			var stdout, stderr bytes.Buffer
			cmd.Env = append(os.Environ(), "SYMSCORE_URL=http://"+addr, "SYMSCORE_CID=c1",
				"SYMSCORE_SECRET="+crashSecret, "SYMSCORE_IRIS="+iris, "WSLINK="+v)
			cmd.Stdout, cmd.Stderr, cmd.Dir = &stdout, &stderr, js
			if err := cmd.Run(); err != nil {
				t.Fatalf("the wslink %s.x example: %v\nstderr:\n%s", v, err, stderr.String())
			}
			if !strings.Contains(stderr.String(), "signed in with wslink "+v+".x") {
				t.Fatalf("the example did not use wslink %s.x:\n%s", v, stderr.String())
			}
			if got := stdout.String(); got != want {
				t.Fatalf("the wslink %s.x example printed:\n%s\nwant (model built in process):\n%s", v, got, want)
			}
		})
	}
}

// expectedJSData is the line the JavaScript example prints for the published statistics
// of sepal_length over every row: the uni metric of the project learned in process, keys
// sorted, numbers as JavaScript writes them.
func expectedJSData(t *testing.T, iris string) string {
	t.Helper()
	p, rows := learnedIris(t, iris)
	var r model.Reading
	p.Read(&model.ReadRequest{Names: []string{"sepal_length"}}, &r)
	u := r.Uni[0]
	if u.Index < 0 || u.Count != float64(len(rows)) {
		t.Fatalf("sepal_length in process: %+v", u)
	}
	return fmt.Sprintf("data name=sepal_length count=%s max=%s mean=%s min=%s stddev=%s variance=%s\n",
		jsNumber(u.Count), jsNumber(u.Max), jsNumber(u.Mean), jsNumber(u.Min), jsNumber(u.Stddev), jsNumber(u.Variance))
}

// expectedJSLines are the lines the JavaScript example prints for the model
// expectedExampleLines builds: keys sorted, res by class name, every other value the
// number predict_matrix gives, written as JavaScript writes numbers.
func expectedJSLines(t *testing.T, iris string) string {
	t.Helper()
	// expectedExampleLines' lines hold the same values in Go's notation.
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(expectedExampleLines(t, iris)), "\n") {
		fields := strings.Fields(line)
		sort.Strings(fields[1:])
		for i, f := range fields[1:] {
			k, v, _ := strings.Cut(f, "=")
			switch {
			case k == "res":
			case v == "true":
				v = "1"
			case v == "false":
				v = "0"
			default:
				x, err := strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				v = jsNumber(x)
			}
			fields[1+i] = k + "=" + v
		}
		b.WriteString(strings.Join(fields, " ") + "\n")
	}
	return b.String()
}

// jsNumber writes f as JavaScript's Number.prototype.toString does (ECMA-262
// Number::toString): the shortest round-trip digits, in positional notation for decimal
// exponents from -6 to 20, in exponential notation otherwise.
func jsNumber(f float64) string {
	switch {
	case f == 0:
		return "0"
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±xx
	mant, exp, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	x, _ := strconv.Atoi(exp)
	k, n := len(digits), x+1
	switch {
	case k <= n && n <= 21:
		return sign + digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		return sign + digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		return sign + "0." + strings.Repeat("0", -n) + digits
	}
	es := "+"
	if n-1 < 0 {
		es = "-"
	}
	m := digits[:1]
	if k > 1 {
		m += "." + digits[1:]
	}
	return sign + m + "e" + es + strconv.Itoa(int(math.Abs(float64(n-1))))
}

func TestJSNumber(t *testing.T) {
	for f, want := range map[float64]string{
		1: "1", 0.5: "0.5", 1e21: "1e+21", 1e20: "100000000000000000000", 123.456: "123.456", 1e-7: "1e-7",
		1.5e-7: "1.5e-7", 0.000001: "0.000001", 0.0008577323949525796: "0.0008577323949525796", -2.5e300: "-2.5e+300",
		13.34339177710958: "13.34339177710958", 5e-324: "5e-324",
	} {
		if got := jsNumber(f); got != want {
			t.Errorf("jsNumber(%v) = %s, want %s", f, got, want)
		}
	}
}
