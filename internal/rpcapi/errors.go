package rpcapi

import (
	"errors"
	"fmt"

	"github.com/symscore/symscore/internal/ops"
)

// The error codes of docs/rpc.md 2.
const (
	// CodeAuth: not authenticated (a call before wslink.hello), or authentication failed.
	CodeAuth = -32000
	// CodeRefused: a symscore refusal; data is {"statusCode","statusString"}.
	CodeRefused = -32001
	// CodeBadArgs: wrong number or types of arguments, or a message that is not a request.
	CodeBadArgs = -32602
	// CodeUnknownMethod: a method symscore does not have; data is the method.
	CodeUnknownMethod = -32601
)

// argError is a call whose arguments do not have the number or the types its method
// takes (-32602).
type argError struct{ msg string }

func (e *argError) Error() string { return e.msg }

// badArgs is an argError for method m.
func badArgs(m string, format string, args ...any) error {
	return &argError{msg: m + ": " + fmt.Sprintf(format, args...)}
}

// codeOf is the error code of an error a method returned: -32602 for its arguments,
// -32001 for a refusal of the operation.
func codeOf(err error) (int, *ops.Refusal) {
	var ae *argError
	if errors.As(err, &ae) {
		return CodeBadArgs, nil
	}
	var r *ops.Refusal
	errors.As(err, &r)
	return CodeRefused, r
}
