package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIProjectState: freeze refuses learn until unfreeze; merge adds another
// project's rows; export then import makes the same project again; the read commands
// print JSON with --json; "-" reads standard input.
func TestCLIProjectState(t *testing.T) {
	ds := startDevServer(t, "")
	ds.requireREST(t)
	iris := irisPath(t)
	ds.ok(t, "project", "create", "a")
	ds.ok(t, "project", "create", "b")
	ds.ok(t, "learn", "-p", "a", iris)
	if out := ds.ok(t, "project", "freeze", "a"); out != "froze project a\n" {
		t.Errorf("freeze: %q", out)
	}
	ds.fails(t, 1, []string{"learn", "-p", "a", iris}, "CONFLICT")
	ds.ok(t, "project", "unfreeze", "a")
	ds.ok(t, "project", "merge", "b", "a")
	if info := ds.info(t, "b"); info.Rows != 150 {
		t.Errorf("rows after merge: %d", info.Rows)
	}

	state := filepath.Join(t.TempDir(), "a.state")
	ds.ok(t, "project", "export", "a", "-o", state)
	ds.fails(t, 1, []string{"project", "import", "a", state}, "project import a:")
	ds.ok(t, "project", "import", "c", state)
	if a, c := ds.info(t, "a"), ds.info(t, "c"); a.Rows != c.Rows || strings.Join(a.AttributeNames, ",") != strings.Join(c.AttributeNames, ",") {
		t.Errorf("imported %+v, exported %+v", c, a)
	}
	// export to stdout, import from stdin
	raw := ds.ok(t, "project", "export", "c")
	cmd := command(t, "project", "import", "d", "-")
	cmd.Env = append(cmd.Env, "SYMSCORE_URL="+ds.url, "SYMSCORE_DATA_DIR="+ds.dataDir)
	cmd.Stdin = strings.NewReader(raw)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("import from stdin: %v\n%s", err, out)
	}

	var ids []string
	if err := json.Unmarshal([]byte(ds.ok(t, "project", "list", "--json")), &ids); err != nil || strings.Join(ids, ",") != "a,b,c,d" {
		t.Errorf("project list --json: %q %v", ids, err)
	}
	var stats []map[string]any
	out := ds.ok(t, "explore", "-p", "a", "--metric", "uni", "--inputs", "sepal_length", "--json")
	if err := json.Unmarshal([]byte(out), &stats); err != nil || len(stats) != 1 || stats[0]["count"] != 150.0 ||
		!strings.HasPrefix(strings.TrimSpace(out), "[\n  {\n    \"count\": 150,\n    \"mean\":") {
		t.Errorf("explore --json: %v\n%s", err, out)
	}

	// learn from standard input
	b, err := os.ReadFile(iris)
	if err != nil {
		t.Fatal(err)
	}
	cmd = command(t, "learn", "-p", "b", "-")
	cmd.Env = append(cmd.Env, "SYMSCORE_URL="+ds.url, "SYMSCORE_DATA_DIR="+ds.dataDir)
	cmd.Stdin = strings.NewReader(string(b))
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "learned 150 rows into project b") {
		t.Fatalf("learn from stdin: %v\n%s", err, out)
	}
	cmd = command(t, "learn", "-p", "b", "-")
	cmd.Env = append(cmd.Env, "SYMSCORE_URL="+ds.url, "SYMSCORE_DATA_DIR="+ds.dataDir)
	cmd.Stdin = strings.NewReader("sepal_length,sepal_width\n1,abc\n")
	if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), `stdin:2:2: column "sepal_width": "abc" is not a number`) {
		t.Errorf("a bad cell on stdin: %s", out)
	}
}

// TestCLIVersionAndExitCodes: version and --version print the build; an unknown
// command or subcommand is a usage error (2).
func TestCLIVersionAndExitCodes(t *testing.T) {
	out, err := command(t, "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "symscore ") || !strings.Contains(string(out), "go1.") {
		t.Errorf("version: %q %v", out, err)
	}
	out2, err := command(t, "--version").Output()
	if err != nil || string(out2) != string(out) {
		t.Errorf("--version: %q %v, want %q", out2, err, out)
	}
	var v map[string]any
	if out, err := command(t, "version", "--json").Output(); err != nil || json.Unmarshal(out, &v) != nil || v["goVersion"] == "" {
		t.Errorf("version --json: %s %v", out, err)
	}
	for _, args := range [][]string{{"nosuch"}, {"project", "nosuch"}, {"learn"}, {"learn", "--nosuch", "x"}, {"predict", "--frame-rows"}} {
		cmd := command(t, args...)
		out, _ := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != exitUsage {
			t.Errorf("symscore %v: exit %d, want %d\n%s", args, code, exitUsage, out)
		}
	}
}
