package server_test

import (
	"testing"
	"time"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/testserver"
	"github.com/symscore/symscore/server"
)

// start starts a server for the test with cfg and, when not nil, hooks; it is shut down
// when the test ends.
func start(t testing.TB, cfg config.Config, hooks *server.Hooks) *testserver.Server {
	t.Helper()
	if hooks == nil {
		return testserver.Start(t, cfg)
	}
	return testserver.Start(t, cfg, server.WithHooks(*hooks))
}

// rest1 is a REST client of customer c1 (the secret of the protocol's vectors).
func rest1(s *testserver.Server) *testkit.RESTClient { return s.REST("c1", testenv.Secret1) }

// fixedClock returns a clock stuck at t.
func fixedClock(at time.Time) func() time.Time { return func() time.Time { return at } }
