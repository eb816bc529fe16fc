package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
)

// TestDemo runs `symscore demo` as `make demo` does: its own server, the whole path, a
// clean stop.
func TestDemo(t *testing.T) {
	cmd := command(t, "demo", "--iris", irisPath(t))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	out := stdout.String()
	if strings.Contains(stderr.String(), "HTTP 404, not a symscore reply") {
		t.Skip("this server has no REST control plane")
	}
	if err != nil {
		t.Fatalf("demo: %v\nstdout:\n%s\nstderr:\n%s", err, out, stderr.String())
	}
	for _, want := range []string{
		"$ symscore learn --project iris " + irisPath(t) + "\nlearned 150 rows into project iris",
		"built model lda (lda) of project iris on 150 rows",
		"built model mlda (mlda) of project iris on 150 rows",
		"built model mlr (mlr) of project iris on 150 rows",
		"sepal_length  sepal_width  petal_length  petal_width  species     res         setosa",
		"6.3           3.3          6.0           2.5          virginica   virginica   ",
		"linCorr    0.96",
		"deleted project iris",
		"# server stopped (SIGTERM, exit 0)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	_, after, _ := strings.Cut(out, "# server stopped (SIGTERM, exit 0); ")
	dir := strings.TrimSuffix(after, " removed\n")
	if _, err := os.Stat(dir); dir == "" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("demo directory %q: %v, want it removed", dir, err)
	}
	if strings.Contains(out, "secret") || strings.Contains(stderr.String(), "DEVELOPMENT KEY") {
		t.Errorf("demo shows the development secret:\n%s", out)
	}
}

// TestDemoOutsideTheRepository: without --iris, from a directory that holds nothing,
// the demo uses its built-in copy of iris.
func TestDemoOutsideTheRepository(t *testing.T) {
	cmd := command(t, "demo")
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "$ symscore learn --project iris iris.csv\nlearned 150 rows into project iris") {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	repo, err := os.ReadFile(irisPath(t))
	if err != nil || !bytes.Equal(repo, demoIris) {
		t.Errorf("the built-in iris differs from %s (%v)", irisPath(t), err)
	}
}
