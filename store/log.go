package store

import "errors"

// Log is the ordered, durable sequence of change records a Store applies. Its
// implementations: the local write-ahead log of package wal (Options.Dir, the default), and
// memory (no Dir: nothing survives the process). The package documentation states the
// contract; in short:
//
//   - Append gives a record the next sequence number and returns it once the record is
//     durable (as the log's durability mode promises). Before Append returns, the log has
//     delivered that record and every record before it to the store's Deliver, in sequence
//     order. local is handed to Deliver with the record; records appended elsewhere (a
//     cluster log's other nodes) come with local nil.
//   - Deliver calls are made one at a time, in sequence order, with every record exactly
//     once, each durable by then. A failed Append was never delivered and never will be.
//   - Replay hands every retained record from a sequence number on to a function, in order,
//     before the first Append (recovery).
//   - TruncateBefore(seq) says that every record below seq is covered by snapshots (or
//     changed nothing) and may be dropped.
//
// Implementations are safe for concurrent use.
type Log interface {
	// Replay calls fn for every retained record with sequence number ≥ from (0: from the
	// oldest), in order, then readies the log for Start and Append. rec is valid during the
	// call only. An error from fn stops Replay and is returned.
	Replay(from uint64, fn func(seq uint64, rec []byte) error) error
	// Start sets where records go from now on; called once, after Replay.
	Start(deliver Deliver)
	// Append appends rec (copied, or kept until delivered) and returns its sequence
	// number once it is durable and delivered. Errors: one wrapping ErrRecordTooLarge for a
	// record the log cannot hold (the log is unaffected), any other one for a record that
	// is not durable (its outcome may be unknown: it may still be there after a restart).
	Append(rec []byte, local any) (uint64, error)
	// Note appends rec without waiting and without delivering it: a record that changes no
	// project (the store's seen records), made durable with the next Append. A log that
	// refuses replays itself may wait instead, and refuse a seen record whose key it holds
	// with an error wrapping ErrReplayed.
	Note(rec []byte) error
	// Sync makes every record appended so far durable (the write-ahead rule of snapshots).
	Sync() error
	// TruncateBefore drops the records below seq (all covered).
	TruncateBefore(seq uint64) error
	// NextSeq is the sequence number the next Append gets.
	NextSeq() uint64
	// Undelivered is the lowest sequence number appended and not yet delivered (NextSeq
	// when every record is).
	Undelivered() uint64
	// Err is the log's lasting failure, or nil.
	Err() error
	// Close closes the log; Appends under way complete.
	Close() error
}

// Deliver receives the log's records in sequence order, once each, durable. local is what
// the Append of this process passed, nil for records appended elsewhere. Deliver must not
// call the log.
type Deliver func(seq uint64, rec []byte, local any)

// ErrRecordTooLarge is wrapped by Log.Append's refusal of a record the log cannot hold.
var ErrRecordTooLarge = errors.New("store: record too large for the log")
