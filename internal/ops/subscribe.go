package ops

import (
	"github.com/symscore/symscore/internal/live"
)

// Live subscriptions (docs/subscribe.md): the change notifier of package live over the
// store's projects. A transport attaches a subscriber per connection and project (Watch),
// decodes its client messages (Scratch.ParseSubscription) and applies them (Subscribe);
// the notifier delivers the server messages to the transport's live.Sink.

// Watch makes a subscriber of customer c's project pid whose messages go to sink, and
// sends it the names message (every attribute) before it returns. Close the subscriber
// when done. Errors are *Refusal: no verified customer, an unknown project.
func (s *Service) Watch(c Customer, pid string, sink live.Sink) (*live.Subscriber, error) {
	return s.WatchQuota(c, pid, sink, nil)
}

// SubscriptionQuota is a quota of limits.max_subscriptions for the subscribers of one
// connection that watches several projects (WatchQuota).
func (s *Service) SubscriptionQuota() *live.Quota { return s.live.NewQuota() }

// WatchQuota is Watch for a subscriber whose subscriptions also count against q (nil:
// none), shared by the subscribers of one connection: the RPC endpoint's, which carries
// many projects (docs/rpc.md 5).
func (s *Service) WatchQuota(c Customer, pid string, sink live.Sink, q *live.Quota) (*live.Subscriber, error) {
	p, err := s.findProject(c, pid)
	if err != nil {
		return nil, err
	}
	sub, err := s.live.AttachQuota(p, sink, q)
	if err != nil {
		return nil, s.Refuse(err)
	}
	return sub, nil
}

// ParseSubscription decodes a client message of a subscription (live.ParseRequest):
// names of at most limits.max_name_bytes, at most limits.max_subscriptions names and
// pairs. Errors are *Refusal (BAD_REQUEST, saying what is wrong).
func (sc *Scratch) ParseSubscription(b []byte) (live.Request, error) {
	r, err := live.ParseRequest(&sc.json, b, sc.svc.maxNameBytes, sc.svc.live.MaxSubscriptions())
	if err != nil {
		return r, sc.svc.Refuse(err)
	}
	return r, nil
}

// ParseSubscriptionLists decodes the lists of a subscribe or an unsubscribe without its
// "type" (live.ParseLists: the RPC endpoint's second argument, {"names","pairs"}), with
// the limits of ParseSubscription. Errors are *Refusal (BAD_REQUEST).
func (sc *Scratch) ParseSubscriptionLists(b []byte) (live.Request, error) {
	r, err := live.ParseLists(&sc.json, b, sc.svc.maxNameBytes, sc.svc.live.MaxSubscriptions())
	if err != nil {
		return r, sc.svc.Refuse(err)
	}
	return r, nil
}

// Subscribe applies the client message r to sub: a subscribe or an unsubscribe, answered
// through sub's sink (a request for nothing, "{}", does nothing). Errors are *Refusal:
// past limits.max_subscriptions (BAD_REQUEST, nothing subscribed, counted), a subscriber
// that has ended (CONFLICT).
func (s *Service) Subscribe(sub *live.Subscriber, r *live.Request) error {
	var err error
	switch {
	case r.Empty():
		return nil
	case r.Unsubscribe:
		err = sub.Unsubscribe(r.Names, r.Pairs)
	default:
		err = sub.Subscribe(r.Names, r.Pairs)
	}
	if err != nil {
		return s.Refuse(err)
	}
	return nil
}
