package server

import (
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/symscore/symscore/wal"
)

// connHooks let tests reach inside one server's main listener. Production servers have an
// empty set.
type connHooks struct {
	// wrapConn wraps every accepted connection (fault injection, socket options).
	wrapConn func(net.Conn) net.Conn
	// inflightWait replaces inflightWait when positive.
	inflightWait time.Duration
	// endpoints are served besides the configured ones.
	endpoints map[string]wsEndpoint
	// listener is set to the main listener when it starts.
	listener atomic.Pointer[mainListener]
	// now replaces the clock of signature verification and of build jobs.
	now func() time.Time
	// fs replaces the file system of the store (fault injection) when set.
	fs wal.FS
	// beforeBuild runs in every build job before the model is built (to hold it).
	beforeBuild func()
	// rest is set to the REST control plane when it starts.
	rest atomic.Pointer[restAPI]
}

// testHooks maps a *Server to its *connHooks; set by tests before Start.
var testHooks sync.Map

func hooksFor(s *Server) *connHooks {
	if h, ok := testHooks.Load(s); ok {
		return h.(*connHooks)
	}
	return &connHooks{}
}
