package testserver

import (
	"bufio"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/rawws"
	"github.com/symscore/symscore/server"
)

// Server is a server started for one test.
type Server struct {
	*server.Server
	T testing.TB
}

// Start starts a server with cfg (defaults applied; a temporary data directory unless
// cfg.DataDir is set) and opts, and shuts it down when the test ends (an error of that
// shutdown fails the test).
func Start(t testing.TB, cfg config.Config, opts ...server.Option) *Server {
	t.Helper()
	s := StartManual(t, cfg, opts...)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return s
}

// StartManual starts a server as Start does, but leaves its shutdown to the test.
func StartManual(t testing.TB, cfg config.Config, opts ...server.Option) *Server {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	cfg.ApplyDefaults()
	s, err := server.New(cfg, nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	return &Server{Server: s, T: t}
}

// Dial opens a raw TCP connection to the main listener.
func (s *Server) Dial() *rawws.Client {
	s.T.Helper()
	return rawws.Dial(s.T, s.Addr())
}

// DialWS opens a raw WebSocket connection upgraded on path.
func (s *Server) DialWS(path string) *rawws.Client {
	s.T.Helper()
	return rawws.DialWS(s.T, s.Addr(), path)
}

// Metric reads a counter or gauge from the admin listener's /metrics by name and labels
// ("k=v,k=v", in the order the exposition writes them: sorted by name); 0 when absent.
func (s *Server) Metric(name, labels string) float64 {
	s.T.Helper()
	resp, err := http.Get("http://" + s.AdminAddr() + "/metrics")
	if err != nil {
		s.T.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		s.T.Fatalf("/metrics: HTTP %d", resp.StatusCode)
	}
	want := name
	if labels != "" {
		var parts []string
		for _, kv := range strings.Split(labels, ",") {
			k, v, _ := strings.Cut(kv, "=")
			parts = append(parts, k+"="+strconv.Quote(v))
		}
		want += "{" + strings.Join(parts, ",") + "}"
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if series, value, ok := strings.Cut(line, " "); ok && series == want {
			v, err := strconv.ParseFloat(value, 64)
			if err != nil {
				s.T.Fatalf("metric %s: %q", want, line)
			}
			return v
		}
	}
	if err := sc.Err(); err != nil {
		s.T.Fatal(err)
	}
	return 0
}

// Sym opens a connection upgraded on path that signs for customer cid.
func (s *Server) Sym(path, cid, secret string) *testkit.SymClient {
	s.T.Helper()
	return testkit.DialSym(s.T, s.Addr(), path, cid, secret)
}

// REST is a client of the server for customer cid; its idle connections are closed when
// the test ends.
func (s *Server) REST(cid, secret string) *testkit.RESTClient {
	s.T.Helper()
	return testkit.NewREST(s.T, s.Addr(), cid, secret)
}
