package server

import (
	"net"
	"time"

	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/wsconn"
	"github.com/symscore/symscore/wal"
)

// Option changes what New builds.
type Option func(*Hooks)

// Hooks let tests steer and observe a server: fault injection, clocks, extra endpoints,
// shared limiters. A production server has none; every field is optional.
type Hooks struct {
	// Now replaces the clock of signature verification and build jobs.
	Now func() time.Time
	// FS replaces the file system of the store (fault injection).
	FS wal.FS
	// WrapConn wraps every accepted connection of the main listener.
	WrapConn func(net.Conn) net.Conn
	// Endpoints are served besides the configured WebSocket endpoints.
	Endpoints map[string]wsconn.Endpoint
	// Inflight and Unverified replace the limiter of requests in flight and the bounds of
	// unverified bytes the configuration would make (a test takes slots or reads the
	// budgets through them).
	Inflight   *admit.Limiter
	Unverified *admit.Unverified
	// BeforeBuild runs in every build job before the model is built (to hold it).
	BeforeBuild func()
	// BeforeExplore runs in every exploration once it holds its compute slot, with the
	// customer's id (to hold it).
	BeforeExplore func(cid string)
	// ComputeSlots sets the size of the compute pool of builds and explorations (0: half
	// the cores).
	ComputeSlots int
	// BuildsStopped runs when Shutdown has refused new builds and begins waiting for the
	// running ones.
	BuildsStopped func()
}

// WithHooks sets the server's hooks.
func WithHooks(h Hooks) Option { return func(dst *Hooks) { *dst = h } }
