package main

// Over 400 lines: the end-to-end tests of `symscore serve` share one built binary, its
// process helper and its log reader.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testenv"
)

// binaryDir holds the symscore binary that the tests running it as a process share.
var binaryDir string

var (
	buildOnce sync.Once
	binary    string // set by buildOnce
	buildErr  error
)

func TestMain(m *testing.M) {
	if spec := os.Getenv(natsMemberEnv); spec != "" {
		os.Exit(runNATSMember(spec)) // this process is a NATS server of a fault test
	}
	dir, err := os.MkdirTemp("", "symscore-cmd-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binaryDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// symscoreBinary builds the symscore binary the first time a test needs it.
func symscoreBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		path := filepath.Join(binaryDir, "symscore")
		// go test puts its toolchain's bin directory first in PATH.
		out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("cannot build symscore: %v\n%s", err, out)
			return
		}
		binary = path
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

// command prepares the symscore binary with args, in an environment without SYMSCORE_*
// variables (the tests set what they need).
func command(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(symscoreBinary(t), args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SYMSCORE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	return cmd
}

func writeConfig(t *testing.T, yaml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "symscore.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeC1Config writes a configuration for `symscore serve` on loopback (free ports), a
// temporary data directory and customer c1 (secret crashSecret), followed by extra (YAML
// keys at the top level), and returns its path.
func writeC1Config(t *testing.T, extra string) string {
	t.Helper()
	return writeConfig(t, fmt.Sprintf(`
listen: "127.0.0.1:0"
admin_listen: "127.0.0.1:0"
data_dir: %q
customers:
  - id: c1
    secrets: [%q]
%s`, t.TempDir(), crashSecret, extra))
}

// process is a running `symscore serve` whose stderr is parsed as JSON log lines.
type process struct {
	cmd    *exec.Cmd
	stdout bytes.Buffer // valid after wait
	logs   chan map[string]any
	raw    chan string // every stderr line, logs or not
	done   chan error  // cmd.Wait's result
}

func startServe(t *testing.T, args ...string) *process {
	t.Helper()
	return startProcess(t, command(t, append([]string{"serve"}, args...)...))
}

// startProcess starts cmd (a symscore serve, possibly under a wrapper) as startServe does.
func startProcess(t *testing.T, cmd *exec.Cmd) *process {
	t.Helper()
	p := &process{cmd: cmd,
		logs: make(chan map[string]any, 100), raw: make(chan string, 10000), done: make(chan error, 1)}
	p.cmd.Stdout = &p.stdout
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.raw <- sc.Text()
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				select {
				case p.logs <- m:
				default: // nobody waits for log lines now: never block the server's stderr
				}
			}
		}
		close(p.logs)
		close(p.raw)
		p.done <- p.cmd.Wait()
	}()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// waitLog returns the first log line with message msg, failing after timeout.
func (p *process) waitLog(t *testing.T, msg string, timeout time.Duration) map[string]any {
	t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		select {
		case m, ok := <-p.logs:
			if !ok {
				t.Fatalf("symscore exited before logging %q: %v", msg, <-p.done)
			}
			if m["msg"] == msg {
				return m
			}
		case <-timer.C:
			t.Fatalf("no %q log line after %v", msg, timeout)
		}
	}
}

// wait waits for the process to exit and returns its exit code and remaining stderr.
func (p *process) wait(t *testing.T, timeout time.Duration) (int, string) {
	t.Helper()
	var rest strings.Builder
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		select {
		case line, ok := <-p.raw:
			if ok {
				rest.WriteString(line + "\n")
				continue
			}
			p.raw = nil
		case err := <-p.done:
			// Every line was sent before done: take those still buffered.
			for p.raw != nil {
				line, ok := <-p.raw
				if !ok {
					break
				}
				rest.WriteString(line + "\n")
			}
			var ee *exec.ExitError
			if err != nil && !asExitError(err, &ee) {
				t.Fatal(err)
			}
			return p.cmd.ProcessState.ExitCode(), rest.String()
		case <-timer.C:
			t.Fatalf("symscore still running %v after the signal", timeout)
		}
	}
}

func asExitError(err error, ee **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	*ee = e
	return ok
}

