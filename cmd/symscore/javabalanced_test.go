package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit/uploadkit"
)

// TestJavaUploadThroughBalancer: the Java client's upload (clients/java UploadExample),
// given only the URL of a balancer that sends each new connection to the next of two
// cluster nodes, follows the node its announce names (status, chunks over several
// WebSocket connections signed for that node's URL, finalize), so every request of the
// upload reaches the node that holds it.
//
//   - iris.csv over three connections: learned, and both nodes hold its 150 rows.
//   - a resume: the Go client announces through the balancer and sends the first 2 000 bytes
//     to the node named; the Java client, through the balancer with --resume and --node,
//     sends exactly the bytes still missing, and both nodes hold 150 rows.
//   - a bad cell: the failure names the upload's node; finalizing again with that node,
//     through the balancer, learns the good rows without sending the file again.
func TestJavaUploadThroughBalancer(t *testing.T) {
	java := javaUploadRunner(t)
	root, _ := filepath.Abs("../..")
	iris := filepath.Join(root, "clients", "testdata", "iris.csv")
	data, err := os.ReadFile(iris)
	if err != nil {
		t.Fatal(err)
	}
	lb, cs := startBalancedCluster(t, "java", "resumed", "bad")
	env := []string{"SYMSCORE_URL=http://" + lb, "SYMSCORE_CID=" + testenv.CID1, "SYMSCORE_SECRET=" + testenv.Secret1}
	rowsEverywhere := func(pid string, want int64) {
		t.Helper()
		testenv.Eventually(t, fmt.Sprintf("both nodes to hold %v rows of %s", want, pid), func() bool {
			for _, c := range cs {
				if c.Project(pid).Rows() != want {
					return false
				}
			}
			return true
		})
	}
	// nodeURL fails unless node names one of the nodes, not the balancer.
	nodeURL := func(node string) {
		t.Helper()
		if !strings.HasPrefix(node, "ws://127.0.0.1:") || node == "ws://"+lb {
			t.Fatalf("node %q: want a node's own ws:// URL, not the balancer's (%s)", node, lb)
		}
	}

	t.Run("upload", func(t *testing.T) {
		out, code := java(env, "--connections", "3", "--window", "2", "--chunk-size", "300", iris, "java")
		m := javaUploadOK.FindStringSubmatch(out)
		if code != 0 || m == nil || m[3] != "150" || m[4] != "0" || m[5] != fmt.Sprint(len(data)) {
			t.Fatalf("exit %d, stdout %q: want 150 rows, 0 skipped, %d bytes sent", code, out, len(data))
		}
		rowsEverywhere("java", 150)
	})

	t.Run("resume", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		gc, err := client.New("http://"+lb, testenv.CID1, testenv.Secret1)
		if err != nil {
			t.Fatal(err)
		}
		a := uploadkit.StartPartial(ctx, t, gc, "resumed", "iris.csv", data, 2000)
		nodeURL(a.Node)
		out, code := java(env, "--connections", "2", "--chunk-size", "400", "--resume", a.ID, "--node", a.Node, iris, "resumed")
		m := javaUploadOK.FindStringSubmatch(out)
		if want := fmt.Sprint(len(data) - 2000); code != 0 || m == nil || m[1] != a.ID || m[3] != "150" || m[5] != want {
			t.Fatalf("exit %d, stdout %q: want upload %s, 150 rows, %s bytes sent (the missing ones)", code, out, a.ID, want)
		}
		rowsEverywhere("resumed", 150)
	})

	t.Run("bad cell", func(t *testing.T) {
		path := writeFile(t, "bad.csv", badCellCSV())
		out, code := java(env, "--types", "C,B", "--connections", "3", "--chunk-size", "500", path, "bad")
		m := regexp.MustCompile(`^failed upload=([A-Z2-7]{26}) node=(\S+) finalizing=true line=125 field=1 column=x\n$`).FindStringSubmatch(out)
		if code != 1 || m == nil {
			t.Fatalf("exit %d, stdout %q: want a failed job at line 125, column 1 (x), naming its node", code, out)
		}
		nodeURL(m[2])
		rowsEverywhere("bad", 0)
		out, code = java(env, "--types", "C,B", "--error-handling", "1", "--resume", m[1], "--node", m[2], path, "bad")
		again := javaUploadOK.FindStringSubmatch(out)
		if code != 0 || again == nil || again[1] != m[1] || again[3] != "299" || again[4] != "1" || again[5] != "0" {
			t.Fatalf("finalized again: exit %d, stdout %q: want 299 rows, 1 skipped, nothing sent", code, out)
		}
		rowsEverywhere("bad", 299)
	})
}
