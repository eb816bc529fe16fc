package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// walkthroughBlocks returns the commands of the README.md shell blocks marked
// "<!-- walkthrough", one command per element (continuation lines joined, comments and
// ";"-separated commands split).
func walkthroughBlocks(t *testing.T, readme string) []string {
	t.Helper()
	var cmds []string
	rest := readme
	for {
		i := strings.Index(rest, "<!-- walkthrough")
		if i < 0 {
			return cmds
		}
		rest = rest[i:]
		start := strings.Index(rest, "```sh\n")
		if start < 0 {
			t.Fatal("a walkthrough marker without a ```sh block after it")
		}
		body := rest[start+len("```sh\n"):]
		end := strings.Index(body, "```")
		if end < 0 {
			t.Fatal("an unclosed ```sh block")
		}
		block := strings.ReplaceAll(body[:end], "\\\n", " ")
		for _, line := range strings.Split(block, "\n") {
			if j := strings.Index(line, "  #"); j >= 0 {
				line = line[:j]
			}
			for _, c := range strings.Split(line, ";") {
				if c = strings.TrimSpace(c); c != "" {
					cmds = append(cmds, c)
				}
			}
		}
		rest = body[end:]
	}
}

// TestREADMEWalkthrough runs the README's walkthrough blocks as written, from a directory
// that holds the repository's tracked files (as a fresh clone does) and the symscore
// binary on PATH, against a throwaway server found as the README says: SYMSCORE_URL and the
// development customer in SYMSCORE_DATA_DIR. Every path the commands name must be tracked.
func TestREADMEWalkthrough(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	cmds := walkthroughBlocks(t, string(readme))
	if len(cmds) < 10 {
		t.Fatalf("README.md has %d walkthrough commands: %q", len(cmds), cmds)
	}
	tracked := map[string]bool{}
	if out, err := exec.Command("git", "-C", root, "ls-files").Output(); err == nil {
		for _, f := range strings.Split(string(out), "\n") {
			tracked[f] = true
		}
	} else {
		t.Logf("LOUDLY: git ls-files failed (%v): the paths of the walkthrough are not checked against the tracked files", err)
	}
	// The work directory: the top-level entries of the repository, linked.
	work := t.TempDir()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == ".git" || e.Name() == "var" || e.Name() == "bin" {
			continue
		}
		if err := os.Symlink(filepath.Join(root, e.Name()), filepath.Join(work, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	ds := startDevServer(t, "")
	ds.requireREST(t)
	env := []string{"PATH=" + filepath.Dir(symscoreBinary(t)) + string(os.PathListSeparator) + os.Getenv("PATH"),
		"SYMSCORE_URL=" + ds.url, "SYMSCORE_DATA_DIR=" + ds.dataDir}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SYMSCORE_") && !strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	pathArg := regexp.MustCompile(`(?:^|\s)((?:clients|docs|deploy|cmd)/[^\s>]+)`)
	for _, c := range cmds {
		for _, m := range pathArg.FindAllStringSubmatch(c, -1) {
			if len(tracked) > 0 && !tracked[m[1]] {
				t.Errorf("the walkthrough names %s, which is not a tracked file", m[1])
			}
		}
		switch {
		case strings.HasPrefix(c, "clients/java/"):
			if _, err := exec.LookPath("javac"); err != nil {
				t.Logf("SKIPPED LOUDLY: %s (no javac)", c)
				continue
			}
		case strings.HasPrefix(c, "/usr/bin/python3 "):
			if exec.Command("/usr/bin/python3", "-c", "import websockets").Run() != nil {
				t.Logf("SKIPPED LOUDLY: %s (no /usr/bin/python3 with websockets)", c)
				continue
			}
		case !strings.HasPrefix(c, "symscore "):
			t.Fatalf("the walkthrough runs %q: this test knows symscore, the Java and the Python examples", c)
		}
		cmd := exec.CommandContext(ctx, "bash", "-e", "-o", "pipefail", "-c", c)
		cmd.Dir, cmd.Env = work, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("$ %s\n%s\n%v", c, out, err)
		}
		t.Logf("$ %s: ok (%d bytes of output)", c, len(out))
	}
	scored, err := os.ReadFile(filepath.Join(work, "scored.csv"))
	if err != nil || len(readCSV(t, string(scored))) != 151 {
		t.Errorf("scored.csv: %d bytes, %v; want 150 scored rows", len(scored), err)
	}
}
