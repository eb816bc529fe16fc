package server

import (
	"net/netip"
	"sync/atomic"

	"github.com/symscore/symscore/internal/wsconn"
)

// admission is one connection's places under the main listener's limits: one under
// limits.max_connections from its acceptance until it closes, and, until it authenticates,
// one under limits.max_unauthenticated_connections and one under its address's share
// (limits.max_unauthenticated_connections_per_address). A connection accepted past a
// limit (over) holds a place among those being answered 503 instead. It implements
// wsconn.Admission; the REST side uses it the same way (handoffConn). Safe for concurrent
// use: a REST handler may authenticate it while net/http closes it.
type admission struct {
	l     *mainListener
	key   netip.Prefix // the address's key (admit.AddressKey)
	over  wsconn.Over
	state atomic.Int32 // admissionUnauthenticated, then admissionAuthenticated and/or admissionReleased
}

const (
	admissionUnauthenticated int32 = iota
	admissionAuthenticated
	admissionReleased
)

// Over implements wsconn.Admission.
func (a *admission) Over() wsconn.Over { return a.over }

// Authenticated implements wsconn.Admission.
func (a *admission) Authenticated() {
	if a.over == wsconn.NotOver && a.state.CompareAndSwap(admissionUnauthenticated, admissionAuthenticated) {
		a.l.dropUnauth(a.key)
	}
}

// Release implements wsconn.Admission.
func (a *admission) Release() {
	prev := a.state.Swap(admissionReleased)
	switch {
	case prev == admissionReleased:
		return
	case a.over != wsconn.NotOver:
		a.l.over.Add(-1)
	case prev == admissionUnauthenticated:
		a.l.dropUnauth(a.key)
	}
	a.l.open.Add(-1)
}

// addUnauth takes a place for a new connection from key under the limits of
// unauthenticated connections, or returns the limit it is past (and takes nothing).
func (l *mainListener) addUnauth(key netip.Prefix) wsconn.Over {
	l.unauthMu.Lock()
	defer l.unauthMu.Unlock()
	switch {
	case l.unauth >= l.maxUnauth:
		return wsconn.OverUnauthenticated
	case l.unauthByAddr[key] >= l.maxUnauthPerAddr:
		return wsconn.OverUnauthenticatedAddress
	}
	l.unauth++
	l.unauthByAddr[key]++
	return wsconn.NotOver
}

// dropUnauth gives back a place addUnauth took for key.
func (l *mainListener) dropUnauth(key netip.Prefix) {
	l.unauthMu.Lock()
	defer l.unauthMu.Unlock()
	l.unauth--
	if n := l.unauthByAddr[key] - 1; n > 0 {
		l.unauthByAddr[key] = n
	} else {
		delete(l.unauthByAddr, key)
	}
}

// unauthenticated is the number of connections served and not authenticated yet.
func (l *mainListener) unauthenticated() int64 {
	l.unauthMu.Lock()
	defer l.unauthMu.Unlock()
	return l.unauth
}
