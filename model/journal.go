package model

import "time"

// Commit journals a change of a project before it is applied: the durability layer writes
// the change to its log and returns the record's sequence number (its LSN), or an error
// that cancels the change. A project calls it under its write lock, after every check of
// the change has passed and before anything is applied, so that:
//
//   - the order of commits is the order in which changes are applied to the project (a
//     replay in sequence order rebuilds the same state, bit for bit);
//   - a refused change is never journaled, and a change whose commit fails is not applied.
//
// The project keeps the sequence number of its last committed change (Seq) and encodes it
// with its state (MarshalBinary, Checkpoint), so a snapshot says which records it covers.
// Commit also returns the time of the change (the project's lastModificationDate after a
// learn, forget or merge; its creationDate after a create), so that a replay restores the
// original dates; a zero time means now.
//
// Commit must be quick and must not wait for the record to be durable (that would hold
// the project's lock across an fsync): the caller waits after the change returns. It must
// not call the project. A nil Commit journals nothing.
type Commit func() (seq uint64, at time.Time, err error)

// commitLocked refuses changes to a retired project and runs commit; it returns the time
// of the change (UTC). Caller holds mu for writing.
func (p *Project) commitLocked(commit Commit) (time.Time, error) {
	if p.retired {
		return time.Time{}, p.errNotFound()
	}
	var at time.Time
	if commit != nil {
		seq, t, err := commit()
		if err != nil {
			return time.Time{}, err
		}
		p.seq, at = seq, t
	}
	if at.IsZero() {
		at = p.now()
	}
	return at.UTC(), nil
}

// Seq is the sequence number of the last change committed to the project (0 if none was
// journaled). Read it with the state it belongs to from Checkpoint.
func (p *Project) Seq() uint64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.seq
}
