package upload

import (
	"errors"
	"fmt"
)

// Sentinels of the refusals; every refusal is an *Error wrapping one of them, with a
// message for the client.
var (
	// ErrNotFound: no such upload for this customer (unknown, another customer's, or
	// forgotten).
	ErrNotFound = errors.New("upload: not found")
	// ErrBadRequest: the request itself is wrong (a field, a format, a chunk past the size).
	ErrBadRequest = errors.New("upload: bad request")
	// ErrConflict: a chunk whose bytes differ from those received at the same positions, or
	// an operation the upload's state does not allow (finalizing twice, a chunk after
	// finalize, deleting while finalizing).
	ErrConflict = errors.New("upload: conflict")
	// ErrIncomplete: finalize while bytes are missing (Error.Missing lists them).
	ErrIncomplete = errors.New("upload: incomplete")
	// ErrTooLarge: a size over limits.max_upload_bytes.
	ErrTooLarge = errors.New("upload: larger than limits.max_upload_bytes")
	// ErrTooMany: the customer has limits.max_uploads uploads already.
	ErrTooMany = errors.New("upload: limits.max_uploads reached")
	// ErrDiskBudget: the reservation would pass limits.max_upload_disk_bytes.
	ErrDiskBudget = errors.New("upload: limits.max_upload_disk_bytes reached")
	// ErrNoSpace: the disk has no room for the file.
	ErrNoSpace = errors.New("upload: no space on the disk")
	// ErrIO: the upload's files cannot be written (the server's trouble).
	ErrIO = errors.New("upload: input/output error")
	// ErrClosed: the server is shutting down.
	ErrClosed = errors.New("upload: closed")
)

// Error is a refusal of an upload operation.
type Error struct {
	// Err is the sentinel saying what kind of refusal it is.
	Err error
	// Msg is the message for the client: what was wrong, quoting at most 40 bytes of input.
	Msg string
	// Missing lists, for ErrIncomplete, at most MaxMissing ranges still absent.
	Missing []Range
}

func (e *Error) Error() string { return e.Msg }

func (e *Error) Unwrap() error { return e.Err }

func refusef(sentinel error, format string, args ...any) *Error {
	return &Error{Err: sentinel, Msg: fmt.Sprintf(format, args...)}
}

// errNoSpace is allocate's refusal of a file the disk has no room for.
var errNoSpace = errors.New("no space left on the device")
