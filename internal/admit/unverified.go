package admit

import (
	"errors"
	"net/netip"
	"sync"
)

// Refusals of Hold.Charge: which bound had no room.
var (
	// ErrUnverifiedTotal: limits.max_unverified_bytes, over all connections.
	ErrUnverifiedTotal = errors.New("admit: unverified bytes over limits.max_unverified_bytes")
	// ErrUnverifiedAddress: limits.max_unverified_bytes_per_address.
	ErrUnverifiedAddress = errors.New("admit: unverified bytes over limits.max_unverified_bytes_per_address")
	// ErrUnverifiedConnection: limits.max_unverified_bytes_per_connection.
	ErrUnverifiedConnection = errors.New("admit: unverified bytes over limits.max_unverified_bytes_per_connection")
)

// Unverified bounds the bytes received and held before their signature can be checked
// (REST bodies, first WebSocket messages): over all connections, over the connections of
// one source address, and per connection. Bytes are charged as they arrive, through the
// Hold of the connection or request that receives them. Safe for concurrent use.
//
// An address is an IPv4 address, or the /64 an IPv6 address is in (one host commonly has
// a whole /64). A remote address that is not ip:port (a pipe in tests) counts under one
// shared key.
type Unverified struct {
	total            *Budget
	perAddr, perConn int64

	mu    sync.Mutex // guards addrs
	addrs map[netip.Prefix]int64
}

// NewUnverified makes the bounds: total bytes over all connections, perAddress over the
// connections of one address, perConnection for one connection.
func NewUnverified(total, perAddress, perConnection int64) *Unverified {
	return &Unverified{total: NewBudget(total), perAddr: perAddress, perConn: perConnection,
		addrs: make(map[netip.Prefix]int64)}
}

// Total is the bound over all connections (limits.max_unverified_bytes) alone, for bytes
// that are bounded per connection otherwise (the wslink chunks reassembled before a
// hello, at most rpcapi.MaxHelloBytes a connection).
func (u *Unverified) Total() *Budget { return u.total }

// Used is the number of unverified bytes held now, over all connections.
func (u *Unverified) Used() int64 { return u.total.Used() }

// UsedBy is the number of unverified bytes the connections of remoteAddr's address hold.
func (u *Unverified) UsedBy(remoteAddr string) int64 {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.addrs[AddressKey(remoteAddr)]
}

// Addresses is the number of addresses holding unverified bytes now.
func (u *Unverified) Addresses() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.addrs)
}

// AddressKey is the key a connection from remoteAddr ("ip:port") counts under in the
// bounds per source address: the IPv4 address (an IPv4-mapped IPv6 one unmapped), or the
// /64 of the IPv6 address; the zero Prefix when remoteAddr is not ip:port. It allocates
// nothing.
func AddressKey(remoteAddr string) netip.Prefix {
	ap, err := netip.ParseAddrPort(remoteAddr)
	if err != nil {
		return netip.Prefix{}
	}
	a := ap.Addr().Unmap().WithZone("")
	bits := 32
	if a.Is6() {
		bits = 64
	}
	p, _ := a.Prefix(bits)
	return p
}

// Hold is what one connection (or one REST request) holds of an Unverified: Charge as
// bytes arrive, Release when they are verified or dropped. The zero value holds nothing;
// Init it before the first Charge. One per connection, not safe for concurrent use.
type Hold struct {
	u    *Unverified
	addr netip.Prefix
	n    int64
}

// Init binds h to u for a connection from remoteAddr ("ip:port"), releasing what h held.
func (h *Hold) Init(u *Unverified, remoteAddr string) {
	h.Release()
	h.u, h.addr = u, AddressKey(remoteAddr)
}

// Held is the number of bytes h holds.
func (h *Hold) Held() int64 { return h.n }

// Charge takes n more bytes for h, or takes nothing and returns the refusal of the bound
// that had no room (ErrUnverifiedConnection, ErrUnverifiedAddress, ErrUnverifiedTotal).
// n ≤ 0 always succeeds.
func (h *Hold) Charge(n int64) error {
	if n <= 0 {
		return nil
	}
	u := h.u
	if h.n+n > u.perConn {
		return ErrUnverifiedConnection
	}
	u.mu.Lock()
	held := u.addrs[h.addr]
	if held+n > u.perAddr {
		u.mu.Unlock()
		return ErrUnverifiedAddress
	}
	if !u.total.Charge(n) {
		u.mu.Unlock()
		return ErrUnverifiedTotal
	}
	u.addrs[h.addr] = held + n
	u.mu.Unlock()
	h.n += n
	return nil
}

// Release gives back everything h holds.
func (h *Hold) Release() {
	if h.n == 0 {
		return
	}
	u := h.u
	u.mu.Lock()
	if left := u.addrs[h.addr] - h.n; left > 0 {
		u.addrs[h.addr] = left
	} else {
		delete(u.addrs, h.addr)
	}
	u.total.Release(h.n)
	u.mu.Unlock()
	h.n = 0
}
