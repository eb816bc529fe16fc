package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/natstest"
	"github.com/symscore/symscore/internal/testkit/testserver"
)

// startBalancedCluster starts two cluster nodes on a test bus behind a balancer that sends
// each new connection to the next node (testserver.StartBehindBalancer), creates projects
// pids for customer testenv.CID1 (secret testenv.Secret1) and waits until both nodes have
// them. It returns the balancer's address (a client's http:// host) and a REST client of
// each node.
func startBalancedCluster(t *testing.T, pids ...string) (string, []*testkit.RESTClient) {
	t.Helper()
	bus := natstest.Start(t)
	lb, nodes := testserver.StartBehindBalancer(t, testserver.NodeConfig(bus.URL(), "a"), testserver.NodeConfig(bus.URL(), "b"))
	var cs []*testkit.RESTClient
	for _, n := range nodes {
		cs = append(cs, n.REST(testenv.CID1, testenv.Secret1))
	}
	for _, pid := range pids {
		cs[0].Create(pid)
		testenv.Eventually(t, fmt.Sprintf("project %s on both nodes", pid), func() bool {
			return cs[1].Do("GET", "/projects/"+pid+"/info", "", nil).Code == 200
		})
	}
	return lb.Addr(), cs
}

// TestCLIUploadThroughBalancer: `symscore upload` given a balancer in front of two nodes
// sends the upload to the node its announce names; a bad cell fails it with a command to
// go on that names that node (--node), and that command, through the balancer again,
// finalizes the upload on its node without sending the file again.
func TestCLIUploadThroughBalancer(t *testing.T) {
	lb, cs := startBalancedCluster(t, "p")
	path := writeFile(t, "bad.csv", badCellCSV())
	run := func(args ...string) cliResult {
		t.Helper()
		cmd := command(t, args...)
		cmd.Env = append(cmd.Env, "SYMSCORE_URL=http://"+lb, "SYMSCORE_CID="+testenv.CID1, "SYMSCORE_SECRET="+testenv.Secret1)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		cmd.Run()
		return cliResult{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
	}
	r := run("upload", "-p", "p", "--types", "C,B", "--connections", "3", "--chunk-size", "500", path)
	m := regexp.MustCompile(`--resume ([A-Z2-7]{26}) --node (ws://\S+)`).FindStringSubmatch(r.stderr)
	if r.code != 1 || m == nil || !strings.Contains(r.stderr, `"oops" is not a number`) {
		t.Fatalf("upload with a bad cell: exit %d, stderr %q", r.code, r.stderr)
	}
	r = run("upload", "-p", "p", "--types", "C,B", "--error-handling", "1", "--resume", m[1], "--node", m[2], path)
	if r.code != 0 || !strings.Contains(r.stdout, "learned 299 rows (1 bad row skipped)") {
		t.Fatalf("again: exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}
	testenv.Eventually(t, "both nodes to hold the 299 rows", func() bool {
		for _, c := range cs {
			if c.Project("p").Rows() != 299 {
				return false
			}
		}
		return true
	})
}
