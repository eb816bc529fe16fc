package live

import (
	"slices"
	"sync"
	"time"
)

// Sink is where a subscriber's messages go: a connection of the subscribe endpoint, or a
// connection carrying many projects that publishes them on topics.
type Sink interface {
	// Deliver sends msgs, in order. It is called with the subscriber's lock held — from
	// the notifier's goroutine, or from Attach, Subscribe and Unsubscribe — one call at a
	// time per subscriber, and must not call the Subscriber. It must not wait for the
	// client: a bounded outbound queue, whose overflow is an error. msgs is valid during
	// the call only; what its messages point to (Names, Ack, Value, Log) is immutable
	// and may be kept. An error closes the subscriber: nothing more is delivered.
	//
	// A KindClosed message is the last: the project was deleted, and the subscriber was
	// closed (its subscriptions given back) just before; Deliver must not call it.
	Deliver(msgs []Message) error
}

// Subscriber is one sink watching one project: its subscriptions and what it was sent.
// Made by Notifier.Attach; safe for concurrent use. Lock order: Subscriber.mu, then
// Notifier.mu, then model.Project's locks, then the hub's mu.
type Subscriber struct {
	hub   *hub
	sink  Sink
	quota *Quota // shared with the connection's other subscribers (nil: none)

	mu        sync.Mutex // guards every field below; held while delivering to the sink
	closed    bool
	namesSent int // the attributes the sink was told of (names messages)
	count     int // subscriptions, against Options.MaxSubscriptions

	attrs   map[string]*sub // attributes by name, pending ones included
	order   []*sub          // attrs in subscription order: data goes out in that order
	star    *sub            // "*": every attribute without a subscription of its own
	starN   int             // the attributes star has sent a first value of
	pairs   map[[2]string]*sub
	pairSeq []pairRef // pairs in subscription order
	project *sub      // $project
	models  *sub      // $models: seq is the last event sent
	log     *sub      // $log: seq is the last entry sent
}

// sub is one subscription's delivery state (small: a subscriber may hold thousands).
type sub struct {
	name string

	sent bool // its first value went out
	// minVersion: the first value comes from a version at least this (the version when
	// it was subscribed), so that it is current.
	minVersion uint64
	version    uint64 // the version of the last value sent
	// sentAt is when the last value (or log message) went out, on the notifier's
	// monotonic clock (Notifier.since); 0: never.
	sentAt time.Duration
	seq    uint64 // $models and $log: the last event or entry sent
}

// pairRef is a pair subscription, in subscription order.
type pairRef struct {
	pair [2]string
	b    *sub
}

// restart makes s send a first value again, of a version at least minVersion.
func (s *sub) restart(minVersion uint64) { s.sent, s.minVersion = false, minVersion }

// Subscribe starts the subscriptions names (attributes, pending or not; the topics;
// the wildcard) and pairs, and answers with a subscribed message listing them and the
// names not (yet) in the project. Each subscription then gets its first value at once
// (but $models and $log, which have none) and later ones as its values change. A name
// or pair already subscribed starts over with a first value. A request that would take
// the subscriber — or, with a Quota, its connection — past Options.MaxSubscriptions
// subscribes nothing
// (ErrTooManySubscriptions); ErrClosed once the subscriber is closed, or if the sink
// refuses the answer.
func (s *Subscriber) Subscribe(names []string, pairs [][2]string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	names, pairs = dedupe(names), dedupe(pairs)
	h, n := s.hub, s.hub.n
	add := 0
	for _, name := range names {
		if !s.hasLocked(name) {
			add++
		}
	}
	for _, pr := range pairs {
		if s.pairs[pr] == nil {
			add++
		}
	}
	if s.count+add > n.o.MaxSubscriptions || !s.quota.take(add) {
		return ErrTooManySubscriptions
	}
	version := h.p.Version()
	var pending []string
	for _, name := range names {
		if !isSpecial(name) && !h.p.HasAttribute(name) {
			pending = append(pending, name)
		}
	}
	h.mu.Lock()
	for _, name := range names {
		s.subscribeLocked(name, version)
	}
	for _, pr := range pairs {
		if b := s.pairs[pr]; b != nil {
			b.restart(version)
			continue
		}
		if s.pairs == nil {
			s.pairs = make(map[[2]string]*sub)
		}
		b := &sub{minVersion: version}
		s.pairs[pr] = b
		s.pairSeq = append(s.pairSeq, pairRef{pr, b})
		h.pairN[pr]++
	}
	h.unionChanged = true
	h.kick = true
	h.mu.Unlock()
	s.count += add
	n.m.Subscriptions.Add(float64(add))
	h.wakeUp()
	return s.deliverLocked([]Message{{Kind: KindSubscribed, Ack: &Ack{Names: names, Pairs: pairs, Pending: pending}}})
}

// subscribeLocked starts (or restarts) the subscription of one name. Caller holds s.mu
// and the hub's mu.
func (s *Subscriber) subscribeLocked(name string, version uint64) {
	h := s.hub
	restart := func(b **sub, fresh sub) {
		if *b != nil {
			(*b).restart(version)
			return
		}
		fresh.minVersion = version
		*b = &fresh
	}
	switch name {
	case Wildcard:
		if s.star == nil {
			h.starN++
		}
		restart(&s.star, sub{name: Wildcard})
		s.starN = 0
	case TopicProject:
		restart(&s.project, sub{name: TopicProject})
	case TopicModels:
		if s.models == nil { // no first value: a model event is news or nothing
			s.models = &sub{name: TopicModels, seq: h.modelSeq}
			h.modelsN++
		}
	case TopicLog:
		if s.log == nil {
			s.log = &sub{name: TopicLog, seq: h.logSeq}
			h.logN++
		}
	default:
		if b := s.attrs[name]; b != nil {
			b.restart(version)
			return
		}
		if s.attrs == nil {
			s.attrs = make(map[string]*sub)
		}
		b := &sub{name: name, minVersion: version}
		s.attrs[name] = b
		s.order = append(s.order, b)
		h.nameN[name]++
	}
}

