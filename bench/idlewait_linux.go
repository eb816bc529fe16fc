package bench

import (
	"net"
	"syscall"
)

// idleWaiter waits until a connection has bytes to read without holding a buffer for them:
// it parks on the runtime's poller and confirms with a non-blocking one-byte peek, which
// also catches bytes that were already waiting in the socket.
type idleWaiter struct {
	rc   syscall.RawConn
	peek func(fd uintptr) bool // built once: no allocation per wait
	b    [1]byte
}

// init reports whether conn supports waiting; the waiter is usable only if it does.
func (w *idleWaiter) init(conn net.Conn) bool {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	w.rc = rc
	w.peek = func(fd uintptr) bool {
		_, _, err := syscall.Recvfrom(int(fd), w.b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		// Bytes, end of stream or an error: the next read reports which.
		return err != syscall.EAGAIN && err != syscall.EINTR
	}
	return true
}

// wait returns when the connection is readable, or with the error that stops waiting
// (connection closed, deadline).
func (w *idleWaiter) wait() error { return w.rc.Read(w.peek) }
