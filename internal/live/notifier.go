package live

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/symscore/symscore/internal/metrics"
	"github.com/symscore/symscore/model"
)

// Defaults of Options.
const (
	DefaultInterval         = 50 * time.Millisecond
	DefaultMaxSubscriptions = 10_000
)

// Options configure a Notifier.
type Options struct {
	// Interval is the least time between two data (or log) messages of one subscription
	// (subscribe.interval); 0 means DefaultInterval.
	Interval time.Duration
	// MaxSubscriptions bounds the subscriptions of one subscriber ("*" counts as one;
	// limits.max_subscriptions); 0 means DefaultMaxSubscriptions.
	MaxSubscriptions int
	// Metrics receives the subscription metrics (nil: none kept).
	Metrics *metrics.Set
	// Spawn starts a goroutine its caller tracks, so that shutdown can wait for it (nil:
	// a plain go statement).
	Spawn func(func())
	// Log receives what goes wrong (nil: discard).
	Log *slog.Logger
}

// Errors of Attach and Subscribe.
var (
	// ErrClosed: the subscriber is closed (its project was deleted, its sink failed, or
	// Close was called).
	ErrClosed = errors.New("live: subscriber closed")
	// ErrTooManySubscriptions: a subscribe would take the subscriber past
	// Options.MaxSubscriptions; nothing was subscribed.
	ErrTooManySubscriptions = errors.New("live: too many subscriptions")
)

// Notifier is the change notifier: one hub per project that has subscribers, made on the
// first Attach and gone with the last Close. Safe for concurrent use.
type Notifier struct {
	o     Options
	m     metrics.Live
	epoch time.Time // the origin of since: a second before New, so that since is never 0

	mu   sync.Mutex // guards hubs
	hubs map[*model.Project]*hub
}

// New makes a Notifier.
func New(o Options) *Notifier {
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.MaxSubscriptions <= 0 {
		o.MaxSubscriptions = DefaultMaxSubscriptions
	}
	if o.Spawn == nil {
		o.Spawn = func(f func()) { go f() }
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	m := metrics.New().Live // counted nowhere anyone reads
	if o.Metrics != nil {
		m = o.Metrics.Live
	}
	return &Notifier{o: o, m: m, epoch: time.Now().Add(-time.Second), hubs: make(map[*model.Project]*hub)}
}

// since is t on the notifier's monotonic clock: the time since its epoch (> 0).
func (n *Notifier) since(t time.Time) time.Duration { return t.Sub(n.epoch) }

// Interval is the notifier's subscribe.interval.
func (n *Notifier) Interval() time.Duration { return n.o.Interval }

// MaxSubscriptions is the notifier's limits.max_subscriptions.
func (n *Notifier) MaxSubscriptions() int { return n.o.MaxSubscriptions }

// Attach makes a subscriber of project p whose messages go to sink, and sends it the
// names message with every attribute (Initial) before it returns. The subscriber has no
// subscription yet (Subscribe). A deleted project refuses (model's not-found error);
// a sink that refuses the names message gives ErrClosed. Close the subscriber when done.
func (n *Notifier) Attach(p *model.Project, sink Sink) (*Subscriber, error) {
	return n.AttachQuota(p, sink, nil)
}

// AttachQuota is Attach for a subscriber whose subscriptions also count against q,
// shared with other subscribers (nil: none): one connection watching many projects.
func (n *Notifier) AttachQuota(p *model.Project, sink Sink, q *Quota) (*Subscriber, error) {
	s := &Subscriber{sink: sink, quota: q}
	// s is locked before its hub can see it: the initial names go first.
	s.mu.Lock()
	n.mu.Lock()
	h := n.hubs[p]
	if h == nil {
		h = newHub(n, p)
		if _, err := p.Observe(h); err != nil {
			n.mu.Unlock()
			s.mu.Unlock()
			return nil, err
		}
		n.hubs[p] = h
		n.o.Spawn(h.loop)
	}
	s.hub = h
	h.mu.Lock()
	if h.deleted {
		h.mu.Unlock()
		n.mu.Unlock()
		s.mu.Unlock()
		return nil, &model.NotFoundError{Project: p.ID()}
	}
	h.subs = append(h.subs, s)
	h.mu.Unlock()
	n.mu.Unlock()
	n.m.Subscribers.Inc()

	var r model.Reading
	p.Read(&model.ReadRequest{}, &r)
	s.namesSent = len(r.Names)
	err := s.deliverLocked([]Message{{Kind: KindNames, Names: r.Names, Initial: true}})
	s.mu.Unlock()
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// retire removes hub h, once it has no subscriber left: the project loses its observer
// and the hub's goroutine ends.
func (n *Notifier) retire(h *hub) {
	n.mu.Lock()
	defer n.mu.Unlock()
	h.mu.Lock()
	empty := len(h.subs) == 0
	h.mu.Unlock()
	if !empty || n.hubs[h.p] != h {
		return
	}
	delete(n.hubs, h.p)
	h.p.Observe(nil)
	close(h.stop)
}

// forget removes a hub whose project was deleted (the project dropped its observer).
func (n *Notifier) forget(h *hub) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.hubs[h.p] == h {
		delete(n.hubs, h.p)
	}
}

// Hubs is how many projects have subscribers (tests).
func (n *Notifier) Hubs() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.hubs)
}
