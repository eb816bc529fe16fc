package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/wsframe"
)

// WebSocket endpoint paths.
const (
	pathLearn   = "/symetry/ws/learn"
	pathForget  = "/symetry/ws/forget"
	pathPredict = "/symetry/ws/predict"
	pathUpload  = "/symetry/ws/upload"
)

// Session is one WebSocket connection to /symetry/ws/learn, /forget or /predict, bound to
// its project (and model). Messages are pipelined: Send writes a message and returns at
// once with a Pending handle, many messages may await their replies, and the replies
// resolve the handles in the order the messages were sent. The first message is framed and
// signed with the session's extra keys; later ones go bare unless the client signs every
// frame (WithSignEveryFrame).
//
// A reply with an error status fails its own message only (*StatusError) and the session
// goes on, except after an authentication failure: the server closes the connection
// (status 1008) and every later message fails with a *CloseError. A connection failure,
// or no reply within the client's timeout of the previous one, fails every message in
// flight and the session. A Session is safe for concurrent use; concurrent Sends are
// ordered as they take the write lock. Close it when done.
type Session struct {
	link               // the connection; its writeMu also guards msg and framed
	keys      []string // extraKeys: [pid] or [pid, modelId]
	signer    signer
	signEvery bool
	maxReply  int64

	// Lock order: writeMu, then mu.
	msg    []byte // the signed message being framed
	framed bool   // a framed, signed message was sent

	mu      sync.Mutex // guards pending, err, closed
	pending []*Pending // messages sent, awaiting their replies, oldest first
	err     error      // why the session ended; nil while it runs
	closed  bool       // Close was called: Send refuses

	done chan struct{} // closed when the reader goroutine returns
}

// signer is what a Session needs of auth.Signer.
type signer interface {
	AppendWSMessage(dst []byte, serviceURL string, extraKeys []string, payload []byte) []byte
}

// Pending is the reply to come of one message sent on a Session.
type Pending struct {
	done  chan struct{} // closed when reply or err is set
	reply *Reply
	err   error
}

// Wait blocks until the message's reply arrives and returns it: an OK reply, or the
// *StatusError of an error reply, or the error that ended the session first (a
// *CloseError, ErrClosed, a connection error, a missing reply after the client's
// timeout). It always returns: every message in flight is answered or failed.
func (p *Pending) Wait() (*Reply, error) {
	<-p.done
	return p.reply, p.err
}

// Done is closed when Wait would return at once.
func (p *Pending) Done() <-chan struct{} { return p.done }

func (p *Pending) finish(r *Reply, err error) {
	p.reply, p.err = r, err
	close(p.done)
}

// OpenLearn opens a learn session on project pid: every message's rows are added to the
// project's statistics.
func (c *Client) OpenLearn(ctx context.Context, pid string) (*Session, error) {
	return c.OpenSession(ctx, pathLearn, pid)
}

// OpenForget opens a forget session on project pid: every message's rows are removed.
func (c *Client) OpenForget(ctx context.Context, pid string) (*Session, error) {
	return c.OpenSession(ctx, pathForget, pid)
}

// OpenPredict opens a predict session on model modelID of project pid: every message's
// rows are scored (Reply.Predictions). Missing inputs are imputed with the project means.
func (c *Client) OpenPredict(ctx context.Context, pid, modelID string) (*Session, error) {
	return c.OpenSession(ctx, pathPredict, pid, modelID)
}

// OpenSession opens a session on a WebSocket endpoint path (e.g. "/symetry/ws/learn")
// with its extra keys. ctx bounds the handshake only (and the client's timeout bounds it
// too). A refused upgrade is a *StatusError with its HTTP code.
func (c *Client) OpenSession(ctx context.Context, path string, extraKeys ...string) (*Session, error) {
	conn, src, u, err := c.dial(ctx, path)
	if err != nil {
		return nil, err
	}
	s := &Session{
		link:      link{conn: conn, url: u, timeout: c.timeout},
		keys:      append([]string(nil), extraKeys...),
		signer:    c.signer,
		signEvery: c.signEvery,
		maxReply:  c.maxReplyBytes,
		done:      make(chan struct{}),
	}
	go s.readLoop(src)
	return s, nil
}

// dial opens a WebSocket connection to the endpoint path: the connection, the reader of
// what the server sends, and the service URL.
func (c *Client) dial(ctx context.Context, path string) (net.Conn, io.Reader, string, error) {
	scheme := "ws"
	if c.scheme == "https" {
		scheme = "wss"
	}
	u := scheme + "://" + c.host + c.basePath + path
	var refused *StatusError
	d := ws.Dialer{
		Timeout:   c.timeout,
		TLSConfig: c.tlsConfig,
		OnStatusError: func(status int, _ []byte, resp io.Reader) {
			refused = refusedUpgrade(status, resp)
		},
	}
	conn, br, _, err := d.Dial(ctx, u)
	if err != nil {
		if refused != nil {
			return nil, nil, "", refused
		}
		return nil, nil, "", fmt.Errorf("cannot open %s: %w", u, err)
	}
	src := io.Reader(br)
	if br == nil {
		src = bufio.NewReaderSize(conn, 32<<10)
	}
	return conn, src, u, nil
}

// refusedUpgrade reads the response to a refused upgrade into a *StatusError (an envelope
// when the server sent one).
func refusedUpgrade(status int, resp io.Reader) *StatusError {
	e := &StatusError{HTTPCode: status, Message: "WebSocket upgrade refused: HTTP " + http.StatusText(status)}
	r, err := http.ReadResponse(bufio.NewReader(io.LimitReader(resp, 64<<10)), nil)
	if err != nil {
		return e
	}
	defer r.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(r.Body, 16<<10))
	if _, err := parseReply(body, status); err != nil {
		var se *StatusError
		if errors.As(err, &se) && se.Status != "" {
			return se
		}
	}
	if len(body) > 0 {
		e.Message += ": " + clip(body)
	}
	return e
}

