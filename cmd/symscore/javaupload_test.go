package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/client"
)

// TestJavaUploadAgainstServer: the Java client's upload (clients/java UploadExample) against
// a live symscore.
//
//   - iris.csv in small chunks over three connections: the project holds the statistics of
//     learning the same rows as DataFrames with the Go client (every attribute's uni
//     statistics and pairs' bi statistics, to 1e-12 relative), and the same attributes.
//   - a resume: the Go client announces an upload and sends two separate pieces of the file;
//     the Java client resumes it, sends exactly the bytes still missing, and the project
//     ends with the same statistics.
//   - a bad cell: the job fails with the cell's line and column and nothing is learned; a
//     resume with errorHandling 1 learns the good rows without sending the file again.
//   - --forget takes iris out again.
func TestJavaUploadAgainstServer(t *testing.T) {
	java := javaUploadRunner(t)
	root, _ := filepath.Abs("../..")
	iris := filepath.Join(root, "clients", "testdata", "iris.csv")
	addr, c := startClientServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, pid := range []string{"java", "resumed", "bad", "ref"} {
		if err := c.CreateProject(ctx, pid, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	learnIrisREST(ctx, t, c, "ref", iris)
	env := []string{"SYMSCORE_URL=http://" + addr, "SYMSCORE_CID=c1", "SYMSCORE_SECRET=" + crashSecret}
	okLine := javaUploadOK
	data, err := os.ReadFile(iris)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("upload", func(t *testing.T) {
		out, code := java(env, "--connections", "3", "--window", "2", "--chunk-size", "300", iris, "java")
		m := okLine.FindStringSubmatch(out)
		if code != 0 || m == nil || m[3] != "150" || m[4] != "0" || m[5] != fmt.Sprint(len(data)) {
			t.Fatalf("exit %d, stdout %q: want 150 rows, 0 skipped, %d bytes sent", code, out, len(data))
		}
		st, err := c.UploadStatus(ctx, m[1])
		if err != nil || st.State != "done" || st.Job != m[2] || st.RowsApplied != 150 {
			t.Fatalf("upload status %+v, %v", st, err)
		}
		sameStatistics(ctx, t, c, "java", "ref")
	})

	t.Run("resume", func(t *testing.T) {
		a, err := c.AnnounceUpload(ctx, "resumed", "iris.csv", int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		uc, err := c.OpenUpload(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []client.ByteRange{{From: 0, To: 1000}, {From: 2500, To: 3100}} {
			if _, err := uc.Send(r.From, data[r.From:r.To]).Wait(); err != nil {
				t.Fatal(err)
			}
		}
		uc.Close()
		out, code := java(env, "--connections", "2", "--chunk-size", "400", "--resume", a.ID, iris, "resumed")
		m := okLine.FindStringSubmatch(out)
		if want := fmt.Sprint(len(data) - 1600); code != 0 || m == nil || m[1] != a.ID || m[3] != "150" || m[5] != want {
			t.Fatalf("exit %d, stdout %q: want upload %s, 150 rows, %s bytes sent (the missing ones)", code, out, a.ID, want)
		}
		sameStatistics(ctx, t, c, "resumed", "ref")
	})

	t.Run("bad cell", func(t *testing.T) {
		path := writeFile(t, "bad.csv", badCellCSV())
		out, code := java(env, "--types", "C,B", "--chunk-size", "500", path, "bad")
		m := regexp.MustCompile(`^failed upload=([A-Z2-7]{26}) node=- finalizing=true line=125 field=1 column=x\n$`).FindStringSubmatch(out)
		if code != 1 || m == nil {
			t.Fatalf("exit %d, stdout %q: want a failed job at line 125, column 1 (x)", code, out)
		}
		if info, err := c.ProjectInfo(ctx, "bad"); err != nil || info.Rows != 0 {
			t.Fatalf("after a failed upload: %+v, %v", info, err)
		}
		out, code = java(env, "--types", "C,B", "--error-handling", "1", "--resume", m[1], path, "bad")
		again := okLine.FindStringSubmatch(out)
		if code != 0 || again == nil || again[1] != m[1] || again[3] != "299" || again[4] != "1" || again[5] != "0" {
			t.Fatalf("finalized again: exit %d, stdout %q: want 299 rows, 1 skipped, nothing sent", code, out)
		}
		if info, err := c.ProjectInfo(ctx, "bad"); err != nil || info.Rows != 299 {
			t.Fatalf("after finalizing again: %+v, %v", info, err)
		}
	})

	t.Run("forget", func(t *testing.T) {
		out, code := java(env, "--forget", iris, "java")
		if m := okLine.FindStringSubmatch(out); code != 0 || m == nil || m[3] != "150" {
			t.Fatalf("exit %d, stdout %q", code, out)
		}
		if info, err := c.ProjectInfo(ctx, "java"); err != nil || info.Rows != 0 {
			t.Fatalf("after the forget upload: %+v, %v", info, err)
		}
	})
}

// javaUploadOK is UploadExample's output on success: upload, job, rows, skipped, sent.
var javaUploadOK = regexp.MustCompile(`^upload=([A-Z2-7]{26}) job=([A-Z2-7]{26}) rows=(\d+) skipped=(\d+) sent=(\d+)\n$`)

// javaUploadRunner compiles the Java client (clients/java/build.sh compile) and returns a
// function that runs its UploadExample with args and the environment env (SYMSCORE_URL,
// SYMSCORE_CID, SYMSCORE_SECRET): its standard output and exit status; a success must
// have reported its progress. It skips the test with -short, and loudly without javac.
func javaUploadRunner(t *testing.T) func(env []string, args ...string) (string, int) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the Java client")
	}
	if _, err := exec.LookPath("javac"); err != nil {
		t.Skip("SKIPPED LOUDLY: no javac on PATH; install a JDK 17 (apt-get install -y openjdk-17-jdk-headless) to run the Java client against the server")
	}
	root, _ := filepath.Abs("../..")
	javaDir := filepath.Join(root, "clients", "java")
	if out, err := exec.Command(filepath.Join(javaDir, "build.sh"), "compile").CombinedOutput(); err != nil {
		t.Fatalf("build.sh compile: %v\n%s", err, out)
	}
	return func(env []string, args ...string) (string, int) {
		t.Helper()
		cmd := exec.Command("java", append([]string{"-cp",
			filepath.Join(javaDir, "build", "classes") + string(os.PathListSeparator) + filepath.Join(javaDir, "build", "example-classes"),
			"io.symscore.client.example.UploadExample"}, args...)...)
		var stdout, stderr bytes.Buffer
		cmd.Env = append(os.Environ(), env...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("UploadExample %v: %v", args, err)
		}
		code := cmd.ProcessState.ExitCode()
		if code == 0 && (!strings.Contains(stderr.String(), "sending") || !strings.Contains(stderr.String(), "learning 100%")) {
			t.Errorf("UploadExample %v: progress:\n%s", args, stderr.String())
		}
		t.Logf("UploadExample %v: exit %d\nstdout: %sstderr:\n%s", args, code, stdout.String(), stderr.String())
		return stdout.String(), code
	}
}

// learnIrisREST learns the CSV at path into pid with the Go client, as DataFrames of 50
// rows over REST, with the types an upload infers for iris. Iris is sorted by species:
// each frame lacks two of them, whose indicators its rows count as 0, extremes included,
// as the upload does.
func learnIrisREST(ctx context.Context, t *testing.T, c *client.Client, pid, path string) {
	t.Helper()
	header, rows := readCSVFile(t, path)
	for lo := 0; lo < len(rows); lo += 50 {
		df := dataFrameJSON(header, []string{"C", "C", "C", "C", "T", "B", "B", "B"}, rows[lo:min(lo+50, len(rows))])
		if _, err := c.Learn(ctx, pid, []byte(df)); err != nil {
			t.Fatal(err)
		}
	}
}

// sameStatistics fails unless projects got and want have the same rows and attributes, the
// same uni statistics of every attribute and the same bi statistics of every pair of the
// first five, to 1e-12 relative (the upload summarises the file in parts and merges them:
// equal to learning the rows, not bit for bit).
func sameStatistics(ctx context.Context, t *testing.T, c *client.Client, got, want string) {
	t.Helper()
	gi, err := c.ProjectInfo(ctx, got)
	if err != nil {
		t.Fatal(err)
	}
	wi, err := c.ProjectInfo(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	if gi.Rows != wi.Rows || strings.Join(gi.AttributeNames, ",") != strings.Join(wi.AttributeNames, ",") ||
		strings.Join(gi.AttributeTypes, ",") != strings.Join(wi.AttributeTypes, ",") {
		t.Fatalf("project %s: %d rows, %v %v; project %s: %d rows, %v %v", got, gi.Rows, gi.AttributeNames,
			gi.AttributeTypes, want, wi.Rows, wi.AttributeNames, wi.AttributeTypes)
	}
	names := wi.AttributeNames
	ctxs := []client.MLContext{{Inputs: names}}
	biCtxs := []client.MLContext{}
	for i := 0; i < min(5, len(names)); i++ {
		for j := i + 1; j < min(5, len(names)); j++ {
			biCtxs = append(biCtxs, client.MLContext{Inputs: []string{names[i], names[j]}})
		}
	}
	compared := 0
	for _, q := range []struct {
		metric string
		ctxs   []client.MLContext
	}{{"uni", ctxs}, {"bi", biCtxs}} {
		gs, err := c.Explore(ctx, got, q.metric, q.ctxs...)
		if err != nil {
			t.Fatal(err)
		}
		ws, err := c.Explore(ctx, want, q.metric, q.ctxs...)
		if err != nil {
			t.Fatal(err)
		}
		if len(gs) != len(ws) {
			t.Fatalf("%s: %d results, want %d", q.metric, len(gs), len(ws))
		}
		for i := range ws {
			if strings.Join(gs[i].Keys, ",") != strings.Join(ws[i].Keys, ",") {
				t.Fatalf("%s %d: keys %v, want %v", q.metric, i, gs[i].Keys, ws[i].Keys)
			}
			for k, key := range ws[i].Keys {
				g, w := gs[i].Values[k], ws[i].Values[k]
				if math.IsNaN(w) && math.IsNaN(g) {
					continue
				}
				if math.Abs(g-w) > 1e-12*math.Max(1, math.Abs(w)) {
					t.Errorf("%s %s of %s: %v, learned %v", q.metric, key, got, g, w)
				}
				compared++
			}
		}
	}
	if compared < 100 {
		t.Fatalf("only %d statistics compared", compared)
	}
}
