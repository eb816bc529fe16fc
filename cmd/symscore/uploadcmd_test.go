package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestCLIUpload: `symscore upload` learns iris.csv with inferred types as `learn` would;
// progress lines (stderr not a terminal) name both phases; `symscore uploads` lists the
// done upload; --forget takes the rows out again.
func TestCLIUpload(t *testing.T) {
	ds := startDevServer(t, "")
	ds.requireREST(t)
	ds.ok(t, "project", "create", "up")
	ds.ok(t, "project", "create", "ln")
	path := irisPath(t)
	r := ds.cli(t, "upload", "-p", "up", "--connections", "2", "--chunk-size", "1000", path)
	if r.code != 0 || !strings.Contains(r.stdout, "learned 150 rows into project up from "+path) {
		t.Fatalf("upload: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	ds.ok(t, "learn", "-p", "ln", path)
	up, ln := ds.info(t, "up"), ds.info(t, "ln")
	if up.Rows != 150 || strings.Join(up.AttributeNames, ",") != strings.Join(ln.AttributeNames, ",") ||
		strings.Join(up.AttributeTypes, ",") != strings.Join(ln.AttributeTypes, ",") {
		t.Fatalf("upload made %+v, learn %+v", up, ln)
	}
	id := regexp.MustCompile(`upload ([A-Z2-7]{26})`).FindStringSubmatch(r.stdout)
	if id == nil {
		t.Fatalf("no upload id in %q", r.stdout)
	}
	list := ds.ok(t, "uploads")
	if !strings.Contains(list, id[1]) || !strings.Contains(list, "done (150 rows)") {
		t.Fatalf("uploads:\n%s", list)
	}
	ds.ok(t, "upload", "-p", "up", "--forget", "-q", path)
	if info := ds.info(t, "up"); info.Rows != 0 {
		t.Fatalf("%d rows after the forget upload", info.Rows)
	}
}

// TestCLIUploadBadCellThenFinalizeAgain: a bad cell fails the upload with its line and
// column and the command says how to finalize again; --resume with --error-handling 1
// then learns the good rows without sending the file again.
func TestCLIUploadBadCellThenFinalizeAgain(t *testing.T) {
	ds := startDevServer(t, "")
	ds.requireREST(t)
	ds.ok(t, "project", "create", "p")
	path := writeFile(t, "bad.csv", badCellCSV())
	r := ds.fails(t, 1, []string{"upload", "-p", "p", "--types", "C,B", path},
		`bad.csv:125:1: column "x": "oops" is not a number`, "nothing was learned", "--resume")
	if info := ds.info(t, "p"); info.Rows != 0 {
		t.Fatalf("%d rows after a failed upload", info.Rows)
	}
	m := regexp.MustCompile(`--resume ([A-Z2-7]{26})`).FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no resume command in %q", r.stderr)
	}
	out := ds.ok(t, "upload", "-p", "p", "--types", "C,B", "--error-handling", "1", "--resume", m[1], path)
	if !strings.Contains(out, "learned 299 rows (1 bad row skipped)") {
		t.Fatalf("again: %q", out)
	}
}

// TestCLIUploadBadNode: --node without --resume, and a node that is not a ws, wss, http or
// https URL of a host, are usage errors (exit 2) before anything is sent.
func TestCLIUploadBadNode(t *testing.T) {
	ds := startDevServer(t, "")
	ds.ok(t, "project", "create", "p")
	path := irisPath(t)
	ds.fails(t, 2, []string{"upload", "-p", "p", "--node", "ws://127.0.0.1:1", path}, "give --resume too")
	for node, want := range map[string]string{
		"ftp://node-a":  "want ws://",
		"ws://node-a/x": "a scheme and a host only",
		"ws://":         "no host",
	} {
		ds.fails(t, 2, []string{"upload", "-p", "p", "--resume", "U", "--node", node, path}, "--node: ", want)
	}
	if list := ds.ok(t, "uploads"); strings.Contains(list, "iris") {
		t.Fatalf("an upload was announced:\n%s", list)
	}
}

// badCellCSV is a file of columns x (C) and y (B) and 300 rows whose x at line 125 is "oops".
func badCellCSV() string {
	var b strings.Builder
	b.WriteString("x,y\n")
	for i := range 300 {
		if i == 123 {
			b.WriteString("oops,1\n")
			continue
		}
		fmt.Fprintf(&b, "%d,%d\n", i, i%2)
	}
	return b.String()
}

// TestCLILearnSuggestsUpload: learn of a file over 100 MB says upload is the better way.
func TestCLILearnSuggestsUpload(t *testing.T) {
	ds := startDevServer(t, "")
	ds.ok(t, "project", "create", "p")
	path := writeFile(t, "big.csv", "1\n")
	if err := os.Truncate(path, 101e6); err != nil { // no header: refused at once, after the hint
		t.Fatal(err)
	}
	r := ds.cli(t, "learn", "-p", "p", path)
	if !strings.Contains(r.stderr, "note: "+path+" is 101.0 MB: `symscore upload --project p "+path+"`") {
		t.Fatalf("no hint: exit %d\n%s", r.code, r.stderr)
	}
}
