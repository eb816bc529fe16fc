package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

const pathSubscribe = "/symetry/ws/subscribe"

// Defaults of a Subscription.
const (
	// SubscriptionBuffer is how many messages a Subscription holds that its reader has
	// not taken; past it the connection is no longer read, and the server disconnects a
	// subscriber that falls that far behind (its outbound queue).
	SubscriptionBuffer = 1024
	// KeepaliveInterval is how often a Subscription pings the server, so that a quiet
	// project does not get the connection closed as idle (limits.idle_timeout).
	KeepaliveInterval = 30 * time.Second
)

// Subscription is a live subscription connection to one project
// (/symetry/ws/subscribe, docs/subscribe.md): the server tells it the project's attribute
// names and, for the names, pairs and topics subscribed, their values as they change.
// Messages arrive in order on Messages, decoded; Subscribe and Unsubscribe change what is
// watched, their answers (subscribed, unsubscribed, or an error message) arriving there
// too. Safe for concurrent use. It owns two goroutines (reader, keepalive) until it ends:
// Close, the project's deletion (a closed message), or a failure (Err).
type Subscription struct {
	link
	pid    string
	signer signer
	framed bool // guarded by writeMu: a framed, signed message was sent
	msg    []byte

	msgs chan *Message
	done chan struct{} // closed when the reader ends
	stop chan struct{} // closed by Close: the reader stops waiting for Messages' reader

	mu     sync.Mutex // guards err, closed
	err    error
	closed bool
}

// Message is one server message of a subscription, decoded. Which fields are set depends
// on Type: see docs/subscribe.md.
type Message struct {
	// Type is "names", "subscribed", "unsubscribed", "data", "model", "log", "closed" or
	// "error".
	Type string
	// names: the attributes, in project index order; Initial for the first message (all
	// of them), false for those that just joined. subscribed and unsubscribed: the names
	// and Pairs they concern; subscribed: Pending, the names not (yet) in the project.
	Names   []string
	Initial bool
	Pairs   [][2]string
	Pending []string
	// data: the subscription (Name, or Pair when Name is empty), the project's Version
	// and the Time of the state, and the Values ("count", "mean", ... or "covar",
	// "linCorr"; NaN for null). $project's values are in Project.
	Name    string
	Pair    [2]string
	Version uint64
	Time    time.Time
	Values  map[string]float64
	Project *ProjectValues
	// model: "built" or "deleted", the model's id and algorithm (Version and Time too).
	Event     string
	ModelID   string
	ModelType string
	// log: the changes since the last log message, and how many were left out.
	Entries []LogEntry
	Dropped int64
	// closed: why (the project was deleted); the subscription then ends.
	Reason string
	// error: a refused message (the subscription goes on, but after an authentication
	// failure).
	Err *StatusError
	// Raw is the message as the server sent it (JSON).
	Raw []byte
}

// ProjectValues are the values of the $project topic.
type ProjectValues struct {
	Rows, Attributes, Models int64
	Frozen                   bool
	LastModificationDate     time.Time
}

// LogEntry is one change in a log message.
type LogEntry struct {
	Op      string // learn, forget, merge, freeze, unfreeze
	Rows    int64
	Version uint64
	Time    time.Time
}

// Subscribe opens a subscription to project pid and subscribes to names (attribute
// names, "*" for every attribute present and future, the topics "$project", "$models",
// "$log") and pairs (either may be empty). The first message is framed and signed. It
// returns once the server has answered it: the names message (every attribute) is then
// the first on Messages. A refusal (authentication, an unknown project) is a
// *StatusError. ctx bounds the opening only.
func (c *Client) Subscribe(ctx context.Context, pid string, names []string, pairs [][2]string) (*Subscription, error) {
	conn, src, u, err := c.dial(ctx, pathSubscribe)
	if err != nil {
		return nil, err
	}
	s := &Subscription{
		link:   link{conn: conn, url: u, timeout: c.timeout},
		pid:    pid,
		signer: c.signer,
		msgs:   make(chan *Message, SubscriptionBuffer),
		done:   make(chan struct{}),
		stop:   make(chan struct{}),
	}
	rd := &wsutil.Reader{Source: src, State: ws.StateClientSide, CheckUTF8: true, MaxMessageSize: c.maxReplyBytes}
	rd.OnIntermediate = func(h ws.Header, r io.Reader) error { return s.control(h, r, s.readError) }
	first := requestJSON("subscribe", names, pairs)
	if len(names) == 0 && len(pairs) == 0 {
		first = []byte("{}")
	}
	if err := s.send(first, true); err != nil {
		conn.Close()
		return nil, err
	}
	// The answer to the first message: the names, or a refusal.
	conn.SetReadDeadline(time.Now().Add(c.timeout))
	m, err := s.readOne(rd, nil)
	if err != nil {
		conn.Close()
		return nil, err
	}
	if m.Type == "error" {
		conn.Close()
		return nil, m.Err
	}
	conn.SetReadDeadline(time.Time{})
	s.msgs <- m
	go s.readLoop(rd)
	go s.keepalive()
	return s, nil
}

