package testkit

import (
	"io"
	"net"
	"sync"
	"testing"
)

// Balancer is a TCP load balancer on loopback that sends each new connection to the next
// of its backends in turn, as a round-robin balancer in front of cluster nodes does: two
// connections in a row never reach the same node of two.
type Balancer struct {
	ln       net.Listener
	mu       sync.Mutex // guards backends, next
	backends []string
	next     int
}

// StartBalancer listens on a free loopback port; SetBackends names where connections go.
// It stops when the test ends.
func StartBalancer(t testing.TB) *Balancer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &Balancer{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go b.accept()
	return b
}

// Addr is the balancer's host:port.
func (b *Balancer) Addr() string { return b.ln.Addr().String() }

// SetBackends sets the host:port addresses connections are sent to, in turn.
func (b *Balancer) SetBackends(addrs ...string) {
	b.mu.Lock()
	b.backends = addrs
	b.mu.Unlock()
}

func (b *Balancer) accept() {
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return
		}
		b.mu.Lock()
		addr := ""
		if len(b.backends) > 0 {
			addr = b.backends[b.next%len(b.backends)]
			b.next++
		}
		b.mu.Unlock()
		go forward(c, addr)
	}
}

// forward copies bytes both ways between c and a connection to addr until either side
// closes.
func forward(c net.Conn, addr string) {
	defer c.Close()
	if addr == "" {
		return
	}
	u, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	defer u.Close()
	done := make(chan struct{}, 2)
	go func() { io.Copy(u, c); done <- struct{}{} }()
	go func() { io.Copy(c, u); done <- struct{}{} }()
	<-done
}
