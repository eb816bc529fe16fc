//go:build unix

package wsconn

import (
	"io"
	"net"
	"syscall"

	"github.com/symscore/symscore/internal/bufpool"
)

// rawReader reads a connection's socket with non-blocking read calls through
// syscall.RawConn, parking on the runtime poller (deadlines apply) while there is nothing to
// read. Used by its Reader's goroutine only.
type rawReader struct {
	rc  syscall.RawConn // nil: not available
	cr  *Reader
	dst []byte // destination of the current call; nil: the Reader's buffer
	n   int
	err error
	fn  func(fd uintptr) bool // r.readFD, bound once: no allocation per call
}

func (r *rawReader) init(nc net.Conn, cr *Reader) {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return
	}
	r.rc, r.cr, r.fn = rc, cr, r.readFD
}

func (r *rawReader) ok() bool { return r.rc != nil }

// read reads into p, or into the Reader's buffer after its unread bytes when p is nil
// (taking a buffer from the pool first if it has none).
func (r *rawReader) read(p []byte) (int, error) {
	r.dst, r.n, r.err = p, 0, nil
	err := r.rc.Read(r.fn)
	r.dst = nil
	if err != nil {
		return 0, err
	}
	return r.n, r.err
}

func (r *rawReader) readFD(fd uintptr) bool {
	p := r.dst
	taken := false
	if p == nil {
		cr := r.cr
		if cr.buf == nil {
			cr.acquire()
			taken = true
		}
		p = (*cr.buf)[cr.w:readBufBytes]
	}
	for {
		n, err := syscall.Read(int(fd), p)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			if taken {
				// Nothing to read: give the buffer back while the connection waits.
				bufpool.Put(r.cr.buf)
				r.cr.buf = nil
			}
			return false
		case err != nil:
			r.n, r.err = 0, &net.OpError{Op: "read", Net: "tcp", Err: err}
		case n == 0:
			r.n, r.err = 0, io.EOF
		default:
			r.n = n
		}
		return true
	}
}

// rawWriter writes to a connection's socket with non-blocking write calls: tryWrite writes
// what the socket takes now and never waits. Used under its Writer's lock.
type rawWriter struct {
	rc  syscall.RawConn // nil: not available
	src []byte
	n   int
	err error
	fn  func(fd uintptr) bool // w.writeFD, bound once
}

func (w *rawWriter) init(nc net.Conn) {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return
	}
	w.rc, w.fn = rc, w.writeFD
}

func (w *rawWriter) ok() bool { return w.rc != nil }

// tryWrite writes as much of p as the socket accepts without blocking.
func (w *rawWriter) tryWrite(p []byte) (int, error) {
	w.src, w.n, w.err = p, 0, nil
	err := w.rc.Write(w.fn)
	w.src = nil
	if err != nil {
		return w.n, err
	}
	return w.n, w.err
}

func (w *rawWriter) writeFD(fd uintptr) bool {
	for w.n < len(w.src) {
		n, err := syscall.Write(int(fd), w.src[w.n:])
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return true
		case err != nil:
			w.err = &net.OpError{Op: "write", Net: "tcp", Err: err}
			return true
		}
		w.n += n
	}
	return true
}
