package ui_test

import (
	"encoding/csv"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"

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
