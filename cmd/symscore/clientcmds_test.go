package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// devServer is a `symscore serve` on loopback ports chosen by the system, with a
// development customer in its data directory, for the client commands to talk to.
type devServer struct {
	*process
	url     string
	admin   string // host:port of the admin listener
	dataDir string
}

// startDevServer starts one; config, when not empty, is extra YAML for its file.
func startDevServer(t *testing.T, config string) *devServer {
	t.Helper()
	dataDir := filepath.Join(t.TempDir(), "data")
	cfg := writeConfig(t, fmt.Sprintf("listen: \"127.0.0.1:0\"\nadmin_listen: \"127.0.0.1:0\"\ndata_dir: %q\n%s", dataDir, config))
	p := startServe(t, "--config", cfg)
	started := p.waitLog(t, "symscore started", 30*time.Second)
	return &devServer{process: p, url: "http://" + started["listen"].(string), admin: started["admin_listen"].(string), dataDir: dataDir}
}

// cliResult is what a client command did.
type cliResult struct {
	stdout, stderr string
	code           int
}

// cli runs a client command against ds, with the server and the development customer
// given by the environment as a user of `make run` would.
func (ds *devServer) cli(t *testing.T, args ...string) cliResult {
	t.Helper()
	cmd := command(t, args...)
	cmd.Env = append(cmd.Env, "SYMSCORE_URL="+ds.url, "SYMSCORE_DATA_DIR="+ds.dataDir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if cmd.ProcessState == nil {
		t.Fatalf("symscore %v: %v", args, err)
	}
	return cliResult{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

// ok runs a command that must succeed and returns its stdout.
func (ds *devServer) ok(t *testing.T, args ...string) string {
	t.Helper()
	r := ds.cli(t, args...)
	if r.code != 0 {
		t.Fatalf("symscore %s: exit %d\nstderr: %s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r.stdout
}

// fails runs a command that must fail with code and an error holding every want.
func (ds *devServer) fails(t *testing.T, code int, args []string, want ...string) cliResult {
	t.Helper()
	r := ds.cli(t, args...)
	if r.code != code {
		t.Fatalf("symscore %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, code, r.stdout, r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("symscore %s: stderr lacks %q:\n%s", strings.Join(args, " "), w, r.stderr)
		}
	}
	return r
}

// requireREST skips the test when the server has no REST control plane yet.
func (ds *devServer) requireREST(t *testing.T) {
	t.Helper()
	r := ds.cli(t, "project", "list")
	if r.code != 0 && strings.Contains(r.stderr, "HTTP 404, not a symscore reply") {
		t.Skip("this server has no REST control plane")
	}
	if r.code != 0 {
		t.Fatalf("project list: %s", r.stderr)
	}
}

// info returns the project's smlInfo.
func (ds *devServer) info(t *testing.T, pid string) (info struct {
	Rows           int64    `json:"rows"`
	AttributeNames []string `json:"attributeNames"`
	AttributeTypes []string `json:"attributeTypes"`
	ModelsList     []string `json:"modelsList"`
}) {
	t.Helper()
	if err := json.Unmarshal([]byte(ds.ok(t, "project", "info", pid, "--json")), &info); err != nil {
		t.Fatal(err)
	}
	return info
}

// irisPath is the iris CSV of the client examples.
func irisPath(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "clients", "testdata", "iris.csv")
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func readCSV(t *testing.T, text string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, text)
	}
	return rows
}
