package model

import (
	"errors"
	"fmt"
)

// Sentinel errors callers test for.
var (
	ErrProjectNotFound = errors.New("cannot find project")
	ErrProjectExists   = errors.New("project already exists")
	ErrModelNotFound   = errors.New("cannot find model")
	ErrFrozen          = errors.New("project is frozen")
	ErrNegativeCount   = errors.New("cannot forget more rows than were learned")
	// ErrTooManyAttributes, ErrTooManyPartitions, ErrStateTooLarge, ErrTooManyProjects and
	// ErrTooManyModels are wrapped by refusals of the limits (see Limits).
	ErrTooManyAttributes = errors.New("too many attributes")
	ErrTooManyPartitions = errors.New("too many partitions")
	ErrStateTooLarge     = errors.New("project state too large")
	ErrTooManyProjects   = errors.New("too many projects")
	ErrTooManyModels     = errors.New("too many models")
	// ErrTooManyNewAttributes is wrapped by the refusal of a message that adds more
	// attributes than Limits.MaxNewAttributes.
	ErrTooManyNewAttributes = errors.New("too many new attributes in one message")
)

// Error is a refusal caused by the request (a bad MLContext, an impossible build, a
// DataFrame that does not fit the project). Its Msg is meant for the client; the server
// answers it with BAD_REQUEST. Err, when set, is the sentinel it wraps (ErrNegativeCount,
// ErrTooManyAttributes, ...), so errors.Is works on it.
type Error struct {
	Msg string
	Err error
}

func (e *Error) Error() string { return e.Msg }

// Unwrap returns the wrapped sentinel, if any.
func (e *Error) Unwrap() error { return e.Err }

// errorf builds an *Error.
func errorf(format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

// wrapf builds an *Error wrapping sentinel.
func wrapf(sentinel error, format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...), Err: sentinel}
}
