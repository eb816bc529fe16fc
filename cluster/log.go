package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/symscore/symscore/store"
)

// hdrOrigin is the header naming the process and the counter of a change published here.
const hdrOrigin = "Symscore-Origin"

// Errors of the bus, each wrapped by the store as store.ErrUnavailable.
var (
	// ErrBusUnreachable: the connection to the NATS servers is down.
	ErrBusUnreachable = errors.New("cluster: the bus (NATS) is unreachable")
	// ErrNotApplied: JetStream stored the change, but this node had not applied it within
	// Options.Timeout; it will (every node applies every stored record).
	ErrNotApplied = errors.New("cluster: the change is stored on the bus but not yet applied here")
	// ErrClosed: the node is closed.
	ErrClosed = errors.New("cluster: closed")
	// ErrGap: records are missing from the stream; the node applies nothing more.
	ErrGap = errors.New("cluster: records are missing from the stream")
	// ErrPurged: the stream no longer holds the records a node needs to resume (a snapshot
	// covers them: Node.Bootstrap loads it).
	ErrPurged = errors.New("cluster: the records this node needs were purged from the stream")
)

// Log is the store.Log of a cluster node: the JetStream stream of changes. See the package
// documentation. Safe for concurrent use.
type Log struct {
	js      jetstream.JetStream
	nc      *nats.Conn
	stream  string
	prefix  string
	seen    string // the subject of seen records
	origin  string // this process: node id, then 8 random bytes in hex, then "-"
	timeout time.Duration
	log     *slog.Logger
	m       *Metrics
	dir     string // the node's directory (Options.Dir); "" keeps no resume point

	// resume is the resume point: records below it are in the local snapshots (0: none).
	// Bootstrap sets it; TruncateBefore raises it, writing it to dir first.
	resume  atomic.Uint64
	created time.Time // the stream's creation date, read by Replay

	counter atomic.Uint64 // the last local change's number

	mu      sync.Mutex // guards pending
	pending map[uint64]*pending

	cons    jetstream.Consumer
	iter    jetstream.MessagesContext
	deliver store.Deliver
	next    atomic.Uint64 // the next stream sequence to deliver
	failed  atomic.Pointer[error]
	closed  atomic.Bool
	done    chan struct{} // closed when the consumer goroutine ends (made by Start)
	started func()        // called by Start (the Node's hook), or nil
}

// pending is a local change waiting for its record: the consumer claims it (removing it
// from Log.pending), delivers it with local and closes done; an Append that gives up
// removes it first, and its record, if stored after all, is then delivered as another
// node's.
type pending struct {
	local any
	seq   uint64 // the record's stream sequence, set before done is closed
	done  chan struct{}
}

func newLog(js jetstream.JetStream, nc *nats.Conn, o *Options, m *Metrics) *Log {
	var id [8]byte
	rand.Read(id[:])
	prefix := SubjectPrefix(o.Stream)
	return &Log{
		js: js, nc: nc, stream: o.Stream, prefix: prefix, seen: seenSubject(prefix),
		origin:  o.NodeID + "." + hex.EncodeToString(id[:]) + "-",
		timeout: o.Timeout, log: o.Logger, m: m, dir: o.Dir,
		pending: make(map[uint64]*pending),
	}
}

