package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCLILearnInterrupted: SIGINT while learn works on a large file stops it with exit
// 130, saying so, and the project is as before. Progress lines come from the first
// second.
func TestCLILearnInterrupted(t *testing.T) {
	ds := startDevServer(t, "")
	ds.requireREST(t)
	ds.ok(t, "project", "create", "p")
	ds.ok(t, "learn", "-p", "p", writeFile(t, "small.csv", "x,b\n1,0\n2,1\n"))
	before := ds.ok(t, "project", "info", "p", "--json")
	path := filepath.Join(t.TempDir(), "big.csv")
	b := []byte("x,b\n")
	for i := range 3_000_000 {
		b = append(b, byte('0'+i%10), ',', byte('0'+i%2), '\n')
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := command(t, "learn", "-p", "p", path)
	cmd.Env = append(cmd.Env, "SYMSCORE_URL="+ds.url, "SYMSCORE_DATA_DIR="+ds.dataDir)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) == 1 {
			if !regexp.MustCompile(`^(checked [\d.]+/[\d.]+ MB \(\d+%\), [\d.]+ MB/s|learned \d+/3000000 rows \(\d+%\), [\d.]+[kM]? rows/s)$`).MatchString(lines[0]) {
				t.Errorf("first progress line %q", lines[0])
			}
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("first progress line after %v", took)
			}
			cmd.Process.Signal(syscall.SIGINT)
		}
	}
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, exitInterrupted, strings.Join(lines, "\n"))
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "symscore: learn: nothing was learned: interrupted") ||
		strings.Contains(last, "applied before") && !strings.HasSuffix(last, "the project is as before") {
		t.Errorf("last stderr line %q", last)
	}
	ds.sameButModified(t, "p", before)
}
