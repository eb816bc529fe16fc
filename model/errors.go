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
)

// Error is a refusal caused by the request (a bad MLContext, an impossible build, a
// DataFrame that does not fit the project). Its Msg is meant for the client; the server
// answers it with BAD_REQUEST.
type Error struct {
	Msg string
}

func (e *Error) Error() string { return e.Msg }

// errorf builds an *Error.
func errorf(format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}
