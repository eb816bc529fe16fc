package model

import (
	"errors"
	"fmt"

	"github.com/symscore/symscore/ident"
)

// Sentinel errors callers test for.
var (
	ErrProjectNotFound = errors.New("cannot find project")
	ErrProjectExists   = errors.New("project already exists")
	ErrModelNotFound   = errors.New("cannot find model")
	ErrFrozen          = errors.New("project is frozen")
	ErrNegativeCount   = errors.New("cannot forget more rows than were learned")
	// ErrTooManyAttributes, ErrTooManyPartitions, ErrStateTooLarge, ErrTooManyProjects,
	// ErrTooManyModels, ErrCustomerTooLarge, ErrExploreTooCostly and ErrNameTooLong are
	// wrapped by refusals of the limits (see Limits).
	ErrTooManyAttributes = errors.New("too many attributes")
	ErrTooManyPartitions = errors.New("too many partitions")
	ErrStateTooLarge     = errors.New("project state too large")
	ErrTooManyProjects   = errors.New("too many projects")
	ErrTooManyModels     = errors.New("too many models")
	ErrCustomerTooLarge  = errors.New("customer's projects too large")
	ErrExploreTooCostly  = errors.New("exploration too costly")
	// ErrNameTooLong is ident.ErrTooLong: an id or name past Limits.MaxNameBytes.
	ErrNameTooLong = ident.ErrTooLong
	// ErrTooManyNewAttributes is wrapped by the refusal of a message that adds more
	// attributes than Limits.MaxNewAttributes.
	ErrTooManyNewAttributes = errors.New("too many new attributes in one message")
)

// NotFoundError is the refusal of a request that names a project, or a model of a
// project, that the customer does not have. Its message names them, quoting at most 40
// bytes of each: `cannot find project "p"`, `cannot find model "m" in project "p"`.
// errors.Is matches it with ErrModelNotFound when Model is set, ErrProjectNotFound
// otherwise.
type NotFoundError struct {
	Project string
	Model   string // "" when the project is missing
}

func (e *NotFoundError) Error() string {
	if e.Model != "" {
		return fmt.Sprintf("%v %s in project %s", ErrModelNotFound, quote(e.Model), quote(e.Project))
	}
	return fmt.Sprintf("%v %s", ErrProjectNotFound, quote(e.Project))
}

// Unwrap returns ErrModelNotFound or ErrProjectNotFound.
func (e *NotFoundError) Unwrap() error {
	if e.Model != "" {
		return ErrModelNotFound
	}
	return ErrProjectNotFound
}

// projectNotFound is the refusal of a request naming project pid.
func projectNotFound(pid string) error { return &NotFoundError{Project: pid} }

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
