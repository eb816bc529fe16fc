package rpcapi

import (
	"errors"
	"sync"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/bufpool"
	"github.com/symscore/symscore/internal/live"
	"github.com/symscore/symscore/internal/wslink"
	"github.com/symscore/symscore/protocol"
)

// Topics (docs/rpc.md 5): symscore.subscribe and symscore.unsubscribe apply a
// subscription's client message to the connection's subscriber of a project — one per
// project the connection watches, of the one change notifier (ops.Service.WatchQuota) —
// and the notifier's messages for it are published on the connection's topics, each
// with its pid. The subscribers of a connection share one quota of
// limits.max_subscriptions.

// The topics a subscriber's messages are published on, by kind (live.Kind).
var topicOf = [...]string{
	live.KindNames:  "symscore.names",
	live.KindData:   "symscore.data",
	live.KindModel:  "symscore.model",
	live.KindLog:    "symscore.log",
	live.KindClosed: "symscore.closed",
}

// pubScratch is Deliver's: where each message lies in the buffer, then its slice. Pooled,
// so that an idle connection holds none.
type pubScratch struct {
	ends     []int
	payloads [][]byte
}

var pubScratches = sync.Pool{New: func() any { return new(pubScratch) }}

// maxPooledMessages bounds the scratch a Deliver gives back to the pool (in messages): a
// rare huge delivery's is left to the garbage collector.
const maxPooledMessages = 1024

// watch is the connection's subscriber of one project, and its live.Sink: Deliver
// publishes the project's messages with its pid, and answers the subscribe or
// unsubscribe being applied with its subscribed or unsubscribed message.
type watch struct {
	s   *session
	key string // in session.watches: customer id and pid
	pid string
	sub *live.Subscriber // set once Attach returned, on the reader goroutine

	// answer is the id of the call being applied: set by the reader goroutine around its
	// call of the subscriber, and read by Deliver when it gets the answer, which the
	// subscriber delivers on that goroutine, within that call. Publications do not
	// read it.
	answer []byte
}

// decodeTopic: pid, {"names":[...],"pairs":[...]} (either list optional).
func decodeTopic(c *call, a *args) error {
	if err := a.count(2, 2); err != nil {
		return err
	}
	if err := c.pidArg(a); err != nil {
		return err
	}
	var err error
	c.lists, err = c.mapJSON(a, 1, "the names and pairs")
	return err
}

// topicCall applies a subscribe or an unsubscribe on the reader goroutine, so that a
// connection's subscriptions change in the order it sent them. The answer goes out
// through the subscriber (Deliver), before any value it brings; only a refusal is the
// reply.
func (s *session) topicCall(m *method, env *wslink.Envelope, reply []byte) ([]byte, ws.OpCode, ws.StatusCode) {
	start := time.Now()
	c := &call{m: m, id: env.ID, cust: s.cust} // its strings copied: the pid is kept
	c.att = s.takeAttachments()
	defer c.release()
	a := args{m: m.name, list: env.Args}
	err := m.decode(c, &a)
	if err == nil {
		svc := s.e.svc
		sc := svc.Scratch()
		var r live.Request
		r, err = sc.ParseSubscriptionLists(c.lists)
		svc.Release(sc)
		if err == nil {
			r.Unsubscribe = m.unsubscribe
			err = s.applyTopic(c, &r)
		}
	}
	if err != nil {
		out, op, code := s.replyCallError(reply, c.id, err)
		st := statusBadRequest
		if code, r := codeOf(err); code == CodeRefused && r != nil {
			st = r.Status
		}
		s.done(c, st, time.Since(start))
		return out, op, code
	}
	s.done(c, protocol.StatusOK, time.Since(start))
	return nil, 0, 0
}

