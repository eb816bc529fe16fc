package wsconn

import (
	"errors"
	"net"
	"sync"
	"time"

	"github.com/symscore/symscore/internal/bufpool"
)

// Errors of Writer.Write and Writer.Push.
var (
	// errQueueFull: the client does not read; the connection is to be closed with 1008.
	errQueueFull = errors.New("wsconn: outbound queue full")
	// errWriterClosed: the connection broke, was closed, or its last frame was written.
	errWriterClosed = errors.New("wsconn: connection closed for writing")
)

// Writer is a connection's only writer: every frame goes through it, whole, in the order
// given.
//
// A frame is written at once, on the calling goroutine, with a non-blocking write call
// when nothing is queued: the usual case costs one write system call and no goroutine. What
// the socket does not take is queued (a copy, in a pooled buffer), and a flusher goroutine,
// started for the occasion, writes the queue with a deadline of writeTimeout per write and
// exits once the queue is empty. Later frames go behind the queue.
//
// The queue holds at most limit bytes. Write (the reader goroutine's replies) waits, when a
// frame does not fit, up to writeTimeout for the flusher to empty the queue — blocking the
// reader, so the client stops being read: backpressure — and returns errQueueFull if it
// does not: the client does not read its replies. A frame larger than limit is written by
// Write itself, with the write deadline, once the queue is empty (pushed frames queue
// behind it). Push (messages from other goroutines) never waits: no room is errQueueFull.
// WriteFinal writes the last frame; everything after it is refused.
//
// Without a RawConn (connections wrapped in tests) there is no non-blocking write: every
// frame goes through the queue and the flusher.
//
// Write, WriteFinal and Close are called by the connection's reader goroutine only; Push
// and PushWait by any goroutine.
type Writer struct {
	nc           net.Conn
	raw          rawWriter
	limit        int
	writeTimeout time.Duration
	spawn        func(func()) // starts the flusher goroutine

	mu       sync.Mutex    // guards raw's state, queue, inFlight, active, drained, final, err
	queue    *[]byte       // frames waiting for the flusher; nil when empty
	inFlight int           // bytes the flusher (or a direct write) is writing now
	active   bool          // a flusher, or Write's direct write of a large frame, owns the socket
	drained  chan struct{} // closed when the active writer is done
	final    bool          // the last frame was given: everything after is refused
	err      error         // first write error; the connection is dead for writing

	timer *time.Timer // the reader's wait timer, made on first use
}

func (w *Writer) init(nc net.Conn, limit int, writeTimeout time.Duration, spawn func(func())) {
	w.nc, w.limit, w.writeTimeout, w.spawn = nc, limit, writeTimeout, spawn
	w.raw.init(nc)
}

// Write sends frame, which the caller may reuse as soon as Write returns.
func (w *Writer) Write(frame []byte) error { return w.write(frame, w.wait) }

// PushWait sends frame as Write does — waiting up to writeTimeout for room in the queue,
// writing a frame larger than the queue itself once the queue is empty — from any
// goroutine (a reply handed to another goroutine: the client asked for it and reads it).
// Its wait makes a timer, only when it waits. The caller may reuse frame as soon as
// PushWait returns.
func (w *Writer) PushWait(frame []byte) error { return w.write(frame, waitNewTimer) }

// write is Write with wait as the way to wait for the active writer.
func (w *Writer) write(frame []byte, wait func(chan struct{}, time.Duration) bool) error {
	w.mu.Lock()
	for {
		if w.err != nil || w.final {
			w.mu.Unlock()
			return errWriterClosed
		}
		if !w.active {
			break
		}
		if w.inFlight+queuedLen(w.queue)+len(frame) <= w.limit {
			w.enqueue(frame)
			w.mu.Unlock()
			return nil
		}
		ch := w.drained
		w.mu.Unlock()
		if !wait(ch, w.writeTimeout) {
			return errQueueFull
		}
		w.mu.Lock() // a Push may have started a flusher meanwhile: look again
	}
	// Nothing queued: this goroutine may write.
	rest, err := w.writeNow(frame)
	if err != nil {
		w.mu.Unlock()
		return errWriterClosed
	}
	if len(rest) == 0 {
		w.mu.Unlock()
		return nil
	}
	if len(rest) <= w.limit {
		w.enqueue(rest)
		w.startFlusher()
		w.mu.Unlock()
		return nil
	}
	// Larger than the whole queue: write it here, owning the socket as a flusher would, so
	// that frames pushed meanwhile queue behind it.
	w.active, w.inFlight, w.drained = true, len(rest), make(chan struct{})
	w.mu.Unlock()
	w.nc.SetWriteDeadline(time.Now().Add(w.writeTimeout))
	_, err = w.nc.Write(rest)
	w.nc.SetWriteDeadline(time.Time{})
	w.mu.Lock()
	w.inFlight = 0
	if err != nil {
		w.failLocked(err)
	}
	if w.queue != nil && w.err == nil {
		w.spawn(w.flush) // takes over: it closes drained when the queue is empty
	} else {
		w.active = false
		close(w.drained)
	}
	w.mu.Unlock()
	if err != nil {
		return errWriterClosed
	}
	return nil
}

