package server

import (
	"errors"
	"io"
	"net"
)

// readBufBytes is the size of a connection's read buffer: one read system call brings in a
// small frame whole (several, when a client pipelines).
const readBufBytes = 4 << 10

// connReader is a connection's buffered reader. Its buffer comes from the pool and goes back
// to it whenever the connection has no buffered bytes and waits for more (release), so that
// an idle connection holds no buffer.
//
// bufio.Reader cannot do that without costing a system call per message: its buffer can only
// be filled by its own Read, so a connection would have to wait for bytes with a peek of its
// own first. connReader instead waits on the runtime poller through syscall.RawConn and
// takes a buffer from the pool only once bytes are there, reading them straight into it:
// the same two read calls per message as a blocking Read (one that finds nothing, one after
// the wake-up). Connections without a RawConn (wrapped in tests) read through net.Conn and
// keep their buffer.
//
// One per connection, used by the connection's reader goroutine only.
type connReader struct {
	nc  net.Conn
	raw rawReader // usable when raw.ok()

	buf  *[]byte // pooled, readBufBytes long; nil while released
	r, w int     // unread bytes are (*buf)[r:w]
}

func (r *connReader) init(nc net.Conn) {
	r.nc = nc
	r.raw.init(nc, r)
}

// Buffered is the number of bytes read from the connection and not consumed yet.
func (r *connReader) Buffered() int { return r.w - r.r }

// buffered returns the unread bytes, valid until the next call on r.
func (r *connReader) buffered() []byte {
	if r.buf == nil {
		return nil
	}
	return (*r.buf)[r.r:r.w]
}

// discard consumes n buffered bytes; n ≤ Buffered().
func (r *connReader) discard(n int) { r.r += n }

// Read implements io.Reader. A read of at least readBufBytes into an empty buffer goes to
// the connection directly.
func (r *connReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if r.r == r.w {
		if len(p) >= readBufBytes {
			return r.readConn(p)
		}
		if err := r.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, (*r.buf)[r.r:r.w])
	r.r += n
	return n, nil
}

// skip reads and drops n bytes.
func (r *connReader) skip(n int64) error {
	for n > 0 {
		if r.r == r.w {
			if err := r.fill(); err != nil {
				return err
			}
		}
		k := int(min(n, int64(r.w-r.r)))
		r.r += k
		n -= int64(k)
	}
	return nil
}

// fill reads at least one more byte into the buffer, after the unread ones (moved to the
// front when the buffer is full). It returns an error only when it read nothing.
func (r *connReader) fill() error {
	if r.r == r.w {
		r.r, r.w = 0, 0
	} else if r.w == readBufBytes {
		if r.r == 0 {
			return errReadBufferFull
		}
		r.w = copy(*r.buf, (*r.buf)[r.r:r.w])
		r.r = 0
	}
	if r.raw.ok() {
		// The buffer is taken from the pool (if released) by the read callback, once bytes
		// are there to read.
		n, err := r.raw.read(nil)
		r.w += n
		if n > 0 {
			return nil
		}
		return err
	}
	if r.buf == nil {
		r.acquire()
	}
	n, err := r.nc.Read((*r.buf)[r.w:readBufBytes])
	r.w += n
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

// readConn reads into p directly.
func (r *connReader) readConn(p []byte) (int, error) {
	if r.raw.ok() {
		return r.raw.read(p)
	}
	return r.nc.Read(p)
}

func (r *connReader) acquire() {
	r.buf = getBuf(readBufBytes)
	*r.buf = (*r.buf)[:readBufBytes]
}

// release gives the buffer back to the pool if nothing is buffered (the usual state between
// messages). Connections that cannot wait without a buffer keep it.
func (r *connReader) release() {
	if r.buf != nil && r.r == r.w && r.raw.ok() {
		putBuf(r.buf)
		r.buf, r.r, r.w = nil, 0, 0
	}
}

// releaseAll gives the buffer back whatever it holds (the connection is done).
func (r *connReader) releaseAll() {
	if r.buf != nil {
		putBuf(r.buf)
		r.buf, r.r, r.w = nil, 0, 0
	}
}

// errReadBufferFull: fill was asked for more bytes while the buffer is full of unread ones.
var errReadBufferFull = errors.New("server: read buffer full")
