package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit/uploadkit"
)

// TestPythonUploadThroughBalancer: the Python client's upload (clients/python/upload_example.py)
// given the URL of a balancer that sends each new connection to the next of two cluster
// nodes. Through the balancer an upload's status, chunks and finalize would meet the node
// that does not hold it one time in two; the client follows the node the announce names.
//
//   - iris.csv in small chunks over three connections: both nodes learn its 150 rows.
//   - a resume: the Go client announces an upload through the balancer and sends its first
//     2 000 bytes to the node that holds it; the Python example, given the balancer's URL,
//     the upload's id and that node, sends exactly the bytes still missing, and both nodes
//     learn the 150 rows.
func TestPythonUploadThroughBalancer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Python client")
	}
	py := pythonOrSkip(t)
	root, _ := filepath.Abs("../..")
	iris := filepath.Join(root, "clients", "testdata", "iris.csv")
	data, err := os.ReadFile(iris)
	if err != nil {
		t.Fatal(err)
	}
	lb, cs := startBalancedCluster(t, "py", "resumed")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	okLine := regexp.MustCompile(`^upload=([A-Z2-7]{26}) rows=(\d+) skipped=(\d+) sent=(\d+)\n$`)
	run := func(args ...string) []string {
		t.Helper()
		cmd := exec.Command(py, append([]string{filepath.Join(root, "clients", "python", "upload_example.py")}, args...)...)
		var stdout, stderr bytes.Buffer
		cmd.Env = append(os.Environ(), "SYMSCORE_URL=http://"+lb, "SYMSCORE_CID="+testenv.CID1, "SYMSCORE_SECRET="+testenv.Secret1)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("upload_example.py %v: %v\nstdout: %s\nstderr:\n%s", args, err, stdout.String(), stderr.String())
		}
		if !strings.Contains(stderr.String(), "sending") || !strings.Contains(stderr.String(), "learning 100%") {
			t.Errorf("progress:\n%s", stderr.String())
		}
		m := okLine.FindStringSubmatch(stdout.String())
		if m == nil {
			t.Fatalf("upload_example.py %v: stdout %q", args, stdout.String())
		}
		return m[1:]
	}
	holdAll := func(pid string) {
		t.Helper()
		testenv.Eventually(t, "both nodes to hold the 150 rows of "+pid, func() bool {
			for _, c := range cs {
				if c.Project(pid).Rows() != 150 {
					return false
				}
			}
			return true
		})
	}

	m := run("--connections", "3", "--chunk-size", "300", iris, "py")
	if m[1] != "150" || m[2] != "0" || m[3] != fmt.Sprint(len(data)) {
		t.Fatalf("upload: rows=%s skipped=%s sent=%s, want 150 rows, 0 skipped, %d bytes sent", m[1], m[2], m[3], len(data))
	}
	holdAll("py")

	gc, err := client.New("http://"+lb, testenv.CID1, testenv.Secret1)
	if err != nil {
		t.Fatal(err)
	}
	a := uploadkit.StartPartial(ctx, t, gc, "resumed", "iris.csv", data, 2000)
	if !strings.HasPrefix(a.Node, "ws://127.0.0.1:") {
		t.Fatalf("the announce names node %q", a.Node)
	}
	m = run("--connections", "2", "--chunk-size", "400", iris, "resumed", a.ID, a.Node)
	if m[0] != a.ID || m[1] != "150" || m[3] != fmt.Sprint(len(data)-2000) {
		t.Fatalf("resume: upload=%s rows=%s sent=%s, want upload %s, 150 rows, %d bytes sent (the missing ones)",
			m[0], m[1], m[3], a.ID, len(data)-2000)
	}
	holdAll("resumed")
}
