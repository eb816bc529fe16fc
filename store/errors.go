package store

import (
	"errors"
	"fmt"
)

// ErrUnavailable wraps every failure of durability: the log could not write or fsync a
// change, or is closed. The server answers it with SERVICE_UNAVAILABLE; it is sticky until
// a restart.
var ErrUnavailable = errors.New("store: durability unavailable")

func unavailable(err error) error { return fmt.Errorf("%w: %w", ErrUnavailable, err) }

// ErrRestartNeeded is wrapped by a Log's lasting failure (Log.Err) that only a restart
// mends, where the state held may no longer be the log's: a cluster node that found
// records missing from the stream (a restart loads the bus's newest snapshot). A failure
// of the local write-ahead log does not wrap it: what the node holds is what it
// acknowledged, and reads stay right.
var ErrRestartNeeded = errors.New("store: only a restart mends this")

// ErrReplayed is wrapped by a Log's refusal of a seen record (Log.Note) whose replay key it
// already holds: a signed change accepted before, on this node or another node of a
// cluster. RecordSeen returns it; the server answers CONFLICT "replayed request".
var ErrReplayed = errors.New("store: replayed: the log already holds this signature")

// ErrModelExists is wrapped by AddModelInto's refusal of a model whose id the project has.
var ErrModelExists = errors.New("store: the project has a model of this id")

// modelExists is the refusal of model modelID in project pid, which has one of that id.
func modelExists(pid, modelID string) error {
	return fmt.Errorf("%w: model %q of project %q", ErrModelExists, modelID, pid)
}

// RecoveryError is a record or snapshot that does not fit the recovered state. Open
// returns it (unless Options.Repair) instead of guessing.
type RecoveryError struct {
	LSN  uint64 // the record's LSN; 0 for a snapshot file
	File string // the snapshot file, for a snapshot
	Msg  string
}

func (e *RecoveryError) Error() string {
	if e.LSN == 0 {
		return fmt.Sprintf("store: snapshot %s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("store: wal record %d: %s", e.LSN, e.Msg)
}
