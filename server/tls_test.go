package server_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/testserver"
	"github.com/symscore/symscore/server"
)

// startTLS starts a server whose main listener serves TLS with a certificate of ca (common
// name "first"); it returns the server and its certificate files.
func startTLS(t *testing.T, ca *testkit.CA) (*testserver.Server, testkit.TLSFiles) {
	t.Helper()
	files := ca.WriteTLSFiles(t, t.TempDir(), "first")
	cfg := testkit.Config()
	cfg.TLS.CertFile, cfg.TLS.KeyFile = files.Cert, files.Key
	return start(t, cfg, nil), files
}

// tlsClient is a Go client of s over https:// and wss:// that trusts ca.
func tlsClient(t *testing.T, s *testserver.Server, ca *testkit.CA) *client.Client {
	t.Helper()
	c, err := client.New("https://"+s.Addr(), "c1", testenv.Secret1, client.WithTLSConfig(ca.ClientConfig()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestTLSMainListener: with tls.cert_file and tls.key_file the main listener serves REST
// over https:// and the WebSocket endpoints over wss:// (signatures cover the wss:// URL);
// the admin listener stays plain; a client that does not trust the authority is refused
// by its own handshake; plain HTTP to the TLS port is told to use https.
func TestTLSMainListener(t *testing.T) {
	ca := testkit.NewCA(t, "test CA")
	s, files := startTLS(t, ca)
	c := tlsClient(t, s, ca)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.CreateProject(ctx, "p", "", nil); err != nil {
		t.Fatalf("create over https: %v", err)
	}
	sess, err := c.OpenLearn(ctx, "p")
	if err != nil {
		t.Fatalf("learn session over wss: %v", err)
	}
	frame := testkit.FrameJSON([]string{"x", "y"}, []string{"C", "C"}, [][]string{{"1", "2"}, {"2", "4.5"}, {"3", "5.5"}, {"4", "8"}}, -1)
	for range 3 {
		if _, err := sess.Send(frame).Wait(); err != nil {
			t.Fatalf("learn over wss: %v", err)
		}
	}
	sess.Close()
	if err := c.Build(ctx, "p", "mlr", "m", client.MLContext{Inputs: []string{"x"}, Targets: []string{"y"}}); err != nil {
		t.Fatalf("build over https: %v", err)
	}
	pred, err := c.OpenPredict(ctx, "p", "m")
	if err != nil {
		t.Fatal(err)
	}
	r, err := pred.Send(testkit.FrameJSON([]string{"x"}, []string{"C"}, [][]string{{"5"}}, -1)).Wait()
	if err != nil {
		t.Fatalf("predict over wss: %v", err)
	}
	if ps, err := r.Predictions(); err != nil || len(ps) != 1 {
		t.Fatalf("predictions over wss: %+v %v", ps, err)
	}
	pred.Close()
	if info, err := c.ProjectInfo(ctx, "p"); err != nil || info.Rows != 12 {
		t.Fatalf("info over https: %+v %v", info, err)
	}

	// The admin listener is plain HTTP.
	if code, _ := get(t, "http://"+s.AdminAddr()+"/readyz"); code != http.StatusOK {
		t.Errorf("plain /readyz on the admin listener: %d", code)
	}
	// A client that trusts the system's roots only does not get in.
	untrusting, err := client.New("https://"+s.Addr(), "c1", testenv.Secret1)
	if err != nil {
		t.Fatal(err)
	}
	var unknown *tls.CertificateVerificationError
	if _, err := untrusting.ListProjects(ctx); err == nil || !errors.As(err, &unknown) {
		t.Errorf("a client that does not trust the authority: %v", err)
	}
	// Plain HTTP to the TLS port: a 400 that says to use https.
	nc, err := net.DialTimeout("tcp", s.Addr(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(nc, "GET /symetry/rest/c1/projects/list HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(nc), nil)
	if err != nil {
		t.Fatalf("plain HTTP to the TLS port: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "use https:// or wss://") {
		t.Errorf("plain HTTP to the TLS port: %d %q", resp.StatusCode, body)
	}
	// The CA file the CLI and the other clients take.
	fromFile, err := client.LoadCAFile(files.CA)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := client.New("https://"+s.Addr(), "c1", testenv.Secret1, client.WithTLSConfig(fromFile))
	if err != nil {
		t.Fatal(err)
	}
	if ids, err := cf.ListProjects(ctx); err != nil || len(ids) != 1 {
		t.Errorf("with LoadCAFile: %v %v", ids, err)
	}
	if _, err := client.LoadCAFile(files.Key); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("LoadCAFile of a key: %v", err)
	}
}

// TestTLSReload: ReloadTLS swaps the certificate for new handshakes while a connection
// made with the old one goes on; a pair that does not load is refused and the one in use
// kept.
func TestTLSReload(t *testing.T) {
	ca := testkit.NewCA(t, "test CA")
	s, files := startTLS(t, ca)
	if cn := testkit.PeerCommonName(t, s.Addr(), ca.Pool()); cn != "first" {
		t.Fatalf("certificate %q, want first", cn)
	}
	c := tlsClient(t, s, ca)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.CreateProject(ctx, "p", "", nil); err != nil {
		t.Fatal(err)
	}
	sess, err := c.OpenLearn(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	frame := testkit.FrameJSON([]string{"x"}, []string{"C"}, [][]string{{"1"}}, -1)
	if _, err := sess.Send(frame).Wait(); err != nil {
		t.Fatal(err)
	}

	ca.WriteTLSFiles(t, filepath.Dir(files.Cert), "second")
	if err := s.ReloadTLS(); err != nil {
		t.Fatal(err)
	}
	if cn := testkit.PeerCommonName(t, s.Addr(), ca.Pool()); cn != "second" {
		t.Fatalf("certificate after reload %q, want second", cn)
	}
	if exp := s.Metric("symscore_tls_cert_not_after_seconds", ""); exp < float64(time.Now().Unix()) || exp > float64(time.Now().Add(25*time.Hour).Unix()) {
		t.Errorf("symscore_tls_cert_not_after_seconds = %v, want the certificate's expiry, a day from now", exp)
	}
	if _, err := sess.Send(frame).Wait(); err != nil {
		t.Fatalf("a session opened before the reload: %v", err)
	}

	// A broken pair is refused; the second certificate stays.
	if err := os.WriteFile(files.Key, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.ReloadTLS(); err == nil || !strings.Contains(err.Error(), "tls.key_file") {
		t.Fatalf("reload of a broken key: %v", err)
	}
	if cn := testkit.PeerCommonName(t, s.Addr(), ca.Pool()); cn != "second" {
		t.Fatalf("certificate after a failed reload %q, want second", cn)
	}
	if _, err := c.ListProjects(ctx); err != nil {
		t.Fatalf("after a failed reload: %v", err)
	}
}

// TestTLSStartRefusesBadFiles: a server whose certificate files do not load does not
// start, and says which key; one without TLS cannot reload.
func TestTLSStartRefusesBadFiles(t *testing.T) {
	cfg := testkit.Config()
	cfg.DataDir = t.TempDir()
	cfg.TLS.CertFile, cfg.TLS.KeyFile = "/nonexistent/cert.pem", "/nonexistent/key.pem"
	cfg.ApplyDefaults()
	srv, err := server.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = srv.Start()
	if err == nil || !strings.Contains(err.Error(), "tls.cert_file") {
		t.Fatalf("start with missing certificate files: %v", err)
	}
	plain := start(t, testkit.Config(), nil)
	if err := plain.ReloadTLS(); err == nil {
		t.Fatal("ReloadTLS without TLS succeeded")
	}
}
