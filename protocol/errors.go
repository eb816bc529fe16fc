package protocol

import "fmt"

// Status is a wire status: the statusCode of a reply envelope and, on REST, an HTTP code.
type Status uint8

// Wire statuses. The zero value is StatusOK.
const (
	StatusOK Status = iota
	StatusCreated
	StatusAccepted
	StatusBadRequest
	StatusUnauthorized
	StatusConflict
	StatusInternalServerError
	StatusServiceUnavailable
	numStatuses
)

// statusTable is the one table of wire statuses: the name written as statusCode and the
// HTTP code of a REST reply. errors_test.go pins it.
var statusTable = [numStatuses]struct {
	name string
	http int
}{
	StatusOK:                  {"OK", 200},
	StatusCreated:             {"CREATED", 201},
	StatusAccepted:            {"ACCEPTED", 202},
	StatusBadRequest:          {"BAD_REQUEST", 400},
	StatusUnauthorized:        {"UNAUTHORIZED", 401},
	StatusConflict:            {"CONFLICT", 409},
	StatusInternalServerError: {"INTERNAL_SERVER_ERROR", 500},
	StatusServiceUnavailable:  {"SERVICE_UNAVAILABLE", 503},
}

// String returns the wire name, e.g. "BAD_REQUEST". An unknown Status returns
// "INTERNAL_SERVER_ERROR", so that nothing outside the table ever reaches the wire.
func (s Status) String() string {
	if s >= numStatuses {
		return statusTable[StatusInternalServerError].name
	}
	return statusTable[s].name
}

// HTTPCode returns the HTTP status code of s (500 for an unknown Status).
func (s Status) HTTPCode() int {
	if s >= numStatuses {
		return statusTable[StatusInternalServerError].http
	}
	return statusTable[s].http
}

// ParseStatus returns the Status whose wire name is name (exact, case-sensitive).
func ParseStatus(name string) (Status, bool) {
	for i, e := range statusTable {
		if e.name == name {
			return Status(i), true
		}
	}
	return 0, false
}

// Error is an error with a wire status. Msg is sent to the client as the statusString,
// so it never contains a secret or a string to sign, and quotes at most 40 bytes of input.
type Error struct {
	Status Status
	Msg    string
}

// Error returns Msg.
func (e *Error) Error() string { return e.Msg }

// Errorf returns an *Error with status st and a message formatted as by fmt.Sprintf.
func Errorf(st Status, format string, args ...any) *Error {
	return &Error{Status: st, Msg: fmt.Sprintf(format, args...)}
}
