package wsconn

import (
	"bytes"
	"errors"
	"io"
	"net"

	"github.com/symscore/symscore/internal/bufpool"
)

// readBufBytes is the size of a connection's read buffer: one read system call brings in a
// small frame whole (several, when a client pipelines).
const readBufBytes = 4 << 10

// replyRoom is the room after a read buffer for the reply to the message read (Spare):
// Session's reply buffer, headroom and then at least 4 KiB. Read buffer and reply room are
// one pooled buffer (the 8 KiB class), taken and given back at once.
const replyRoom = headroom + 4<<10

// Reader is a connection's buffered reader, from its first byte: the listener reads the
// request line through it to route the connection, the upgrade reads the request head,
// the connection reads its frames, and a connection handed to REST gives what it buffered
// to net/http. Its buffer comes from the pool and goes back
// to it whenever the connection has no buffered bytes and waits for more (release), so that
// an idle connection holds no buffer.
//
// bufio.Reader cannot do that without costing a system call per message: its buffer can only
// be filled by its own Read, so a connection would have to wait for bytes with a peek of its
// own first. Reader instead waits on the runtime poller through syscall.RawConn and
// takes a buffer from the pool only once bytes are there, reading them straight into it:
// the same two read calls per message as a blocking Read (one that finds nothing, one after
// the wake-up). Connections without a RawConn (wrapped in tests) read through net.Conn and
// keep their buffer.
//
// One per connection, used by one goroutine at a time (the connection's reader); the zero
// value needs Init.
type Reader struct {
	nc  net.Conn
	raw rawReader // usable when raw.ok()

	buf  *[]byte // pooled, readBufBytes long; nil while released
	r, w int     // unread bytes are (*buf)[r:w]
}

// Init makes r read nc.
func (r *Reader) Init(nc net.Conn) {
	r.nc = nc
	r.raw.init(nc, r)
}

// Buffered is the number of bytes read from the connection and not consumed yet.
func (r *Reader) Buffered() int { return r.w - r.r }

// Peek returns the unread bytes, valid until the next call on r.
func (r *Reader) Peek() []byte {
	if r.buf == nil {
		return nil
	}
	return (*r.buf)[r.r:r.w]
}

// Discard consumes n buffered bytes; n ≤ Buffered().
func (r *Reader) Discard(n int) { r.r += n }

// Read implements io.Reader. A read of at least readBufBytes into an empty buffer goes to
// the connection directly.
func (r *Reader) Read(p []byte) (int, error) {
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
func (r *Reader) skip(n int64) error {
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
func (r *Reader) fill() error {
	if r.r == r.w {
		r.r, r.w = 0, 0
	} else if r.w == readBufBytes {
		if r.r == 0 {
			return ErrLineTooLong
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
func (r *Reader) readConn(p []byte) (int, error) {
	if r.raw.ok() {
		return r.raw.read(p)
	}
	return r.nc.Read(p)
}

func (r *Reader) acquire() {
	r.buf = bufpool.Get(readBufBytes + replyRoom)
	*r.buf = (*r.buf)[:readBufBytes]
}

// spare returns the room after the read buffer (at least replyRoom bytes, length 0), or
// nil while r holds no buffer. It is r's until the buffer is released: its holder must be
// done with it before the next call that may release it (release, ReleaseAll, or a read
// that finds nothing buffered).
func (r *Reader) spare() []byte {
	if r.buf == nil {
		return nil
	}
	return (*r.buf)[readBufBytes:readBufBytes:cap(*r.buf)]
}

// release gives the buffer back to the pool if nothing is buffered (the usual state between
// messages). Connections that cannot wait without a buffer keep it.
func (r *Reader) release() {
	if r.buf != nil && r.r == r.w && r.raw.ok() {
		bufpool.Put(r.buf)
		r.buf, r.r, r.w = nil, 0, 0
	}
}

// ReleaseAll gives the buffer back whatever it holds (the connection is done, or handed
// over with what it buffered consumed).
func (r *Reader) ReleaseAll() {
	if r.buf != nil {
		bufpool.Put(r.buf)
		r.buf, r.r, r.w = nil, 0, 0
	}
}

// ErrLineTooLong: PeekLine found no line end in the first readBufBytes bytes (fill was
// asked for more bytes while the buffer is full of unread ones).
var ErrLineTooLong = errors.New("wsconn: request line too long")

// PeekLine returns the connection's first line (up to and including "\n") without
// consuming it, reading as needed. ErrLineTooLong: no line end in the first 4 KiB.
func (r *Reader) PeekLine() ([]byte, error) {
	scanned := 0
	for {
		buf := r.Peek()
		if i := bytes.IndexByte(buf[scanned:], '\n'); i >= 0 {
			return buf[:scanned+i+1], nil
		}
		scanned = len(buf)
		if err := r.fill(); err != nil {
			return nil, err
		}
	}
}
