package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/uploadkit"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/store"
)

// readCSVFile reads the CSV file at path: its header and its rows.
func readCSVFile(t *testing.T, path string) (header []string, rows [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("%s: %d records, %v", path, len(recs), err)
	}
	return recs[0], recs[1:]
}

// pythonOrSkip returns a Python 3 that imports websockets ($PYTHON, python3,
// /usr/bin/python3), or skips the test, loudly, when there is none.
func pythonOrSkip(t *testing.T) string {
	t.Helper()
	for _, py := range []string{os.Getenv("PYTHON"), "python3", "/usr/bin/python3"} {
		if py == "" {
			continue
		}
		if exec.Command(py, "-c", "import websockets").Run() == nil {
			return py
		}
	}
	t.Skip("SKIPPED LOUDLY: no Python 3 with the websockets module; apt-get install -y python3-websockets (Debian) or set PYTHON to an interpreter that has it")
	return ""
}

// TestClientExamplesAgainstServer runs the Java and the Python client examples, and the
// same steps with the Go client, against a live symscore: each creates a project, learns
// iris over WebSocket (25 rows per message), builds lda over REST and predicts four rows
// over WebSocket. All three print the same lines, and those lines are the predictions of
// the same model built in process from the same rows, to the last digit. They do it twice:
// over http:// and ws://, and over https:// and wss:// with a certificate of a private
// authority, made for the test, that each client trusts through SYMSCORE_CA_FILE (the
// Java client's SSLContext, the Python client's ssl context, the Go client's tls.Config).
func TestClientExamplesAgainstServer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Java and Python clients")
	}
	root, _ := filepath.Abs("../..")
	iris := filepath.Join(root, "clients", "testdata", "iris.csv")
	want := expectedExampleLines(t, iris)
	t.Run("plain", func(t *testing.T) { runClientExamples(t, root, iris, want, nil) })
	t.Run("tls", func(t *testing.T) {
		files := testkit.NewCA(t, "symscore test CA").WriteTLSFiles(t, t.TempDir(), "symscore test server")
		runClientExamples(t, root, iris, want, &files)
	})
}

// runClientExamples starts a server (over TLS with tlsFiles when not nil) and runs the
// three clients' examples against it.
func runClientExamples(t *testing.T, root, iris, want string, tlsFiles *testkit.TLSFiles) {
	tlsKeys := ""
	if tlsFiles != nil {
		tlsKeys = fmt.Sprintf("tls:\n  cert_file: %q\n  key_file: %q\n", tlsFiles.Cert, tlsFiles.Key)
	}
	p := startServe(t, "--config", writeC1Config(t, tlsKeys))
	started := p.waitLog(t, "symscore started", 30*time.Second)
	addr := started["listen"].(string)
	url := "http://" + addr
	env := append(os.Environ(), "SYMSCORE_CID=c1", "SYMSCORE_SECRET="+crashSecret, "SYMSCORE_IRIS="+iris)
	var goOpts []client.Option
	if tlsFiles != nil {
		if started["tls"] != true {
			t.Fatalf("symscore started without TLS: %v", started)
		}
		url = "https://" + addr
		env = append(env, "SYMSCORE_CA_FILE="+tlsFiles.CA)
		cfg, err := client.LoadCAFile(tlsFiles.CA)
		if err != nil {
			t.Fatal(err)
		}
		goOpts = append(goOpts, client.WithTLSConfig(cfg))
	}
	env = append(env, "SYMSCORE_URL="+url)

	run := func(t *testing.T, name string, cmd *exec.Cmd) {
		var stdout, stderr bytes.Buffer
		cmd.Env, cmd.Stdout, cmd.Stderr, cmd.Dir = env, &stdout, &stderr, root
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s example: %v\nstderr:\n%s", name, err, stderr.String())
		}
		if got := stdout.String(); got != want {
			t.Fatalf("%s example printed:\n%s\nwant (model built in process):\n%s", name, got, want)
		}
	}
	t.Run("go", func(t *testing.T) {
		if got := goClientExample(t, url, iris, goOpts...); got != want {
			t.Fatalf("Go client printed:\n%s\nwant (model built in process):\n%s", got, want)
		}
	})
	t.Run("java", func(t *testing.T) {
		if _, err := exec.LookPath("javac"); err != nil {
			t.Skip("SKIPPED LOUDLY: no javac on PATH; install a JDK 17 (apt-get install -y openjdk-17-jdk-headless) to run the Java client against the server")
		}
		run(t, "java", exec.Command(filepath.Join(root, "clients", "java", "build.sh"), "example", "javaIris"))
	})
	t.Run("python", func(t *testing.T) {
		py := pythonOrSkip(t)
		run(t, "python", exec.Command(py, filepath.Join(root, "clients", "python", "example.py"), "pythonIris"))
	})
}

