package model

import "time"

// Stamp is what the durability layer gives a change once its record is in the log: the
// record's sequence number and the time stamped on it when it was appended. The store
// applies changes in sequence order with the Apply methods (ApplyRows, ApplyDelta,
// ApplyFreeze, ApplyMerge, ApplyModel, ApplyUnmodel, Registry.ApplyCreate, ApplyImport,
// ApplyDelete), the same for a change just logged and for a record replayed, so that the
// same log gives the same state bit for bit:
//
//   - an Apply method depends only on the project's state, its arguments and the Stamp
//     (never on the clock, the registry's current limits or map iteration order), and either
//     applies the whole change or refuses it (an error) and changes nothing;
//   - a project keeps the Seq of the last change applied to it (Seq) and encodes it with its
//     state (MarshalBinary, Checkpoint), so a snapshot says which records it covers;
//   - At is the time of the change: the creationDate of a create, the lastModificationDate
//     after a learn, forget or merge (which never goes back: a record stamped earlier than
//     the last change leaves the date as it is). A replay restores the original dates.
//
// The zero Stamp applies an unjournaled change at the current time (Seq unchanged).
type Stamp struct {
	Seq uint64
	At  time.Time
}

// stampLocked records st's sequence number and returns the time of the change (UTC).
// Caller holds mu for writing, once every check has passed.
func (p *Project) stampLocked(st Stamp) time.Time {
	if st.Seq != 0 {
		p.seq = st.Seq
	}
	at := st.At
	if at.IsZero() {
		at = p.now()
	}
	return at.UTC()
}

// touchLocked sets the last modification date to at unless it is later already. Caller
// holds mu for writing.
func (p *Project) touchLocked(at time.Time) {
	if at.After(p.modified) {
		p.modified = at
	}
}

// Seq is the sequence number of the last change applied to the project with a Stamp (0 if
// none). Read it with the state it belongs to from Checkpoint.
func (p *Project) Seq() uint64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.seq
}

// Created is the project's creation date (UTC): with its id, it names this incarnation of
// the project (a project deleted and created again under the same id has another date).
func (p *Project) Created() time.Time {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.created
}
