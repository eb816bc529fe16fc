// Package cluster makes a symscore server a node of a cluster that shares every project
// through NATS JetStream (docs/cluster.md): the stream of changes is a store.Log, the
// status of build jobs is a JetStream key-value bucket, and the bus can run inside the
// process (an embedded nats-server).
//
// # Model
//
// Every change is a store record published on the stream (Options.Stream, subjects
// "<stream lower-cased>.<cid>.<pid>", the ids escaped by Subject). The stream's order is
// the order of changes. Every node consumes the whole stream with an ordered consumer and
// hands each record to its store in stream order (store.Deliver), where it is applied by
// the same function as a local write-ahead log's records: the same stream gives every node
// the same bits. Nothing of a node's own goes into what it applies but the records: their
// dates, limits and summary deltas were fixed by the node that published them.
//
// A node's own change (Log.Append) is published with a header naming this process and a
// counter (Symscore-Origin); when the consumer meets it, it is delivered with the change
// it came from, which its caller then applies (the store's lanes), and Append returns. So
// a change is acknowledged once JetStream has stored it (on Options.Replicas servers) and
// this node has applied it, with the result of that application. A publish that fails or
// times out answers store.ErrUnavailable-wrapped errors; if JetStream stored it after all,
// every node (this one too) applies it when it comes, as another node's record.
//
// # Replays
//
// The store's seen records (store.Store.RecordSeen: an accepted signed change's replay
// key) are published synchronously on "<prefix>.seen" with a Nats-Msg-Id made of the
// key. The stream's duplicate window is the replay window (auth.clock_skew_past +
// auth.clock_skew_future): a signature accepted by any node is refused by every other
// one within it (store.ErrReplayed). Seen records change nothing and are not delivered.
//
// # Catching up and failures
//
// Log.Replay (the store's recovery) reads the stream from its first record up to its last
// one as of the start: a node answers nothing until it holds the state of that moment,
// and the server's /readyz says 503 meanwhile. Err reports the bus unreachable (changes
// are then refused with store.ErrUnavailable, predictions go on from the node's state) or
// a lasting failure: a gap in the stream's sequence numbers (records deleted from the
// stream), after which the node applies nothing more.
//
// A record larger than the NATS servers' max_payload cannot be published: Append refuses it
// with store.ErrRecordTooLarge. The embedded server takes 64 MiB.
//
// # Locks
//
// Log.mu guards the table of changes waiting for their record; it is never held while
// delivering or publishing. The consumer goroutine delivers one record at a time and
// takes the store's locks (store/doc.go) inside Deliver.
package cluster
