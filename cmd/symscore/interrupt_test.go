package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCLILearnInterrupted: SIGINT while learn works on a large file stops it with exit
// 130, saying so, and the project is as before. Progress lines come from the first
// second. The signal goes with the first progress line; a learn fast enough to finish
// first (exit 0: nothing was interrupted) is tried again on a file twice as large, in a
// new project.
func TestCLILearnInterrupted(t *testing.T) {
	ds := startDevServer(t, "")
	ds.requireREST(t)
	for attempt, rows := 0, 3_000_000; ; attempt, rows = attempt+1, 2*rows {
		pid := "p" + strconv.Itoa(attempt)
		if interruptLearn(t, ds, pid, rows) {
			return
		}
		if attempt == 2 {
			t.Fatalf("learns of up to %d rows ended before they could be interrupted", rows)
		}
	}
}

// interruptLearn learns a file of rows rows into a new project pid and interrupts it at
// its first progress line. It reports false when the learn ended first, with exit 0
// (the project then holds the file: the caller tries another).
func interruptLearn(t *testing.T, ds *devServer, pid string, rows int) bool {
	t.Helper()
	ds.ok(t, "project", "create", pid)
	ds.ok(t, "learn", "-p", pid, writeFile(t, "small.csv", "x,b\n1,0\n2,1\n"))
	before := ds.ok(t, "project", "info", pid, "--json")
	path := filepath.Join(t.TempDir(), "big.csv")
	b := []byte("x,b\n")
	for i := range rows {
		b = append(b, byte('0'+i%10), ',', byte('0'+i%2), '\n')
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := command(t, "learn", "-p", pid, path)
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
	progress := regexp.MustCompile(`^(checked [\d.]+/[\d.]+ MB \(\d+%\), [\d.]+ MB/s|learned \d+/` + strconv.Itoa(rows) + ` rows \(\d+%\), [\d.]+[kM]? rows/s)$`)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) == 1 {
			if !progress.MatchString(lines[0]) {
				t.Errorf("first progress line %q", lines[0])
			}
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("first progress line after %v", took)
			}
			cmd.Process.Signal(syscall.SIGINT)
		}
	}
	cmd.Wait()
	code := cmd.ProcessState.ExitCode()
	if code == 0 {
		t.Logf("%d rows learned in %v before an interrupt: %s", rows, time.Since(start), strings.TrimSpace(stdout.String()))
		return false
	}
	if code != exitInterrupted {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, exitInterrupted, strings.Join(lines, "\n"))
	}
	if len(lines) == 0 {
		t.Fatalf("exit %d without a word on stderr", code)
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "symscore: learn: nothing was learned: interrupted") ||
		strings.Contains(last, "applied before") && !strings.HasSuffix(last, "the project is as before") {
		t.Errorf("last stderr line %q", last)
	}
	ds.sameButModified(t, pid, before)
	return true
}