// Replay delivers to fn every record from sequence from (0: the first), or from the
// resume point when that is later, up to the stream's last as of the call: a node's
// catching up before it serves. Seen records are skipped. It fails when the stream no
// longer holds record from (ErrPurged), when records are missing, or when the bus stops
// answering for Options.Timeout.
func (l *Log) Replay(from uint64, fn func(seq uint64, rec []byte) error) error {
	from = max(from, l.resume.Load(), 1)
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	info, err := l.js.Stream(ctx, l.stream)
	var si *jetstream.StreamInfo
	if err == nil {
		si, err = info.Info(ctx)
	}
	cancel()
	if err != nil {
		return fmt.Errorf("cluster: cannot read stream %s: %w", l.stream, err)
	}
	last := si.State.LastSeq
	l.created = si.Created
	if last >= from && si.State.FirstSeq > from {
		return fmt.Errorf("%w: stream %s begins at record %d; this node needs every record from %d", ErrPurged, l.stream, si.State.FirstSeq, from)
	}
	cons, err := l.js.OrderedConsumer(context.Background(), l.stream, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:   from,
	})
	if err != nil {
		return fmt.Errorf("cluster: cannot consume stream %s: %w", l.stream, err)
	}
	// Pull requests of 2 s, with heartbeats every second: a consumer the server lost is
	// noticed, and made again after the last record delivered, within about 2 s.
	iter, err := cons.Messages(jetstream.PullMaxMessages(256), jetstream.PullExpiry(2*time.Second))
	if err != nil {
		return fmt.Errorf("cluster: cannot consume stream %s: %w", l.stream, err)
	}
	l.cons, l.iter = cons, iter
	l.next.Store(from)
	start := time.Now()
	for l.next.Load() <= last {
		msg, err := iter.Next(jetstream.NextMaxWait(l.timeout))
		if err != nil {
			iter.Stop()
			return fmt.Errorf("cluster: catching up with stream %s at record %d of %d: %w", l.stream, l.next.Load(), last, err)
		}
		seq, rec, _, err := l.accept(msg)
		if err != nil {
			iter.Stop()
			return err
		}
		if rec != nil {
			if err := fn(seq, rec); err != nil {
				iter.Stop()
				return err
			}
		}
	}
	if last >= from {
		l.log.Info("cluster: caught up with the stream", "stream", l.stream, "from", from, "to", last, "took", time.Since(start))
	}
	return nil
}

// accept checks that msg is the next record and counts it: its sequence, its payload (nil
// for a seen record, which is not delivered) and its origin header.
func (l *Log) accept(msg jetstream.Msg) (seq uint64, rec []byte, origin string, err error) {
	meta, err := msg.Metadata()
	if err != nil {
		return 0, nil, "", fmt.Errorf("cluster: a message without metadata: %w", err)
	}
	seq, next := meta.Sequence.Stream, l.next.Load()
	if seq != next {
		err := fmt.Errorf("%w: %w: record %d follows record %d", store.ErrRestartNeeded, ErrGap, seq, next-1)
		l.fail(err)
		return 0, nil, "", err
	}
	l.next.Store(seq + 1)
	l.m.AppliedSeq.Set(float64(seq))
	l.m.Lag.Set(float64(meta.NumPending))
	l.m.Applied.Inc()
	if msg.Subject() == l.seen {
		return seq, nil, "", nil
	}
	return seq, msg.Data(), msg.Headers().Get(hdrOrigin), nil
}

// fail records a lasting failure.
func (l *Log) fail(err error) {
	if l.failed.CompareAndSwap(nil, &err) {
		l.log.Error("cluster: the node stops applying the stream", "err", err)
	}
}

// Start starts delivering the records after those Replay handed over.
func (l *Log) Start(deliver store.Deliver) {
	l.deliver = deliver
	l.done = make(chan struct{})
	if l.iter == nil { // Replay failed: Open fails and closes the log
		close(l.done)
		return
	}
	go l.consume()
	if l.started != nil {
		l.started()
	}
}

// checkPurged fails the log (ErrPurged, store.ErrRestartNeeded) when the stream no longer
// holds the next record it needs. The snapshot leader purges what a node has yet to apply
// only once the node has stopped counting as live (no heartbeat for liveFor): a node cut
// off from the bus that long checks at its reconnection, for it would otherwise find out
// only with the next record, serving its old state as current meanwhile. Records the node
// received before a purge and has yet to apply can make it fail needlessly: a restart
// then costs a snapshot load, never a wrong state.
func (l *Log) checkPurged() {
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	defer cancel()
	s, err := l.js.Stream(ctx, l.stream)
	if err != nil {
		return // the check is an early warning; the next record would tell
	}
	info, err := s.Info(ctx)
	if err != nil {
		return
	}
	if next := l.next.Load(); info.State.FirstSeq > next && !l.closed.Load() {
		l.fail(fmt.Errorf("%w: %w: stream %s begins at record %d; this node needs every record from %d",
			store.ErrRestartNeeded, ErrPurged, l.stream, info.State.FirstSeq, next))
	}
}

