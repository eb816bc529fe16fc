// Package natstest runs a NATS server with JetStream inside a test: on a loopback port
// chosen by the system, its data in a temporary directory, shut down when the test ends.
// Stop and Restart take it away and bring it back on the same port and data, as an
// operator restarting the bus would. Tests only.
package natstest

import (
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Server is one test's NATS server.
type Server struct {
	T    testing.TB
	Dir  string // JetStream's data
	Port int
	// User and Password, when set before Restart (or by StartAuth), are required.
	User, Password string
	// MaxPayload is the largest message the server takes (StartMaxPayload); 8 MiB.
	MaxPayload int32

	srv *server.Server
}

// Start starts a server and shuts it down when the test ends.
func Start(t testing.TB) *Server { return StartAuth(t, "", "") }

// StartAuth starts a server that requires user and password (none when user is "").
func StartAuth(t testing.TB, user, password string) *Server {
	t.Helper()
	return start(t, &Server{T: t, User: user, Password: password, MaxPayload: 8 << 20})
}

// StartMaxPayload starts a server that takes messages of at most n bytes.
func StartMaxPayload(t testing.TB, n int32) *Server {
	t.Helper()
	return start(t, &Server{T: t, MaxPayload: n})
}

func start(t testing.TB, s *Server) *Server {
	t.Helper()
	s.Dir, s.Port = t.TempDir(), server.RANDOM_PORT
	s.Restart()
	t.Cleanup(s.Stop)
	return s
}

// URL is the server's client URL.
func (s *Server) URL() string { return "nats://127.0.0.1:" + strconv.Itoa(s.Port) }

// Running reports whether the server runs.
func (s *Server) Running() bool { return s.srv != nil }

// Stop shuts the server down (its data stays); a stopped server's Stop does nothing.
func (s *Server) Stop() {
	if s.srv == nil {
		return
	}
	s.srv.Shutdown()
	s.srv.WaitForShutdown()
	s.srv = nil
}

// Restart starts the server again on the same port and data (or first, on a new port).
func (s *Server) Restart() {
	s.T.Helper()
	if s.srv != nil {
		s.T.Fatal("natstest: Restart of a running server")
	}
	o := &server.Options{
		Host: "127.0.0.1", Port: s.Port, JetStream: true, StoreDir: s.Dir, NoSigs: true, NoLog: true,
		MaxPayload: s.MaxPayload,
	}
	if s.User != "" {
		o.Users = []*server.User{{Username: s.User, Password: s.Password}}
	}
	srv, err := server.NewServer(o)
	if err != nil {
		s.T.Fatal(err)
	}
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		s.T.Fatal("natstest: the NATS server did not start")
	}
	s.srv = srv
	if s.Port == server.RANDOM_PORT {
		s.Port = srv.Addr().(*net.TCPAddr).Port
	}
}