// Messages delivers the server's messages in order. It is closed when the subscription
// ends; Err then says why. Read it steadily: a subscription that is not read stops
// reading the connection once SubscriptionBuffer messages wait, and the server
// disconnects it soon after.
func (s *Subscription) Messages() <-chan *Message { return s.msgs }

// Subscribe adds names and pairs to what is watched; the answer (subscribed, or an error
// message) and the first values arrive on Messages. Re-subscribing a name sends its
// current value again.
func (s *Subscription) Subscribe(names []string, pairs [][2]string) error {
	return s.send(requestJSON("subscribe", names, pairs), false)
}

// Unsubscribe stops watching names and pairs; the answer (unsubscribed) arrives on
// Messages, and nothing of them after it.
func (s *Subscription) Unsubscribe(names []string, pairs [][2]string) error {
	return s.send(requestJSON("unsubscribe", names, pairs), false)
}

// Done is closed when the subscription has ended.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Err is why the subscription ended: ErrClosed after Close, a *CloseError with code 1000
// after the project's deletion (its closed message came first), another error after a
// failure; nil while it runs.
func (s *Subscription) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Close ends the subscription: the close handshake (bounded by the client's timeout),
// then Messages is closed. It returns an error only when the handshake failed on a
// subscription that was still running. Calling it again returns nil.
func (s *Subscription) Close() error {
	s.mu.Lock()
	again := s.closed
	s.closed = true
	s.mu.Unlock()
	if again {
		<-s.done
		return nil
	}
	close(s.stop)
	if _, err := s.sendClose(s.Err); err != nil {
		s.fail(ErrClosed)
		<-s.done
		return fmt.Errorf("closing %s: %w", s.url, err)
	}
	<-s.done
	return nil
}

// send writes a client message: framed and signed the first time (or when first), bare
// after.
func (s *Subscription) send(payload []byte, first bool) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := s.Err(); err != nil {
		return err
	}
	msg := payload
	if first || !s.framed {
		s.msg = s.signer.AppendWSMessage(s.msg[:0], s.url, []string{s.pid}, payload)
		msg, s.framed = s.msg, true
	}
	if err := s.writeFrameLocked(ws.OpText, msg); err != nil {
		err = fmt.Errorf("cannot send to %s: %w", s.url, err)
		s.fail(err)
		return err
	}
	return nil
}

// readLoop reads the server's messages until the subscription ends.
func (s *Subscription) readLoop(rd *wsutil.Reader) {
	defer close(s.done)
	defer close(s.msgs)
	var buf []byte
	for {
		m, err := s.readOne(rd, buf[:0])
		if err != nil {
			s.fail(err)
			return
		}
		select {
		case s.msgs <- m:
		case <-s.stop: // closing: what follows is the close frame, or nothing we need
		}
	}
}

// readOne reads and decodes the next message (control frames are handled on the way).
func (s *Subscription) readOne(rd *wsutil.Reader, buf []byte) (*Message, error) {
	for {
		hdr, err := rd.NextFrame()
		if err != nil {
			return nil, s.readError(err)
		}
		if hdr.OpCode.IsControl() {
			if err := s.control(hdr, rd, s.readError); err != nil {
				return nil, err
			}
			continue
		}
		if hdr.OpCode != ws.OpText {
			return nil, fmt.Errorf("%s: the server sent a %v frame; messages are text", s.url, hdr.OpCode)
		}
		if buf, err = readMessage(rd, buf); err != nil {
			return nil, s.readError(err)
		}
		return parseMessage(buf)
	}
}

// keepalive pings the server every KeepaliveInterval until the subscription ends.
func (s *Subscription) keepalive() {
	t := time.NewTicker(KeepaliveInterval)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
			s.writeMu.Lock()
			if !s.sentClose {
				s.writeFrameLocked(ws.OpPing, nil) // a failure shows in the reader
			}
			s.writeMu.Unlock()
		}
	}
}

// fail ends the subscription with err (the first error wins) and closes the connection.
func (s *Subscription) fail(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
	s.conn.Close()
}

// readError describes a failure to read.
func (s *Subscription) readError(err error) error {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	var ne net.Error
	switch {
	case closed && (errors.Is(err, net.ErrClosed) || errors.As(err, &ne) && ne.Timeout()):
		return ErrClosed
	case errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("%s: no answer within %v", s.url, s.timeout)
	case errors.Is(err, wsutil.ErrMessageTooLarge):
		return fmt.Errorf("%s: a message is too large (WithMaxReplyBytes)", s.url)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s: the server closed the connection without a close frame", s.url)
	}
	return fmt.Errorf("%s: cannot read: %w", s.url, err)
}

// requestJSON is a client message.
func requestJSON(typ string, names []string, pairs [][2]string) []byte {
	if names == nil {
		names = []string{}
	}
	if pairs == nil {
		pairs = [][2]string{}
	}
	b, _ := json.Marshal(struct {
		Type  string      `json:"type"`
		Names []string    `json:"names"`
		Pairs [][2]string `json:"pairs"`
	}{typ, names, pairs})
	return b
}
