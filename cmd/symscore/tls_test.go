package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testkit"
)

// tlsServe starts `symscore serve` with a TLS main listener whose certificate, common name
// "first", a test authority signed; it returns the process, its address and the files.
func tlsServe(t *testing.T, ca *testkit.CA) (*process, string, testkit.TLSFiles) {
	t.Helper()
	files := ca.WriteTLSFiles(t, t.TempDir(), "first")
	p := startServe(t, "--config", writeC1Config(t, fmt.Sprintf("tls:\n  cert_file: %q\n  key_file: %q\n", files.Cert, files.Key)))
	started := p.waitLog(t, "symscore started", 30*time.Second)
	if started["tls"] != true {
		t.Fatalf("started without TLS: %v", started)
	}
	return p, started["listen"].(string), files
}

// tlsCLI runs a client command as customer c1 with env (KEY=VALUE) added.
func tlsCLI(t *testing.T, env []string, args ...string) cliResult {
	t.Helper()
	cmd := command(t, args...)
	cmd.Env = append(cmd.Env, append([]string{"SYMSCORE_CID=c1", "SYMSCORE_SECRET=" + crashSecret}, env...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Run()
	return cliResult{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

// TestServeTLSReloadOnSIGHUP: a real serve reads its certificate again on SIGHUP: new
// connections get the new one, a pair that does not load is logged and the one in use
// stays, and the process goes on.
func TestServeTLSReloadOnSIGHUP(t *testing.T) {
	ca := testkit.NewCA(t, "symscore test CA")
	p, addr, files := tlsServe(t, ca)
	if cn := testkit.PeerCommonName(t, addr, ca.Pool()); cn != "first" {
		t.Fatalf("certificate %q, want first", cn)
	}
	ca.WriteTLSFiles(t, filepath.Dir(files.Cert), "second")
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	m := p.waitLog(t, "TLS certificate reloaded", 30*time.Second)
	if !strings.Contains(fmt.Sprint(m["subject"]), "second") {
		t.Errorf("reload line %v", m)
	}
	if cn := testkit.PeerCommonName(t, addr, ca.Pool()); cn != "second" {
		t.Fatalf("certificate after SIGHUP %q, want second", cn)
	}
	// A broken key: logged, the second certificate stays.
	writeFileAt(t, files.Key, "not a key")
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	p.waitLog(t, "SIGHUP: the TLS certificate was not reloaded; the one in use stays", 30*time.Second)
	if cn := testkit.PeerCommonName(t, addr, ca.Pool()); cn != "second" {
		t.Fatalf("certificate after a failed reload %q, want second", cn)
	}
	if r := tlsCLI(t, []string{"SYMSCORE_URL=https://" + addr, "SYMSCORE_CA_FILE=" + files.CA}, "project", "list"); r.code != 0 {
		t.Fatalf("project list after the reloads: exit %d: %s", r.code, r.stderr)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code, rest := p.wait(t, 30*time.Second); code != 0 {
		t.Fatalf("exit %d after SIGTERM:\n%s", code, rest)
	}
}

// TestClientCommandsOverTLS: the client commands reach a TLS server with --ca-file or
// SYMSCORE_CA_FILE (https:// or wss:// URLs); without the authority, or over http://, they
// fail saying what to do.
func TestClientCommandsOverTLS(t *testing.T) {
	ca := testkit.NewCA(t, "symscore test CA")
	_, addr, files := tlsServe(t, ca)
	https := []string{"SYMSCORE_URL=https://" + addr}
	if r := tlsCLI(t, https, "project", "create", "p", "--ca-file", files.CA); r.code != 0 || !strings.Contains(r.stdout, "created project p") {
		t.Fatalf("create with --ca-file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	iris := irisPath(t)
	if r := tlsCLI(t, []string{"SYMSCORE_URL=wss://" + addr, "SYMSCORE_CA_FILE=" + files.CA}, "learn", "-p", "p", iris); r.code != 0 ||
		!strings.HasPrefix(r.stdout, "learned 150 rows") {
		t.Fatalf("learn over wss:// with SYMSCORE_CA_FILE: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r := tlsCLI(t, https, "project", "list")
	if r.code != 1 || !strings.Contains(r.stderr, "give its authority's certificate with --ca-file") {
		t.Fatalf("without the authority: exit %d\n%s", r.code, r.stderr)
	}
	r = tlsCLI(t, []string{"SYMSCORE_URL=http://" + addr}, "project", "list")
	if r.code != 1 || !strings.Contains(r.stderr, "use https:// or wss://") {
		t.Fatalf("http:// to a TLS server: exit %d\n%s", r.code, r.stderr)
	}
	r = tlsCLI(t, https, "project", "list", "--ca-file", files.Key)
	if r.code != 2 || !strings.Contains(r.stderr, "no PEM certificate") {
		t.Fatalf("a CA file that holds a key: exit %d\n%s", r.code, r.stderr)
	}
}

func writeFileAt(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