// hasLocked reports whether name is subscribed. Caller holds s.mu.
func (s *Subscriber) hasLocked(name string) bool {
	switch name {
	case Wildcard:
		return s.star != nil
	case TopicProject:
		return s.project != nil
	case TopicModels:
		return s.models != nil
	case TopicLog:
		return s.log != nil
	}
	return s.attrs[name] != nil
}

// Unsubscribe stops the subscriptions names and pairs (those not subscribed are
// ignored) and answers with an unsubscribed message listing them. Nothing more is sent
// for them, not even a value on its way: a value is made and sent under the
// subscriber's lock. ErrClosed once the subscriber is closed.
func (s *Subscriber) Unsubscribe(names []string, pairs [][2]string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	names, pairs = dedupe(names), dedupe(pairs)
	h := s.hub
	removed := 0
	h.mu.Lock()
	for _, name := range names {
		if s.hasLocked(name) {
			s.unsubscribeLocked(name)
			removed++
		}
	}
	for _, pr := range pairs {
		if b := s.pairs[pr]; b != nil {
			delete(s.pairs, pr)
			s.pairSeq = slices.DeleteFunc(s.pairSeq, func(x pairRef) bool { return x.b == b })
			h.dropPairLocked(pr)
			removed++
		}
	}
	h.unionChanged = true
	h.mu.Unlock()
	s.count -= removed
	s.quota.give(removed)
	h.n.m.Subscriptions.Sub(float64(removed))
	return s.deliverLocked([]Message{{Kind: KindUnsubscribed, Ack: &Ack{Names: names, Pairs: pairs}}})
}

// unsubscribeLocked stops the subscription of name, which exists. Caller holds s.mu and
// the hub's mu.
func (s *Subscriber) unsubscribeLocked(name string) {
	h := s.hub
	switch name {
	case Wildcard:
		s.star = nil
		h.starN--
	case TopicProject:
		s.project = nil
	case TopicModels:
		s.models = nil
		h.modelsN--
	case TopicLog:
		s.log = nil
		h.logN--
	default:
		b := s.attrs[name]
		delete(s.attrs, name)
		s.order = slices.DeleteFunc(s.order, func(x *sub) bool { return x == b })
		h.dropNameLocked(name)
	}
}

// Close ends the subscriber: nothing more is delivered, its subscriptions end, and the
// project's hub goes once it has no subscriber left. Idempotent.
func (s *Subscriber) Close() {
	s.mu.Lock()
	last := s.endLocked()
	s.mu.Unlock()
	if last {
		s.hub.n.retire(s.hub)
	}
}

// endLocked closes s, once: its subscriptions leave the hub. It reports whether the hub
// has no subscriber left. Caller holds s.mu.
func (s *Subscriber) endLocked() bool {
	if s.closed {
		return false
	}
	s.closed = true
	h := s.hub
	h.mu.Lock()
	for len(s.order) > 0 {
		s.unsubscribeLocked(s.order[0].name)
	}
	for _, name := range []string{Wildcard, TopicProject, TopicModels, TopicLog} {
		if s.hasLocked(name) {
			s.unsubscribeLocked(name)
		}
	}
	for pr := range s.pairs {
		h.dropPairLocked(pr)
	}
	s.pairs, s.pairSeq = nil, nil
	h.unionChanged = true
	if i := slices.Index(h.subs, s); i >= 0 {
		h.subs = slices.Delete(h.subs, i, i+1)
	}
	empty := len(h.subs) == 0
	h.mu.Unlock()
	h.n.m.Subscriptions.Sub(float64(s.count))
	s.quota.give(s.count)
	h.n.m.Subscribers.Dec()
	s.count = 0
	return empty
}

// deliverLocked hands msgs to the sink; a refusal closes the subscriber. Caller holds
// s.mu.
func (s *Subscriber) deliverLocked(msgs []Message) error {
	if err := s.sink.Deliver(msgs); err != nil {
		if s.endLocked() {
			// The hub goes with its last subscriber; not from here (s.mu is held, and
			// the notifier's lock comes before): its goroutine sees it empty.
			s.hub.wakeUp()
		}
		return ErrClosed
	}
	s.hub.n.m.Sent.Add(float64(len(msgs)))
	return nil
}

// dedupe returns xs without repeats, first occurrences in order (xs itself when it has
// none).
func dedupe[T comparable](xs []T) []T {
	if len(xs) < 2 {
		return xs
	}
	seen := make(map[T]struct{}, len(xs))
	out := xs[:0:0]
	for _, x := range xs {
		if _, dup := seen[x]; !dup {
			seen[x] = struct{}{}
			out = append(out, x)
		}
	}
	return out
}

// Unsubscribed is the answer to an unsubscribe of names and pairs by a connection that
// has no subscriber of the project (nothing is subscribed, so nothing stops): the
// unsubscribed message Subscriber.Unsubscribe would give, listing them without repeats.
func Unsubscribed(names []string, pairs [][2]string) Message {
	return Message{Kind: KindUnsubscribed, Ack: &Ack{Names: dedupe(names), Pairs: dedupe(pairs)}}
}
