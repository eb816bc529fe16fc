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
// Log.Replay (the store's recovery) reads the stream from its first record, or its resume
// point or the sequence the snapshot it started from covers, up to its last one as of the
// start: a node answers nothing until it holds the state of that moment,
// and the server's /readyz says 503 meanwhile. Err reports the bus unreachable (changes
// are then refused with store.ErrUnavailable, predictions go on from the node's state) or
// a lasting failure: a gap in the stream's sequence numbers (records deleted from the
// stream), after which the node applies nothing more.
//
// A record larger than the NATS servers' max_payload cannot be published: Append refuses it
// with store.ErrRecordTooLarge. The embedded server takes 64 MiB.
//
// # Checkpoints, snapshots, joining
//
// With Options.Dir the node's store keeps its snapshots there (store.Options.Dir, the
// store's own checkpoints), and Log.TruncateBefore, which the store calls after writing
// them, records the resume point: the stream sequence below which they hold every record
// (the file "resume", written atomically with the stream's name and creation date).
// Before the store opens, Node.Bootstrap decides where the node starts: at its resume
// point if the stream still holds it, else from the newest full snapshot of the object
// store "<stream>_SNAPSHOTS" (store.FullSnapshot's encoding, one object per snapshot named
// by the sequence it covers), which the store installs in place of its own snapshots.
//
// Node.Run makes the node a candidate for snapshot leader: the node holding the key
// "snapshots" of the key-value bucket "<stream>_LEADER" (entries live 10 s, renewed every
// second) publishes a full snapshot every Options.SnapshotInterval or SnapshotRecords,
// keeps SnapshotsKept of them and purges the stream below the oldest, but never below the
// next record of a live node (the heartbeats of "<stream>_NODES", written every second by
// every node) nor below records younger than the duplicate window (a NATS server rebuilds
// its duplicate table from them). ReadStatus reads all of it for `symscore cluster
// status`.
//
// Node.Open makes or checks the stream and the buckets with Options.Replicas replicas,
// trying each a few times while a new JetStream cluster elects its leaders.
//
// # Locks
//
// Log.mu guards the table of changes waiting for their record; it is never held while
// delivering or publishing. The consumer goroutine delivers one record at a time and
// takes the store's locks (store/doc.go) inside Deliver. Run's leader and the heartbeat
// goroutine hold no lock of this package; the leader takes the store's (FullSnapshot reads
// each project under its read lock). Close ends them (Node.stop, Node.stopCtx) before it
// closes the connection.
package cluster