// consume delivers the stream's records as they come, until Close.
func (l *Log) consume() {
	defer close(l.done)
	for {
		msg, err := l.nextMsg()
		if err != nil {
			if l.closed.Load() || errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				return
			}
			l.log.Warn("cluster: reading the stream", "err", err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		seq, rec, origin, err := l.accept(msg)
		if err != nil {
			l.iter.Stop()
			return
		}
		if rec == nil {
			continue
		}
		p := l.claim(origin)
		if p == nil {
			l.deliver(seq, rec, nil)
			continue
		}
		p.seq = seq
		l.deliver(seq, rec, p.local)
		close(p.done)
	}
}

// nextMsg is the iterator's next message. The ordered consumer of nats.go v1.56.0 panics
// when it is stopped while it waits to make its consumer again (its back-off canceled,
// it takes a consumer it never got): a panic after Close is the end of the stream.
func (l *Log) nextMsg() (msg jetstream.Msg, err error) {
	defer func() {
		if v := recover(); v != nil {
			if !l.closed.Load() {
				panic(v)
			}
			msg, err = nil, jetstream.ErrMsgIteratorClosed
		}
	}()
	return l.iter.Next()
}

// claim returns the local change a record's origin header names, removing it from the
// table, or nil for a record of another process (or one whose Append gave up).
func (l *Log) claim(origin string) *pending {
	n, ok := strings.CutPrefix(origin, l.origin)
	if !ok {
		return nil
	}
	id, err := strconv.ParseUint(n, 10, 64)
	if err != nil || strconv.FormatUint(id, 10) != n {
		return nil // not as Append writes it
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.pending[id]
	delete(l.pending, id)
	return p
}

// giveUp removes a local change from the table; false when the consumer claimed it first
// (its record is being delivered: wait for done).
func (l *Log) giveUp(id uint64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.pending[id]; !ok {
		return false
	}
	delete(l.pending, id)
	return true
}

// Append publishes rec and returns its stream sequence once JetStream stored it and the
// consumer delivered it (with local). See store.Log.
func (l *Log) Append(rec []byte, local any) (uint64, error) {
	if err := l.Err(); err != nil {
		return 0, err
	}
	cid, pid, ok := store.RecordProject(rec)
	if !ok || len(cid) == 0 || len(pid) == 0 {
		return 0, fmt.Errorf("cluster: not a record of a project")
	}
	if n, limit := len(rec)+256, l.nc.MaxPayload(); int64(n) > limit {
		return 0, fmt.Errorf("%w: %d bytes; the bus takes at most %d (the NATS servers' max_payload)", store.ErrRecordTooLarge, len(rec), limit-256)
	}
	id := l.counter.Add(1)
	p := &pending{local: local, done: make(chan struct{})}
	l.mu.Lock()
	l.pending[id] = p
	l.mu.Unlock()

	msg := &nats.Msg{Subject: Subject(l.prefix, cid, pid), Data: rec, Header: nats.Header{}}
	msg.Header[hdrOrigin] = []string{l.origin + strconv.FormatUint(id, 10)}
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	defer cancel()
	start := time.Now()
	ack, err := l.js.PublishMsg(ctx, msg, jetstream.WithExpectStream(l.stream))
	l.m.Publish.Observe(time.Since(start).Seconds())
	if err != nil {
		return l.abandon(id, p, fmt.Errorf("cluster: publishing a change: %w", l.busErr(err)))
	}
	select {
	case <-p.done:
	case <-ctx.Done():
		return l.abandon(id, p, fmt.Errorf("%w (record %d)", ErrNotApplied, ack.Sequence))
	case <-l.done:
		return l.abandon(id, p, fmt.Errorf("%w: record %d is stored but not applied here", ErrClosed, ack.Sequence))
	}
	if p.seq != ack.Sequence {
		// Cannot happen: the stream acknowledged one sequence and delivered the record at another.
		l.log.Error("cluster: a change delivered at another sequence than its acknowledgement", "ack", ack.Sequence, "delivered", p.seq)
	}
	return p.seq, nil
}

// abandon gives up waiting for change id: err, unless the consumer has claimed its record,
// which is then delivered (the change succeeds).
func (l *Log) abandon(id uint64, p *pending, err error) (uint64, error) {
	if l.giveUp(id) {
		return 0, err
	}
	<-p.done
	return p.seq, nil
}

// busErr names an error of an unreachable bus as such.
func (l *Log) busErr(err error) error {
	if !l.nc.IsConnected() || errors.Is(err, nats.ErrReconnectBufExceeded) || errors.Is(err, nats.ErrConnectionClosed) {
		return fmt.Errorf("%w: %w", ErrBusUnreachable, err)
	}
	return err
}

// Note publishes a seen record with the message id of its replay key and waits for
// JetStream's answer: an error wrapping store.ErrReplayed when the stream's duplicate
// window holds that id (the signature was accepted before, on any node).
func (l *Log) Note(rec []byte) error {
	key, ok := store.SeenKey(rec)
	if !ok {
		return nil // the store notes seen records only
	}
	if err := l.Err(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	defer cancel()
	start := time.Now()
	ack, err := l.js.PublishMsg(ctx, &nats.Msg{Subject: l.seen, Data: rec},
		jetstream.WithExpectStream(l.stream), jetstream.WithMsgID(hex.EncodeToString(key[:])))
	l.m.Publish.Observe(time.Since(start).Seconds())
	switch {
	case err != nil:
		return fmt.Errorf("cluster: publishing a signature: %w", l.busErr(err))
	case ack.Duplicate:
		return fmt.Errorf("%w (the stream holds message id %x)", store.ErrReplayed, key)
	}
	return nil
}

// Sync does nothing: what JetStream acknowledged is as durable as the stream makes it.
func (l *Log) Sync() error { return nil }

// TruncateBefore records seq as the node's resume point (the store's snapshots hold every
// record below it), durably in Options.Dir, when it is later than the one recorded: the
// next start replays the stream from there. The stream itself is purged by the snapshot
// leader only (Node.Run). Without Options.Dir it does nothing.
func (l *Log) TruncateBefore(seq uint64) error {
	if l.dir == "" || seq <= l.resume.Load() {
		return nil
	}
	if err := writeResume(l.dir, resumePoint{Stream: l.stream, Created: l.created, Next: seq}); err != nil {
		return fmt.Errorf("cluster: cannot write the resume point: %w", err)
	}
	l.resume.Store(seq)
	return nil
}

// NextSeq is the sequence after the last record delivered.
func (l *Log) NextSeq() uint64 { return max(l.next.Load(), 1) }

// Undelivered is NextSeq: no record after it has been delivered.
func (l *Log) Undelivered() uint64 { return l.NextSeq() }

// Err reports a lasting failure (ErrGap, wrapping store.ErrRestartNeeded), a closed log, or
// an unreachable bus.
func (l *Log) Err() error {
	if p := l.failed.Load(); p != nil {
		return *p
	}
	if l.closed.Load() {
		return ErrClosed
	}
	if !l.nc.IsConnected() {
		return ErrBusUnreachable
	}
	return nil
}

// Close stops delivering; Appends under way give up. The connection is the Node's.
func (l *Log) Close() error {
	if l.closed.Swap(true) {
		return nil
	}
	if l.iter != nil {
		l.iter.Stop()
	}
	if l.done != nil {
		<-l.done
	}
	return nil
}
