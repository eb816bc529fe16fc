// Package live is symscore's change notifier: live subscriptions to a project's
// statistics (docs/subscribe.md). It knows no transport: a subscriber is a Sink that
// takes typed messages — the subscribe endpoint encodes them as JSON text frames
// (AppendJSON), an RPC connection carrying many projects would publish them on its
// topics — and a connection may hold any number of subscribers, of any projects.
//
// # Hubs
//
// Notifier.Attach makes a Subscriber of one project. The project's hub — made with its
// first subscriber, gone with its last — is the project's model.Observer: every change
// applied to the project (under its write lock, in application order) marks the hub
// dirty, records a model event or a $log entry when someone wants them, and wakes the
// hub's goroutine. That is all a learner does for subscribers: it never waits for one.
//
// The hub's goroutine (loop) runs when something is due: a change, at most once per
// Options.Interval after its last reading (so a burst of changes costs one reading); at
// once for a first value, a model event or the project's deletion; and when a deferred
// value's time comes. A run reads the project once (model.Project.Read: the union of its
// subscribers' attributes and pairs, under the project's read lock, at one version),
// notes which values changed since the previous run, and delivers to each subscriber.
//
// # Delivery
//
// A subscription gets its first value at once (from a reading at least as new as the
// subscribe), then, after a change of its value, the value of the latest reading — at
// most one data message per Interval, the last state always delivered (the hub comes
// back when a deferred value is due). Intermediate states are skipped (counted in
// symscore_subscribe_values_coalesced_total): a subscription never holds more than its
// latest value, which is made when it is sent. Values are made once per run and shared
// by every subscriber (their JSON too). Model events are delivered one by one, never
// coalesced; $log delivers the changes since its last message, at most MaxLogEntries,
// and how many it left out. A subscriber's data and model messages come in version
// order.
//
// Delivery goes through the Sink, which must not block (a bounded outbound queue): a
// subscriber whose sink refuses is closed, and nobody else is affected. When the project
// is deleted, every subscriber gets a closed message and is closed.
//
// # Versions
//
// A message's version is the project's version of the reading it comes from
// (model.Project.Version: its count of applied changes, the same on every node applying
// the same log), so two values with the same version come from the same state.
//
// # Concurrency
//
// Notifier and Subscriber are safe for concurrent use. Lock order: Subscriber.mu, then
// Notifier.mu, then the project's locks (model), then hub.mu. A subscriber's lock is held
// while its messages are made and delivered, so that a subscribe's answer comes before
// its first value, and nothing of an unsubscribed name after the unsubscribed answer.
// Each hub's goroutine is started through Options.Spawn and ends with the hub.
package live