// learnedIris is a project that learned the CSV in process as the examples send it (25
// rows a frame, in order), and the CSV's rows.
func learnedIris(t *testing.T, path string) (*model.Project, [][]string) {
	t.Helper()
	header, rows := readCSVFile(t, path)
	// Learned through a store, as the server learns them: each frame logged (and applied)
	// as its rows or its summary delta, whichever is smaller.
	st, err := store.Open(store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Create("c", "p", "", nil); err != nil {
		t.Fatal(err)
	}
	types := []string{"C", "C", "C", "C", "T", "B", "B", "B"}
	var parser dataframe.Parser
	for lo := 0; lo < len(rows); lo += 25 {
		fr, err := parser.Parse([]byte(dataFrameJSON(header, types, rows[lo:min(lo+25, len(rows))])), dataframe.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Learn("c", "p", fr); err != nil {
			t.Fatal(err)
		}
	}
	p, err := st.Project("c", "p")
	if err != nil {
		t.Fatal(err)
	}
	return p, rows
}

// expectedExampleLines learns the CSV into a project in process, in the examples' order,
// builds their lda model and formats rows 0, 50, 100 and 149 as they print them.
func expectedExampleLines(t *testing.T, path string) string {
	t.Helper()
	p, rows := learnedIris(t, path)
	m, err := model.Build(p.Snapshot(), "lda", "lda1", model.MLContext{
		TargetNames: []string{"Iris_virginica"},
		InputNames:  []string{"sepal_length", "sepal_width", "petal_length", "petal_width"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	out := make([]float64, len(m.Outputs()))
	for _, r := range []int{0, 50, 100, 149} {
		x := make([]float64, 4)
		for j := range x {
			x[j], _ = strconv.ParseFloat(rows[r][j], 64)
		}
		m.Predict(x, out)
		kv := map[string]string{}
		for i, o := range m.Outputs() {
			switch o.Kind {
			case model.OutputClass:
				kv[o.Key] = m.Classes()[int(out[i])]
			case model.OutputBool:
				kv[o.Key] = strconv.FormatBool(out[i] == 1)
			default:
				kv[o.Key] = strconv.FormatFloat(out[i], 'g', -1, 64)
			}
		}
		keys := make([]string, 0, len(kv))
		for k := range kv {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(&b, "row=%d", r)
		for _, k := range keys {
			fmt.Fprintf(&b, " %s=%s", k, kv[k])
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func dataFrameJSON(names, types []string, rows [][]string) string {
	q := func(ss []string) string {
		parts := make([]string, len(ss))
		for i, s := range ss {
			parts[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	var rs []string
	for _, r := range rows {
		rs = append(rs, q(r))
	}
	return `{"attributeNames":` + q(names) + `,"attributeTypes":` + q(types) + `,"data":[` + strings.Join(rs, ",") + `]}`
}

// goClientExample does what the Java and Python examples do, with package client, and
// formats the predictions as they print them.
func goClientExample(t *testing.T, url, iris string, opts ...client.Option) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	header, rows := readCSVFile(t, iris)
	c, err := client.New(url, "c1", crashSecret, opts...)
	if err != nil {
		t.Fatal(err)
	}
	const pid = "goIris"
	if err := c.CreateProject(ctx, pid, "cpu", nil); err != nil {
		t.Fatal(err)
	}
	defer c.DeleteProject(context.Background(), pid)
	ls, err := c.OpenLearn(ctx, pid)
	if err != nil {
		t.Fatal(err)
	}
	var pending []*client.Pending
	for lo := 0; lo < len(rows); lo += 25 {
		pending = append(pending, ls.Send([]byte(dataFrameJSON(header, []string{"C", "C", "C", "C", "T", "B", "B", "B"}, rows[lo:min(lo+25, len(rows))]))))
	}
	for _, p := range pending {
		if _, err := p.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	ls.Close()
	inputs := []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}
	if err := c.Build(ctx, pid, "lda", "lda1", client.MLContext{Inputs: inputs, Targets: []string{"Iris_virginica"}}); err != nil {
		t.Fatal(err)
	}
	ps, err := c.OpenPredict(ctx, pid, "lda1")
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	var b strings.Builder
	for _, r := range []int{0, 50, 100, 149} {
		reply, err := ps.Do(ctx, []byte(dataFrameJSON(inputs, []string{"C", "C", "C", "C"}, [][]string{rows[r][:4]})))
		if err != nil {
			t.Fatal(err)
		}
		preds, err := reply.Predictions()
		if err != nil || len(preds) != 1 {
			t.Fatalf("predictions %v, %v", preds, err)
		}
		keys := make([]string, 0, len(preds[0]))
		for k := range preds[0] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(&b, "row=%d", r)
		for _, k := range keys {
			fmt.Fprintf(&b, " %s=%s", k, preds[0][k])
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TestPythonUploadAgainstServer: the Python client's upload (clients/python/upload_example.py)
// against a live symscore: it learns iris.csv as one change over several connections and
// the project holds the 150 rows; a second run resumes an upload whose first bytes were
// sent by the Go client, sending the rest and only the rest.
func TestPythonUploadAgainstServer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Python client")
	}
	py := pythonOrSkip(t)
	root, _ := filepath.Abs("../..")
	iris := filepath.Join(root, "clients", "testdata", "iris.csv")
	addr, c := startClientServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	data, err := os.ReadFile(iris)
	if err != nil {
		t.Fatal(err)
	}
	for _, pid := range []string{"py", "resumed"} {
		if err := c.CreateProject(ctx, pid, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(py, append([]string{filepath.Join(root, "clients", "python", "upload_example.py")}, args...)...)
		var stdout, stderr bytes.Buffer
		cmd.Env = append(os.Environ(), "SYMSCORE_URL=http://"+addr, "SYMSCORE_CID=c1", "SYMSCORE_SECRET="+crashSecret)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("upload_example.py %v: %v\nstderr:\n%s", args, err, stderr.String())
		}
		if !strings.Contains(stderr.String(), "sending") || !strings.Contains(stderr.String(), "learning 100%") {
			t.Errorf("progress:\n%s", stderr.String())
		}
		return stdout.String()
	}
	if out := run("--connections", "3", "--chunk-size", "500", iris, "py"); !strings.Contains(out, fmt.Sprintf("rows=150 skipped=0 sent=%d\n", len(data))) {
		t.Fatalf("upload: %q", out)
	}
	a := uploadkit.StartPartial(ctx, t, c, "resumed", "iris.csv", data, 2000)
	if out := run(iris, "resumed", a.ID); out != fmt.Sprintf("upload=%s rows=150 skipped=0 sent=%d\n", a.ID, len(data)-2000) {
		t.Fatalf("resume: %q", out)
	}
	for _, pid := range []string{"py", "resumed"} {
		if info, err := c.ProjectInfo(ctx, pid); err != nil || info.Rows != 150 {
			t.Fatalf("project %s: %+v, %v", pid, info, err)
		}
	}
}

// startClientServer starts a server on loopback for the client tests, with customer c1
// (secret crashSecret), and returns its address and a Go client of c1.
func startClientServer(t *testing.T) (string, *client.Client) {
	t.Helper()
	p := startServe(t, "--config", writeC1Config(t, ""))
	addr := p.waitLog(t, "symscore started", 30*time.Second)["listen"].(string)
	c, err := client.New("http://"+addr, "c1", crashSecret)
	if err != nil {
		t.Fatal(err)
	}
	return addr, c
}
