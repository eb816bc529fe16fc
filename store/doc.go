// Package store is symscore's state: every customer's projects and models (a
// model.Registry) and, when it has a data directory, the write-ahead log and snapshots that
// make every acknowledged change survive a crash (kill -9), a restart and a torn write.
//
// # The change flow
//
// Every change goes through the Store: Create, Delete, Learn, Forget, LearnDelta,
// ForgetDelta, LearnUpload, ForgetUpload, SetFrozen, Merge, PutModel, DeleteModel, Import.
// Each, whatever its kind, goes
//
//	prepare → append to the log → durable → apply in log order → answer
//
// Step by step:
//
//   - Prepare: the change is checked against the state as it is now (unknown project,
//     frozen, bad values, column kinds, names, limits, forgetting more rows than held...),
//     admitted to its customer's project and byte budgets (below), and its record is
//     encoded. Nothing else changes. A refusal here is answered at once and logs nothing.
//   - Append (Log.Append) gives the record its sequence number and returns once the record
//     is as durable as Options.Mode promises (below). If the record cannot be made durable
//     the change answers an error wrapping ErrUnavailable and was never applied: nobody
//     ever saw it (it may still be replayed after a restart if part of it reached the
//     disk, as with a timeout).
//   - Apply: durable records are delivered into their project's lane (a queue per customer
//     and project id) in sequence order and applied from there, oldest first, by the
//     function recovery uses too (Store.apply: one application per record kind), from the
//     record alone: its own dates (stamped when it was appended), its own limits, the rows
//     or delta it holds — decoded from the record even when this process just encoded it.
//     So the same log gives the same state bit for bit, live or replayed. Application may
//     refuse (forgetting below zero, a project frozen or deleted meanwhile, a limit reached
//     by changes logged first): it then changes nothing, and a replay reaches the same
//     refusal.
//   - Answer: the caller gets the result of the application: nil, or the model's refusal.
//
// Durability modes:
//
//	wal.ModeAlways    fsynced (group commit: concurrent changes share one fsync)
//	wal.ModeInterval  written; fsynced within Options.Interval. A process crash loses
//	                  nothing; a power failure may lose the last interval
//	wal.ModeNone      written; never fsynced on the change path
//
// Changes of different projects are applied independently (in parallel); the changes of
// one project in sequence order. Concurrent changes of one project share an fsync, and
// whoever finds its own record durable first applies the queue up to it, the records of
// the others included.
//
// A change is visible (Project, Snapshot, Info) only once applied, so only once durable.
// When a write or fsync of the log fails, the log stops for good: that change and every
// later one answer ErrUnavailable, acknowledged changes are untouched, and only a restart
// (which replays the log) recovers. A new segment that cannot be made does not stop the log
// (package wal). Without a data directory (Options.Dir "") the log is in memory: the same
// flow, nothing kept; for tests and benchmarks.
//
// Reads (Project, List, and through the *model.Project: Snapshot, Info, models) never touch
// the log.
//
// # The Log interface
//
// Log is what records go through; the write-ahead log of package wal is its implementation
// for a data directory (Options.Dir), memory without one, and Options.Log takes another:
// package cluster's, a NATS JetStream stream (publishing returns the stream sequence once
// the record is stored on its replicas; every node consumes the whole stream and applies
// every record in order, other nodes' included; a node answers its client once it has
// applied that sequence). The contract:
//
//   - Append(rec, local) appends rec and returns its sequence number once it is durable.
//     Sequence numbers start at 1 and increase by 1. Before Append returns, that record and
//     every record before it have been delivered.
//   - Deliver(seq, rec, local) — Start gives the Log the store's — receives every record
//     exactly once, durable, one call at a time, in sequence order; local is what this
//     process's Append passed (nil for records appended elsewhere, which Deliver applies
//     itself before returning). A record whose Append failed is never delivered. A cluster
//     log delivers from its consumer; the local log from the appenders (the first appender
//     to find its record durable delivers every record up to it).
//   - Replay(from, fn) hands the retained records from sequence number from on (0: all) to
//     fn, in order, before Start: recovery, or catching up from a snapshot at sequence S
//     with from = S+1.
//   - TruncateBefore(seq): every record below seq is covered by snapshots or changed
//     nothing; the log may drop them (a cluster log records it as the node's resume
//     point). Undelivered and NextSeq say where the log is; Sync makes what was appended
//     durable (the write-ahead rule of snapshots); Note appends a record that is not a
//     change (seen records; a cluster log that refuses replays itself may drop them).
//   - Append refuses a record the log cannot hold with an error wrapping ErrRecordTooLarge
//     (answered as a bad request); any other error is ErrUnavailable to the caller.
//   - Records appended elsewhere are dated by their node's clock; a change is always dated
//     after every record this store has applied, so that dates never go backwards.
//
// On one node a change never meets a project it was not prepared for: a create, import or
// delete takes its lane's gate exclusively from preparation to application, other changes
// share it from preparation until their record is delivered. So the local log never holds
// a change of a project after the project's delete record. Records from elsewhere (a
// cluster) can: every record of an existing project holds the project's creation date,
// which names its incarnation, and a record of another incarnation is refused
// (model.ErrProjectNotFound).
//
// The customer's project limit (limits.max_projects) depends on the changes of other
// projects: it is checked when a create or import is prepared, counting those logged and
// not yet applied, never at application. So is the customer's byte budget
// (limits.max_customer_bytes, model.Reservation): a change that may grow a project —
// learn, merge, model, create, import — reserves on the customer's account, when it is
// prepared, what it may add (new attributes and partitions counted once whichever pending
// changes bring them, a model at the largest of its sizes), and is refused past the
// budget; its application charges what it did, unchecked, and once it is applied or
// refused, or its record could not be made durable, the reservation is released (the
// lane's drain, or the change's return to its pool). So the account never exceeds the
// budget because of admitted changes, is exact when nothing is pending, and a replay (or
// another node's records) applies what was logged whatever the budget. Names (package
// ident, limits.max_name_bytes) are likewise judged when a change is prepared, never when
// it is applied: a log replays the names older rules accepted.
//
// # Files
//
//	<Dir>/wal/            the log (package wal): one record per change
//	<Dir>/snapshots/*.snap one file per project: its state, models and Seq (the last record
//	                       it includes), written atomically by wal.WriteFileAtomic
//
// # Uploads
//
// LearnUpload and ForgetUpload learn a whole file (package internal/upload) as one change,
// logged as an upload record (13, 14), and hold the upload until Settle: until then the
// project's snapshots stop before its record, so that the record stays in the log and a
// recovery replays it. Uploads says, for each held upload, whether its change is in the
// state (applied), was refused, or could not be made durable; so the caller can write the
// outcome into the upload's own files after the change, crash in between, and still learn
// the truth at the next start. Recovery holds every upload whose record it replays.
//
// # Records
//
// A record payload starts with a format byte (2), a kind, the time of the change (int64
// Unix nanoseconds, little-endian, stamped when the record is appended: a replay restores
// creation and modification dates; no two changes of one process share a time), the
// customer id and the project id (uvarint length + bytes). A record of a change of an
// existing project (every kind but create, import and seen) then holds the project's
// creation date (int64 Unix nanoseconds): its incarnation. Learn, forget, their delta and
// upload kinds, merge, model and import then hold the limits the change was accepted
// under: uvarint count (5), then MaxAttributes, MaxPartitions, MaxStateBytes (a project's bytes: its
// statistics, names, partition values and models), MaxModels, MaxNewAttributes as
// uvarints (model.Limits; fields a record lacks are unlimited). Then the kind's data:
//
//	 1 create        type, parameters (uvarint count, then key/value strings, sorted)
//	 2 delete        —
//	 3 learn         the message's rows as received (model.Rows encoding): the C and B
//	 4 forget        values, and for a T attribute each value once and each row's values
//	                 by index — never the T expansion; partition values
//	11 learn delta   the summary delta of the message's rows (model.Delta encoding): counts,
//	12 forget delta  shifts, double-double sums and co-moments, per partition too, and the
//	                 columns' extremes; zeros cost nothing (T attributes' co-moments)
//	13 learn upload  an uploaded file's change: the upload's id (uvarint length + bytes),
//	14 forget upload then the summary delta of its rows, applied as 11 and 12 are
//	 5 freeze        byte 1 (freeze) or 0 (unfreeze)
//	 6 merge         the other project's statistics (model.Project.StateBinary)
//	 7 model         the fitted model (model.Model.MarshalBinary): a recovered model is the
//	                 one that was built, not a rebuild on newer data
//	13 new model     as model; applied only if the project has no model of its id (a
//	                 build without replace: refused alike on every node of a cluster)
//	 8 unmodel       the model id
//	 9 import        the project (model.Project.MarshalBinary)
//	10 seen          16-byte replay key and int64 date of an accepted signed change (empty
//	                 customer and project, no incarnation): RecordSeen; Open gives them back
//	                 (Seen) so that a restarted replay memory still refuses them, and the log
//	                 keeps them for ReplayWindow. A Log given in Options.Log gets them too,
//	                 and may refuse one it already holds (ErrReplayed: a cluster's replay)
//
// A learn or forget is logged as its rows or as its summary delta, whichever encoding is
// smaller: a frame of more than about d/2 rows (d its columns) is summarised, unless the
// delta's summaries would take more than 8 times the rows record in memory (at least
// 1 MiB) or more than the limits allow (T attributes of many values). With
// Options.DeltaRecords (a cluster log, whose every node applies every record) it is the
// delta whatever the rows, under the same two bounds. Either way the change is applied
// from its record: a rows record is learned row by row, a delta record merged.
//
// Format 1 records (written before the change flow above) hold no incarnation and no
// limits, and learn and forget hold the expanded frame: uvarint columns; per column name,
// kind byte (C or B), base name of a T column (or empty); uvarint rows; byte 1 if a
// partition value follows each row; rows × columns float64 (row major); the partition
// values. They are replayed as they were applied: row by row, under model.Unlimited.
//
// A snapshot file holds "SYMS", the customer id and the project id as strings, then the
// project's encoding (model.Project.Checkpoint), whose Seq says which records it covers.
//
// # Checkpoints
//
// A background checkpoint, every Options.CheckpointInterval or after
// Options.CheckpointBytes of records, writes the snapshot of every project changed since
// its last one (write-ahead: the log is synced up to the snapshot's Seq first) and then
// truncates the log before the oldest record still needed: one not yet delivered
// (Log.Undelivered), delivered and not yet applied (the oldest in a lane), or applied and
// not in its project's snapshot. Learners are not blocked: a project is only read-locked
// while it is encoded. Close runs a last checkpoint.
//
// # Recovery
//
// Open removes temporary files a crash left, loads every snapshot, then replays the log:
// a record whose project already includes it (Seq ≥ its LSN) is skipped, every other one is
// applied in LSN order by the same application as live changes; a record refused then is
// refused again (counted, logged at debug level). The log may begin before the creation of
// a project deleted since (the active segment is never truncated): changes of a project
// that does not exist are skipped when its delete record follows. A torn or corrupt tail of
// the log is cut (package wal); corruption in the middle, a record that does not decode, or
// a record that does not fit the state (a change of a project that does not exist and is
// never deleted: its snapshot is missing) stops Open with an error naming the record,
// unless Options.Repair. Without a data directory (Options.Log alone: a cluster's stream,
// read from its first record) there are no snapshots to miss: such a change was logged
// after another node deleted its project, and is refused again.
//
// # Concurrency
//
// A Store is safe for concurrent use. Lock order: fileMu (deletes and checkpoints, which
// must not interleave: a deleted project's snapshot is removed before the log may be
// truncated past its delete record) → a lane's gate → the log's own locks (wal) → a lane's
// applyMu → lanesMu → a lane's mu; application takes model.Registry → model.Project inside
// applyMu (and releasing a change's byte reservation model.Project's locks, after it is
// applied). resMu (project reservations) → model.Registry. A Log delivers under its own
// locks: Deliver takes a lane's mu and, for a record from elsewhere, its applyMu.
// uploadsMu (held uploads) is a leaf.
package store
