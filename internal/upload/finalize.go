package upload

import (
	"io"
	"strconv"
	"time"

	"github.com/symscore/symscore/protocol"
	"github.com/symscore/symscore/wal"
)

// FinalizeRequest is what a finalize asks for.
type FinalizeRequest struct {
	// Job is the id of the job that finalizes.
	Job string
	// Forget forgets the rows instead of learning them.
	Forget bool
	// Types are the column types as given ("" when inferred).
	Types string
	// ErrorHandling is 0 (the first bad cell fails the job) or 1 (bad rows skipped).
	ErrorHandling int
}

// BeginFinalize moves a complete upload to Finalizing for req.Job, durably, and returns
// its file to read (valid until Done or Fail). Refusals (*Error): ErrNotFound; ErrConflict
// when it is being finalized, done, expired, or failed in a way that forbids another
// finalize (its file was lost); ErrIncomplete with the missing ranges; ErrIO.
func (u *Upload) BeginFinalize(req FinalizeRequest) (io.ReaderAt, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.m.opts.Mode == wal.ModeAlways && (len(u.pending) > 0 || u.flushing) {
		// Chunks written and not yet committed: the file is read once they are durable.
		if err := u.commitLocked(u.gen); err != nil {
			return nil, err
		}
	}
	id := quote(u.desc.ID)
	switch st := u.st.State; {
	case u.gone:
		return nil, refusef(ErrNotFound, "cannot find upload %s", id)
	case st == Finalizing || st == Applying:
		return nil, refusef(ErrConflict, "upload %s is being finalized (job %s)", id, u.st.Job)
	case st == Done:
		return nil, refusef(ErrConflict, "upload %s is finalized already (job %s)", id, u.st.Job)
	case st == Expired:
		return nil, refusef(ErrConflict, "upload %s has expired", id)
	case st == Failed && !u.st.Retry:
		return nil, refusef(ErrConflict, "upload %s cannot be finalized: %s", id, u.st.Msg)
	case u.ioErr != nil || u.data == nil:
		return nil, refusef(ErrConflict, "upload %s cannot be finalized: its file cannot be read or written; delete it and upload again", id)
	}
	if u.got.Len() != u.desc.Size {
		missing := u.got.Missing(u.desc.Size, MaxMissing)
		return nil, &Error{Err: ErrIncomplete, Missing: missing,
			Msg: "upload " + id + " is incomplete: " + strconv.FormatInt(u.desc.Size-u.got.Len(), 10) + " of its " + strconv.FormatInt(u.desc.Size, 10) +
				" bytes are missing (values.missing lists the first ranges)"}
	}
	st := stateRec{State: Finalizing, At: u.now(), Job: req.Job, Forget: req.Forget, Types: req.Types, EH: req.ErrorHandling}
	if err := u.writeStateLocked(st); err != nil {
		return nil, u.failIOLocked("write state", err)
	}
	return u.data, nil
}

// Applying records, durably, that the finalize job summarised the file (rows rows, skipped
// skipped) and is about to log its change.
func (u *Upload) Applying(rows, skipped int64) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	st := u.st
	st.State, st.At, st.Rows, st.Skipped = Applying, u.now(), rows, skipped
	if err := u.writeStateLocked(st); err != nil {
		return u.failIOLocked("write state", err)
	}
	return nil
}

// Done records, durably, that the upload's change is applied and durable (the caller made
// it so first), then removes its file and gives its reservation back.
func (u *Upload) Done(rows, skipped int64) error {
	u.mu.Lock()
	st := u.st
	st.State, st.At, st.Rows, st.Skipped, st.Status, st.Msg, st.Retry = Done, u.now(), rows, skipped, 0, "", false
	err := u.writeStateLocked(st)
	if err != nil {
		u.failIOLocked("write state", err)
	}
	return u.releaseData(err)
}

// releaseData removes the file of an upload that no longer needs it and gives its
// reservation back; caller holds mu, which it releases.
func (u *Upload) releaseData(err error) error {
	held := u.data != nil
	if e := u.closeFilesLocked(true); e != nil && err == nil {
		err = e
	}
	u.mu.Unlock()
	if held {
		u.m.unreserve(u.desc.CID, u.desc.Size)
	}
	return err
}

// Fail records, durably, that the finalize failed with status and msg; retry says the
// file is intact and may be finalized again (a bad cell, a refused change, an interrupted
// job).
func (u *Upload) Fail(status protocol.Status, msg string, retry bool) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	st := u.st
	st.State, st.At, st.Status, st.Msg, st.Retry = Failed, u.now(), status, msg, retry
	if err := u.writeStateLocked(st); err != nil {
		return u.failIOLocked("write state", err)
	}
	return nil
}

// expire moves an unfinished upload to Expired: its file removed, its reservation given
// back.
func (u *Upload) expire(now time.Time) error {
	u.mu.Lock()
	if u.gone || (u.st.State != Receiving && u.st.State != Failed) {
		u.mu.Unlock()
		return nil
	}
	st := u.st
	st.State, st.At = Expired, now
	err := u.writeStateLocked(st)
	return u.releaseData(err)
}

func (u *Upload) now() time.Time { return u.m.opts.Now().UTC() }
