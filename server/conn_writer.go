package server

import (
	"errors"
	"net"
	"sync"
	"time"
)

// Errors of connWriter.write.
var (
	// errQueueFull: the client does not read its replies; the connection is to be closed
	// with status 1008.
	errQueueFull = errors.New("server: outbound queue full")
	// errWriterClosed: the connection broke or was closed.
	errWriterClosed = errors.New("server: connection closed for writing")
)

// connWriter is a connection's only writer: every frame (replies, pongs, close frames) goes
// through it, whole, in the order given.
//
// A frame is written at once on the calling goroutine (the connection's reader) with a
// non-blocking write call when nothing is queued: the usual case costs one write system call
// and no goroutine. What the socket does not take is queued (a copy, in a pooled buffer), and
// a flusher goroutine, started for the occasion, writes the queue with a deadline of
// writeTimeout per write and exits once the queue is empty. Later frames go behind the queue.
//
// The queue holds at most limit bytes. When a frame does not fit, write waits (blocking the
// reader, so the client stops being read: backpressure) up to writeTimeout for the flusher to
// empty the queue; if it does not, write returns errQueueFull: the client does not read its
// replies. A frame larger than limit is written by the calling goroutine itself, with the
// write deadline, once the queue is empty.
//
// Without a RawConn (connections wrapped in tests) there is no non-blocking write: every
// frame goes through the queue and the flusher.
//
// write and writeFinal are called by the connection's reader goroutine only; the flusher
// runs beside it.
type connWriter struct {
	nc           net.Conn
	raw          rawWriter
	limit        int
	writeTimeout time.Duration
	spawn        func(func()) // starts the flusher goroutine

	mu       sync.Mutex    // guards queue, inFlight, active, drained, err
	queue    *[]byte       // frames waiting for the flusher; nil when empty
	inFlight int           // bytes the flusher is writing now
	active   bool          // a flusher goroutine runs
	drained  chan struct{} // closed when the running flusher exits
	err      error         // first write error; the connection is dead for writing

	timer *time.Timer // reader's wait timer, made on first use
}

func (w *connWriter) init(nc net.Conn, limit int, writeTimeout time.Duration, spawn func(func())) {
	w.nc, w.limit, w.writeTimeout, w.spawn = nc, limit, writeTimeout, spawn
	w.raw.init(nc)
}

// write sends frame, which the caller may reuse as soon as write returns.
func (w *connWriter) write(frame []byte) error {
	w.mu.Lock()
	if w.err != nil {
		w.mu.Unlock()
		return errWriterClosed
	}
	if w.active {
		if w.inFlight+queuedLen(w.queue)+len(frame) <= w.limit {
			w.enqueue(frame)
			w.mu.Unlock()
			return nil
		}
		ch := w.drained
		w.mu.Unlock()
		if !w.wait(ch, w.writeTimeout) {
			return errQueueFull
		}
		w.mu.Lock()
		if w.err != nil {
			w.mu.Unlock()
			return errWriterClosed
		}
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
	w.mu.Unlock()
	// Larger than the whole queue: write it here. No flusher runs and only this goroutine
	// starts one, so the connection is ours.
	w.nc.SetWriteDeadline(time.Now().Add(w.writeTimeout))
	_, err = w.nc.Write(rest)
	w.nc.SetWriteDeadline(time.Time{})
	if err != nil {
		w.fail(err)
		return errWriterClosed
	}
	return nil
}

// writeFinal queues frame (a close frame) whatever the queue holds and waits, up to twice
// the write timeout, until everything queued is written or the connection is dead. It
// reports whether it all went out.
func (w *connWriter) writeFinal(frame []byte) bool {
	w.mu.Lock()
	if w.err != nil {
		w.mu.Unlock()
		return false
	}
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
// frame when there is no non-blocking write). Called with w.mu held and no flusher running.
func (w *connWriter) writeNow(frame []byte) ([]byte, error) {
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
func (w *connWriter) enqueue(frame []byte) {
	if w.queue == nil {
		w.queue = getBuf(max(len(frame), readBufBytes))
	}
	w.queue = growBuf(w.queue, len(*w.queue)+len(frame))
	*w.queue = append(*w.queue, frame...)
}

// startFlusher starts the flusher goroutine. Called with w.mu held.
func (w *connWriter) startFlusher() {
	w.active = true
	w.drained = make(chan struct{})
	w.spawn(w.flush)
}

// flush writes the queue until it is empty or a write fails.
func (w *connWriter) flush() {
	for {
		w.mu.Lock()
		if w.queue == nil || w.err != nil {
			if w.queue != nil {
				putBuf(w.queue)
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
		putBuf(buf)

		w.mu.Lock()
		w.inFlight = 0
		w.mu.Unlock()
		if err != nil {
			w.fail(err)
		}
	}
}

// fail records the first write error and closes the connection, which also wakes its
// reader.
func (w *connWriter) fail(err error) {
	w.mu.Lock()
	w.failLocked(err)
	w.mu.Unlock()
}

func (w *connWriter) failLocked(err error) {
	if w.err == nil {
		w.err = err
		w.nc.Close()
	}
}

// wait waits until ch (a flusher's drained channel) is closed, up to d. Called by the
// reader goroutine only.
func (w *connWriter) wait(ch chan struct{}, d time.Duration) bool {
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

// close waits for a running flusher to exit; the connection must be closed already, so
// that its write fails at once.
func (w *connWriter) close() {
	w.mu.Lock()
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

// timedOut reports whether the writer died of its write deadline (limits.write_timeout):
// the client stopped reading while a reply was being written.
func (w *connWriter) timedOut() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err != nil && isTimeout(w.err)
}
