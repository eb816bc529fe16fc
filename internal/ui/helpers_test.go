package ui_test

import (
	"bufio"
	"crypto/tls"
	"encoding/csv"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/testserver"
)

// startServer starts a test server (customers testenv.CID1 and CID2 on loopback) and
// returns it with a Go client of CID1.
func startServer(t *testing.T) (*testserver.Server, *client.Client) {
	t.Helper()
	s := testserver.Start(t, testkit.Config())
	return s, goClient(t, s.Addr())
}

func goClient(t *testing.T, addr string) *client.Client {
	t.Helper()
	c, err := client.New("http://"+addr, testenv.CID1, testenv.Secret1)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// irisFile writes iris (header and 150 rows) as a CSV file and returns its path.
func irisFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "iris.csv")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write(testkit.IrisNames)
	w.WriteAll(testkit.IrisRows(t))
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// irisFrame is a DataFrame of iris rows [lo, hi).
func irisFrame(t *testing.T, lo, hi int) []byte {
	t.Helper()
	rows := testkit.IrisRows(t)
	return testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, rows[lo:hi], 0)
}

func parseFloat(t *testing.T, what, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%s: %q is not a number", what, s)
	}
	return v
}

func splitPort(t *testing.T, addr string) (host, port string) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return host, port
}

// writeFile writes text to a file of that name in a temporary directory.
func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// hasSubscribe reports whether the server at addr serves /symetry/ws/subscribe: whether it
// answers a WebSocket upgrade there with 101. The live checks of the browser tests need it;
// without it they skip, saying so.
func hasSubscribe(t *testing.T, addr string) bool {
	t.Helper()
	return hasSubscribeTLS(t, addr, nil)
}

// hasSubscribeTLS is hasSubscribe over TLS with cfg (nil: plain TCP).
func hasSubscribeTLS(t *testing.T, addr string, cfg *tls.Config) bool {
	t.Helper()
	var c net.Conn
	var err error
	if cfg != nil {
		c, err = tls.Dial("tcp", addr, cfg)
	} else {
		c, err = net.Dial("tcp", addr)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(c, "GET /symetry/ws/subscribe HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", addr)
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("probing /symetry/ws/subscribe: %v", err)
	}
	return strings.HasPrefix(line, "HTTP/1.1 101 ")
}

// liveSkip is the reason the live checks skip on a server without subscriptions.
const liveSkip = "SKIPPED: this server has no /symetry/ws/subscribe (docs/subscribe.md), which the dashboard's live page needs"