func httpGet(url string) (int, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

func TestServeStartsServesAndStopsOnSIGTERM(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	cfgPath := writeConfig(t, fmt.Sprintf(`
listen: "127.0.0.1:0"
admin_listen: "127.0.0.1:0"
data_dir: %q
`, dataDir))

	// First start: the development customer is created and its secret printed once.
	p := startServe(t, "--config", cfgPath, "--shutdown-timeout", "5s")
	started := p.waitLog(t, "symscore started", 30*time.Second)
	listen, _ := started["listen"].(string)
	admin, _ := started["admin_listen"].(string)
	if !strings.HasPrefix(listen, "127.0.0.1:") || !strings.HasPrefix(admin, "127.0.0.1:") {
		t.Fatalf("started line %v: want loopback addresses", started)
	}
	base := "http://" + admin
	for _, probe := range []string{"/healthz", "/readyz"} {
		testenv.Eventually(t, probe+" 200", func() bool {
			code, _, err := httpGet(base + probe)
			return err == nil && code == 200
		})
	}
	code, metrics, err := httpGet(base + "/metrics")
	if err != nil || code != 200 {
		t.Fatalf("/metrics: %d %v", code, err)
	}
	for _, want := range []string{"\nsymscore_ready 1\n", "\ngo_goroutines "} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exit, stderr := p.wait(t, 15*time.Second)
	if exit != 0 {
		t.Fatalf("exit code %d after SIGTERM; stderr:\n%s", exit, stderr)
	}
	if !strings.Contains(stderr, `"msg":"symscore stopped"`) {
		t.Errorf("no \"symscore stopped\" line after SIGTERM:\n%s", stderr)
	}

	out := p.stdout.String()
	secret := devSecret(t, out)
	file, err := os.ReadFile(filepath.Join(dataDir, "dev-customer.json"))
	if err != nil || !strings.Contains(string(file), secret) {
		t.Fatalf("dev-customer.json %q (%v) does not hold the printed secret", file, err)
	}

	// Second start: the same customer, its secret not printed again.
	p = startServe(t, "--config", cfgPath)
	reuse := p.waitLog(t, "using the development customer; its secret is in the file", 30*time.Second)
	if reuse["cid"] != "dev" || !strings.HasSuffix(fmt.Sprint(reuse["file"]), "dev-customer.json") {
		t.Errorf("second start logged %v", reuse)
	}
	p.waitLog(t, "symscore started", 30*time.Second)
	p.cmd.Process.Signal(syscall.SIGINT)
	if exit, stderr := p.wait(t, 15*time.Second); exit != 0 {
		t.Fatalf("exit code %d after SIGINT; stderr:\n%s", exit, stderr)
	}
	if strings.Contains(p.stdout.String(), secret) || strings.Contains(p.stdout.String(), "DEVELOPMENT KEY") {
		t.Errorf("second start printed the key again:\n%s", p.stdout.String())
	}
}

// devSecret extracts the secret from serve's development key banner.
func devSecret(t *testing.T, stdout string) string {
	t.Helper()
	if !strings.Contains(stdout, "DEVELOPMENT KEY") || !strings.Contains(stdout, "cid:    dev\n") {
		t.Fatalf("no development key banner on stdout:\n%s", stdout)
	}
	_, after, _ := strings.Cut(stdout, "secret: ")
	secret, _, _ := strings.Cut(after, "\n")
	if key, err := base64.StdEncoding.DecodeString(secret); err != nil || len(key) != 16 {
		t.Fatalf("printed secret %q decodes to %d bytes, %v", secret, len(key), err)
	}
	return secret
}

func TestServeRefusesInvalidConfiguration(t *testing.T) {
	cmd := command(t, "serve", "--config", writeConfig(t, "listen: nope\nlimits: {max_rows: -1}\n"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != exitError {
		t.Fatalf("serve with a bad config: %v; stderr:\n%s", err, stderr.String())
	}
	for _, want := range []string{"listen: \"nope\" is not host:port", "limits.max_rows: must be > 0"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}

func TestServeFailsOnBusyPort(t *testing.T) {
	dataDir := t.TempDir()
	busy := startServe(t, "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--data-dir", dataDir)
	addr := busy.waitLog(t, "symscore started", 30*time.Second)["listen"].(string)
	p := startServe(t, "--listen", addr, "--admin-listen", "127.0.0.1:0", "--data-dir", t.TempDir())
	exit, stderr := p.wait(t, 15*time.Second)
	if exit != exitError || !strings.Contains(stderr, "cannot listen on listen") {
		t.Errorf("second server on %s: exit %d, stderr:\n%s", addr, exit, stderr)
	}
	// A second server on the same data directory is refused before it listens.
	p = startServe(t, "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--data-dir", dataDir)
	exit, stderr = p.wait(t, 15*time.Second)
	if exit != exitError || !strings.Contains(stderr, "locked by another process") {
		t.Errorf("second server on data dir %s: exit %d, stderr:\n%s", dataDir, exit, stderr)
	}
}

func TestConfigCheckListsEveryProblem(t *testing.T) {
	cmd := command(t, "config", "check", writeConfig(t, `
listen: "localhost"
durability: sometimes
durabilty: always
unknown_key: 1
customers:
  - id: "a/b"
    secrets: ["A1ciUrDJgm5LIJU710bxeQ==", "QUFBQQ=="]
limits: {max_rows: -1, max_frame_bytes: "big"}
log: {format: xml}
`))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != exitError {
		t.Errorf("exit code %d, want %d", code, exitError)
	}
	for _, want := range []string{
		"9 problem(s)",
		"  durabilty: unknown key; did you mean durability?\n",
		"  unknown_key: unknown key\n",
		"  listen: \"localhost\" is not host:port",
		"  durability: must be always, interval or none",
		"  customers[0].id: \"a/b\"",
		"  customers[0].secrets[1]: decodes to 4 bytes",
		"  limits.max_rows: must be > 0\n",
		"  limits.max_frame_bytes: \"big\" is not a size",
		"  log.format: must be json or text",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if strings.Contains(stdout.String()+stderr.String(), "A1ciUrDJgm5LIJU710bxeQ==") {
		t.Errorf("config check printed a secret:\n%s", stdout.String())
	}
	if !strings.Contains(stdout.String(), `- "****"`) {
		t.Errorf("effective configuration with masked secrets not printed:\n%s", stdout.String())
	}
}

// TestConfigCheckListsProblemsFirst: in one stream, the problems come before the
// effective configuration.
func TestConfigCheckListsProblemsFirst(t *testing.T) {
	out, _ := command(t, "config", "check", writeConfig(t, "durabilty: always\n")).CombinedOutput()
	p, c := strings.Index(string(out), "1 problem(s)"), strings.Index(string(out), "# effective configuration")
	if p < 0 || c < 0 || p > c {
		t.Errorf("output:\n%s", out)
	}
}

func TestConfigCheckAcceptsValidFile(t *testing.T) {
	cmd := command(t, "config", "check", writeConfig(t, `
customers:
  - id: c1
    secrets: ["A1ciUrDJgm5LIJU710bxeQ=="]
limits: {max_frame_bytes: "512KiB"}
`))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v; stderr:\n%s", err, stderr.String())
	}
	out := stdout.String()
	if !strings.Contains(out, `max_frame_bytes: "512KiB"`) || !strings.Contains(out, `id: "c1"`) ||
		strings.Contains(out, "A1ciUrDJgm5LIJU710bxeQ==") {
		t.Errorf("effective configuration:\n%s", out)
	}
}

func TestKeygen(t *testing.T) {
	seen := map[string]bool{}
	for range 2 {
		out, err := command(t, "keygen").Output()
		if err != nil {
			t.Fatal(err)
		}
		secret := strings.TrimSuffix(string(out), "\n")
		key, err := base64.StdEncoding.DecodeString(secret)
		if err != nil || len(key) != 16 {
			t.Fatalf("keygen printed %q: %d bytes, %v", out, len(key), err)
		}
		if seen[secret] {
			t.Errorf("keygen printed %q twice", secret)
		}
		seen[secret] = true
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--no-such-flag"},
		{"keygen", "extra"},
		{"config", "check", "a.yaml", "b.yaml"},
		{"serve", "--shutdown-timeout", "0s"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != exitUsage {
			t.Errorf("symscore %v: exit %d, want %d; stderr:\n%s", args, code, exitUsage, stderr.String())
		}
	}
}