// applyTopic applies r to the connection's subscriber of c's project, attaching one on
// the first subscribe (which publishes the project's names). A subscriber that has ended
// (its project deleted) is replaced once: attaching again then says whether the project
// is there.
func (s *session) applyTopic(c *call, r *live.Request) error {
	svc := s.e.svc
	key := c.cust.ID() + "/" + c.pid
	for attempt := 0; ; attempt++ {
		s.mu.Lock()
		w := s.watches[key]
		s.mu.Unlock()
		if w == nil {
			if r.Unsubscribe {
				// Nothing is watched, so nothing stops: the answer, for a project the
				// customer has.
				if _, err := svc.Info(c.cust, c.pid); err != nil {
					return err
				}
				return s.answerLocal(c.id, live.Unsubscribed(r.Names, r.Pairs))
			}
			if s.quota == nil {
				s.quota = svc.SubscriptionQuota()
			}
			w = &watch{s: s, key: key, pid: c.pid}
			sub, err := svc.WatchQuota(c.cust, c.pid, w, s.quota)
			if err != nil {
				return err
			}
			w.sub = sub
			s.mu.Lock()
			if s.watches == nil {
				s.watches = make(map[string]*watch)
			}
			s.watches[key] = w
			s.mu.Unlock()
		}
		w.answer = c.id
		err := svc.Subscribe(w.sub, r)
		w.answer = nil
		if errors.Is(err, live.ErrClosed) && attempt == 0 {
			s.forget(w)
			continue
		}
		return err
	}
}

// forget removes w from the connection's watches, if it is still there.
func (s *session) forget(w *watch) {
	s.mu.Lock()
	if s.watches[w.key] == w {
		delete(s.watches, w.key)
	}
	s.mu.Unlock()
}

// closeWatches ends every subscriber of the connection (Close).
func (s *session) closeWatches() {
	s.mu.Lock()
	all := make([]*watch, 0, len(s.watches))
	for _, w := range s.watches {
		all = append(all, w)
	}
	s.watches = nil
	s.mu.Unlock()
	for _, w := range all {
		if w.sub != nil {
			w.sub.Close()
		}
	}
}

// answerLocal answers call id with m, a message no subscriber delivers.
func (s *session) answerLocal(id []byte, m live.Message) error {
	w := &watch{s: s, answer: id}
	return w.Deliver([]live.Message{m})
}

// Deliver implements live.Sink: each message its own wslink message — the answer to the
// call being applied (subscribed, unsubscribed) as its result, the others published on
// their kind's topic with the pid — all sent at once without waiting for the client, as
// the notifier asks: a client that does not read is closed when the outbound queue is
// full, and its subscribers with it. In 1.x the
// messages go out under sendMu, between other messages' attachments and their message:
// a publication may wait there for a reply that waits for room in the queue (at most
// limits.write_timeout). A closed message ends the subscriber (the project was deleted),
// not the connection. Called under the subscriber's lock (lock order: the subscriber's,
// then session.mu).
func (w *watch) Deliver(msgs []live.Message) error {
	s := w.s
	e := encoders.Get().(*wslink.Encoder)
	bp := bufpool.Get(4 << 10)
	jp := bufpool.Get(1 << 10)
	sc := pubScratches.Get().(*pubScratch)
	defer func() {
		e.Reset(wslink.FormatUnknown, nil, nil)
		encoders.Put(e)
		bufpool.Put(bp)
		bufpool.Put(jp)
		clear(sc.payloads)
		sc.ends, sc.payloads = sc.ends[:0], sc.payloads[:0]
		if cap(sc.ends) <= maxPooledMessages {
			pubScratches.Put(sc)
		}
	}()
	buf, js := (*bp)[:0], (*jp)[:0]
	closed := false
	for i := range msgs {
		m := &msgs[i]
		base := s.start(e, buf)
		switch m.Kind {
		case live.KindSubscribed, live.KindUnsubscribed:
			e.BeginResult(w.answer)
			js = live.AppendJSON(js[:0], m)
		default:
			closed = closed || m.Kind == live.KindClosed
			e.BeginPublish(topicOf[m.Kind])
			js = live.AppendJSONPID(js[:0], m, w.pid)
		}
		if err := e.JSON(js); err != nil { // cannot happen: live writes valid JSON
			return err
		}
		e.End()
		s.finish(e, base)
		buf = e.Bytes()
		sc.ends = append(sc.ends, base, len(buf))
	}
	*bp, *jp = buf, js // given back grown
	for i := 0; i < len(sc.ends); i += 2 {
		sc.payloads = append(sc.payloads, buf[sc.ends[i]:sc.ends[i+1]])
	}
	if closed {
		s.forget(w)
	}
	op := ws.OpBinary
	if s.format == wslink.FormatJSON {
		op = ws.OpText
		s.sendMu.Lock()
		defer s.sendMu.Unlock()
	}
	return s.peer.SendAll(op, sc.payloads)
}
