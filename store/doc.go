// Package store is symscore's state: every customer's projects and models (a
// model.Registry) and, when it has a data directory, the write-ahead log and snapshots that
// make every acknowledged change survive a crash (kill -9), a restart and a torn write.
//
// # Changes and durability
//
// Every change goes through the Store: Create, Delete, Learn, Forget, SetFrozen, Merge,
// PutModel, DeleteModel, Import. Each is checked by the model package, committed to the
// log under the project's lock (model.Commit: the log order is the apply order, so a
// replay rebuilds the state bit for bit), applied, and then waited for outside the lock
// until the record is as durable as Options.Mode promises:
//
//	wal.ModeAlways    fsynced (group commit: concurrent changes share one fsync)
//	wal.ModeInterval  written; fsynced within Options.Interval. A process crash loses
//	                  nothing; a power failure may lose the last interval
//	wal.ModeNone      written; never fsynced on the change path
//
// A change the model refuses is never logged and changes nothing. When a write or fsync
// fails the log stops for good: that change and every later one return an error wrapping
// ErrUnavailable, acknowledged changes are untouched, and only a restart (which replays the
// log) recovers. A change that returned ErrUnavailable may or may not be there after the
// restart, as with a timeout. Without a data directory (Options.Dir "") the Store keeps
// everything in memory only: for tests and benchmarks.
//
// Reads (Project, List, and through the *model.Project: Snapshot, Info, models) never touch
// the log. A reader may see a change whose fsync is still in progress; a model built on it
// is logged after it, so the log never holds the model without its data.
//
// # Files
//
//	<Dir>/wal/            the log (package wal): one record per change
//	<Dir>/snapshots/*.snap one file per project: its state, models and Seq (the last record
//	                       it includes), written atomically by wal.WriteFileAtomic
//
// Record payloads start with a format byte (1), a kind, the time of the change (int64 Unix
// nanoseconds, little-endian: a replay restores creation and modification dates), the
// customer id and the project id (uvarint length + bytes), then the kind's data:
//
//	create   type, parameters (uvarint count, then key/value strings)
//	delete   —
//	learn, forget  the frame as the project saw it: uvarint columns; per column name,
//	         kind byte (C or B), base name of a T column (or empty); uvarint rows; byte 1 if
//	         a partition value follows each row; rows × columns float64 (IEEE bits, row
//	         major); the partition values
//	freeze   byte 1 (freeze) or 0 (unfreeze)
//	merge    the other project's statistics (model.Project.StateBinary)
//	model    the fitted model (model.Model.MarshalBinary): a recovered model is the one
//	         that was built, not a rebuild on newer data
//	unmodel  the model id
//	import   the project (model.Project.MarshalBinary)
//	seen     16-byte replay key and int64 date of an accepted signed message, then byte 1
//	         for a read or 0 for a change (the customer's id in the head, no project):
//	         RecordSeen; Open gives them back (Seen) so that a restarted replay memory still
//	         refuses them, in their customer's share, and the log keeps them for
//	         ReplayWindow. (Logs of earlier versions hold seen records of changes with no
//	         customer and no last byte.)
//
// A snapshot file holds "SYMS", the customer id and the project id as strings, then the
// project's encoding (model.Project.Checkpoint), whose Seq says which records it covers.
//
// # Checkpoints
//
// A background checkpoint, every Options.CheckpointInterval or after
// Options.CheckpointBytes of records, writes the snapshot of every project changed since
// its last one (write-ahead: the log is synced up to the snapshot's Seq first) and then
// truncates the log before the oldest record some project still needs. Learners are not
// blocked: a project is only read-locked while it is encoded. Close runs a last checkpoint.
//
// # Recovery
//
// Open removes temporary files a crash left, loads every snapshot, then replays the log:
// a record whose project already includes it (Seq ≥ its LSN) is skipped, every other one is
// applied in LSN order. The log may begin before the creation of a project deleted since
// (the active segment is never truncated): changes of a project that does not exist are
// skipped when its delete record follows. A torn or corrupt tail of the log is cut (package
// wal); corruption in the middle, or a record that does not fit the state (a change of a
// project that does not exist and is never deleted: its snapshot is missing), stops Open
// with an error naming the record, unless Options.Repair.
//
// # Concurrency
//
// A Store is safe for concurrent use. Lock order: fileMu (deletes and checkpoints, which
// must not interleave: a deleted project's snapshot is removed before the log may be
// truncated past its delete record) → model.Registry → model.Project.
package store