// Push sends frame behind whatever is queued, without ever waiting for the client: when
// the queue has no room for it, errQueueFull. Safe for concurrent use with Write and
// other Pushes; the caller may reuse frame as soon as Push returns.
func (w *Writer) Push(frame []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil || w.final {
		return errWriterClosed
	}
	if w.active {
		if w.inFlight+queuedLen(w.queue)+len(frame) > w.limit {
			return errQueueFull
		}
		w.enqueue(frame)
		return nil
	}
	rest, err := w.writeNow(frame)
	switch {
	case err != nil:
		return errWriterClosed
	case len(rest) == 0:
		return nil
	case len(rest) > w.limit:
		// Part of the frame is on the wire: the connection cannot go on.
		w.failLocked(errQueueFull)
		return errQueueFull
	}
	w.enqueue(rest)
	w.startFlusher()
	return nil
}

// WriteFinal queues frame (a close frame) whatever the queue holds and waits, up to twice
// the write timeout, until everything queued is written or the connection is dead. It
// reports whether it all went out. Nothing is written after it.
func (w *Writer) WriteFinal(frame []byte) bool {
	w.mu.Lock()
	if w.err != nil || w.final {
		w.mu.Unlock()
		return false
	}
	w.final = true
	if w.active {
		w.enqueue(frame)
	} else {
		rest, err := w.writeNow(frame)
		if err != nil {
			w.mu.Unlock()
			return false
		}
		if len(rest) == 0 {
			w.mu.Unlock()
			return true
		}
		w.enqueue(rest)
		w.startFlusher()
	}
	ch := w.drained
	w.mu.Unlock()
	if !w.wait(ch, 2*w.writeTimeout) {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err == nil
}

// writeNow writes what the socket takes without blocking and returns the rest (all of
// frame when there is no non-blocking write). Called with w.mu held and no active writer.
func (w *Writer) writeNow(frame []byte) ([]byte, error) {
	if !w.raw.ok() {
		return frame, nil
	}
	n, err := w.raw.tryWrite(frame)
	if err != nil {
		w.failLocked(err)
		return nil, err
	}
	return frame[n:], nil
}

// enqueue appends frame to the queue. Called with w.mu held.
func (w *Writer) enqueue(frame []byte) {
	if w.queue == nil {
		w.queue = bufpool.Get(max(len(frame), readBufBytes))
	}
	w.queue = bufpool.Grow(w.queue, len(*w.queue)+len(frame))
	*w.queue = append(*w.queue, frame...)
}

// startFlusher starts the flusher goroutine. Called with w.mu held.
func (w *Writer) startFlusher() {
	w.active = true
	w.drained = make(chan struct{})
	w.spawn(w.flush)
}

// flush writes the queue until it is empty or a write fails.
func (w *Writer) flush() {
	for {
		w.mu.Lock()
		if w.queue == nil || w.err != nil {
			if w.queue != nil {
				bufpool.Put(w.queue)
				w.queue = nil
			}
			w.active = false
			close(w.drained)
			w.mu.Unlock()
			return
		}
		buf := w.queue
		w.queue, w.inFlight = nil, len(*buf)
		w.mu.Unlock()

		w.nc.SetWriteDeadline(time.Now().Add(w.writeTimeout))
		_, err := w.nc.Write(*buf)
		// A later non-blocking write would fail on an expired deadline.
		w.nc.SetWriteDeadline(time.Time{})
		bufpool.Put(buf)

		w.mu.Lock()
		w.inFlight = 0
		if err != nil {
			w.failLocked(err)
		}
		w.mu.Unlock()
	}
}

// failLocked records the first write error and closes the connection, which also wakes
// its reader. Called with w.mu held.
func (w *Writer) failLocked(err error) {
	if w.err == nil {
		w.err = err
		w.nc.Close()
	}
}

// wait waits until ch (an active writer's drained channel) is closed, up to d. Called by
// the reader goroutine only.
func (w *Writer) wait(ch chan struct{}, d time.Duration) bool {
	select {
	case <-ch:
		return true
	default:
	}
	if w.timer == nil {
		w.timer = time.NewTimer(d)
	} else {
		w.timer.Reset(d)
	}
	select {
	case <-ch:
		w.timer.Stop()
		return true
	case <-w.timer.C:
		return false
	}
}

// waitNewTimer waits until ch is closed, up to d, with a timer of its own.
func waitNewTimer(ch chan struct{}, d time.Duration) bool {
	select {
	case <-ch:
		return true
	default:
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
		return true
	case <-t.C:
		return false
	}
}

// Close waits for an active writer to finish; the connection must be closed already, so
// that its write fails at once. Later Pushes are refused.
func (w *Writer) Close() {
	w.mu.Lock()
	w.final = true
	ch := w.drained
	active := w.active
	w.mu.Unlock()
	if active {
		<-ch
	}
	if w.timer != nil {
		w.timer.Stop()
	}
}

func queuedLen(bp *[]byte) int {
	if bp == nil {
		return 0
	}
	return len(*bp)
}

// TimedOut reports whether the writer died of its write deadline (limits.write_timeout):
// the client stopped reading while a frame was being written.
func (w *Writer) TimedOut() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err != nil && isTimeout(w.err)
}
