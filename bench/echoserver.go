package bench

import (
	"errors"
	"net"
	"sync"
	"time"
)

// EchoServer is a running floor server (see StartWSEcho and StartTCPEcho). Close stops it.
type EchoServer struct {
	ln     net.Listener
	scheme string // "ws" or "tcp"
	serve  func(net.Conn)

	mu     sync.Mutex // guards conns, closed
	conns  map[net.Conn]struct{}
	closed bool

	wg sync.WaitGroup // the accept loop and one goroutine per connection
}

func startEchoServer(addr, scheme string, serve func(net.Conn)) (*EchoServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &EchoServer{ln: ln, scheme: scheme, serve: serve, conns: make(map[net.Conn]struct{})}
	s.wg.Add(1)
	go s.acceptLoop()
	return s, nil
}

// Addr is the listening address, host:port.
func (s *EchoServer) Addr() string { return s.ln.Addr().String() }

// URL is the address to give a load generator: "ws://host:port/" or "tcp://host:port".
func (s *EchoServer) URL() string {
	if s.scheme == "ws" {
		return "ws://" + s.Addr() + "/"
	}
	return "tcp://" + s.Addr()
}

// Close stops accepting, closes every connection and waits for their goroutines.
func (s *EchoServer) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	err := s.ln.Close()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *EchoServer) acceptLoop() {
	defer s.wg.Done()
	var backoff time.Duration
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of descriptors or similar: wait a little, as net/http does.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			conn.Close()
			return
		}
		s.conns[conn] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			s.serve(conn)
			conn.Close()
			s.mu.Lock()
			delete(s.conns, conn)
			s.mu.Unlock()
		}()
	}
}