// URL is the service URL of the session, e.g. "ws://127.0.0.1:8080/symetry/ws/learn".
func (s *Session) URL() string { return s.url }

// Send writes one message, the DataFrame JSON payload, and returns its Pending reply
// without waiting for it. The payload is copied before Send returns. Send blocks only
// while the connection accepts the bytes (at most the client's timeout); a failure to
// write fails the session, and is reported by Wait.
func (s *Session) Send(payload []byte) *Pending {
	return s.enqueue(func() error {
		msg := payload
		if !s.framed || s.signEvery {
			s.msg = s.signer.AppendWSMessage(s.msg[:0], s.url, s.keys, payload)
			msg = s.msg
			s.framed = true
		}
		return s.writeFrameLocked(ws.OpText, msg)
	})
}

// enqueue adds a message awaiting its reply and writes it with write, under the write
// lock; a failed write fails the session.
func (s *Session) enqueue(write func() error) *Pending {
	p := &Pending{done: make(chan struct{})}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.Lock()
	switch {
	case s.err != nil:
		err := s.err
		s.mu.Unlock()
		p.finish(nil, err)
		return p
	case s.closed:
		s.mu.Unlock()
		p.finish(nil, ErrClosed)
		return p
	}
	s.pending = append(s.pending, p)
	if len(s.pending) == 1 {
		s.conn.SetReadDeadline(time.Now().Add(s.timeout))
	}
	s.mu.Unlock()
	if err := write(); err != nil {
		s.fail(fmt.Errorf("cannot send to %s: %w", s.url, err))
	}
	return p
}

// Do sends one message and waits for its reply, or for ctx to end (the reply, when it
// comes, is then dropped in order).
func (s *Session) Do(ctx context.Context, payload []byte) (*Reply, error) {
	p := s.Send(payload)
	select {
	case <-p.done:
		return p.Wait()
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// InFlight is the number of messages sent whose reply has not arrived.
func (s *Session) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// Done is closed when the session has ended: after Close, or once it failed (Err says
// why).
func (s *Session) Done() <-chan struct{} { return s.done }

// Err is why the session ended (ErrClosed after Close), or nil while it runs.
func (s *Session) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Close waits for the replies in flight, then closes the connection with status 1000 and
// waits for the server's close frame, each wait bounded by the client's timeout. Later
// Sends fail with ErrClosed. It returns an error only when the close handshake failed on a
// session that was still running; how the messages ended, Wait reports. Calling it again
// waits for the first call's work and returns nil.
func (s *Session) Close() error {
	s.mu.Lock()
	again := s.closed
	s.closed = true
	var last *Pending
	if n := len(s.pending); n > 0 {
		last = s.pending[n-1]
	}
	s.mu.Unlock()
	if again {
		<-s.done
		return nil
	}
	if last != nil {
		select { // the read deadline bounds this wait
		case <-last.done:
		case <-s.done:
		}
	}
	sent, err := s.sendClose(s.Err)
	if err != nil {
		s.fail(ErrClosed)
		<-s.done
		return fmt.Errorf("closing %s: %w", s.url, err)
	}
	<-s.done // the reader ends on the server's close frame, an error or the deadline
	s.mu.Lock()
	end := s.err
	s.mu.Unlock()
	if !sent || errors.Is(end, ErrClosed) {
		return nil
	}
	return fmt.Errorf("closing %s: %w", s.url, end)
}

// fail ends the session with err (the first error wins), fails every message in flight
// and closes the connection.
func (s *Session) fail(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	err = s.err
	pend := s.pending
	s.pending = nil
	s.mu.Unlock()
	for _, p := range pend {
		p.finish(nil, err)
	}
	s.conn.Close()
}

// link is a client's WebSocket connection as its sessions and subscriptions share it:
// the writing side (every frame whole, under writeMu) and the control frames.
type link struct {
	conn    net.Conn
	url     string // the service URL dialled and signed
	timeout time.Duration

	writeMu   sync.Mutex // guards wbuf, sentClose and every write to conn
	wbuf      []byte     // the frame being written
	sentClose bool       // the close frame was sent
}

// sendClose sends the close frame (1000), once, unless the connection already ended
// (ended() not nil), and gives the server the timeout to answer it. It reports whether it
// sent it.
func (l *link) sendClose(ended func() error) (sent bool, err error) {
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	if ended() != nil || l.sentClose {
		return false, nil
	}
	l.sentClose = true
	l.conn.SetReadDeadline(time.Now().Add(l.timeout))
	return true, l.writeFrameLocked(ws.OpClose, ws.NewCloseFrameBody(ws.StatusNormalClosure, ""))
}

// writeFrameLocked writes one masked frame with a single write, bounded by the timeout.
// l.writeMu must be held.
func (l *link) writeFrameLocked(op ws.OpCode, payload []byte) error {
	l.wbuf = wsframe.AppendClientFrame(l.wbuf[:0], op, payload, ws.NewMask())
	return l.writeLocked()
}

// writeLocked writes the frame in l.wbuf with a single write, bounded by the timeout.
// l.writeMu must be held.
func (l *link) writeLocked() error {
	l.conn.SetWriteDeadline(time.Now().Add(l.timeout))
	_, err := l.conn.Write(l.wbuf)
	if cap(l.wbuf) > 4<<20 { // do not keep a huge buffer for small messages to come
		l.wbuf = nil
	}
	return err
}
