package protocol

import (
	"errors"
	"testing"
)

// TestStatusTable pins the wire names and HTTP codes of every status.
func TestStatusTable(t *testing.T) {
	want := []struct {
		st   Status
		name string
		http int
	}{
		{StatusOK, "OK", 200},
		{StatusCreated, "CREATED", 201},
		{StatusAccepted, "ACCEPTED", 202},
		{StatusBadRequest, "BAD_REQUEST", 400},
		{StatusUnauthorized, "UNAUTHORIZED", 401},
		{StatusConflict, "CONFLICT", 409},
		{StatusInternalServerError, "INTERNAL_SERVER_ERROR", 500},
		{StatusServiceUnavailable, "SERVICE_UNAVAILABLE", 503},
	}
	if len(want) != int(numStatuses) {
		t.Fatalf("table has %d statuses, test pins %d", numStatuses, len(want))
	}
	for _, w := range want {
		if got := w.st.String(); got != w.name {
			t.Errorf("Status(%d).String() = %q, want %q", w.st, got, w.name)
		}
		if got := w.st.HTTPCode(); got != w.http {
			t.Errorf("%s.HTTPCode() = %d, want %d", w.name, got, w.http)
		}
		st, ok := ParseStatus(w.name)
		if !ok || st != w.st {
			t.Errorf("ParseStatus(%q) = %v, %v; want %v, true", w.name, st, ok, w.st)
		}
	}
}

func TestStatusUnknown(t *testing.T) {
	if got := Status(200).String(); got != "INTERNAL_SERVER_ERROR" {
		t.Errorf("unknown status String() = %q", got)
	}
	if got := Status(200).HTTPCode(); got != 500 {
		t.Errorf("unknown status HTTPCode() = %d", got)
	}
	for _, name := range []string{"", "ok", "Bad_Request", "NOT_FOUND", "OK "} {
		if st, ok := ParseStatus(name); ok {
			t.Errorf("ParseStatus(%q) = %v, true; want false", name, st)
		}
	}
}

func TestErrorf(t *testing.T) {
	err := error(Errorf(StatusConflict, "project %q exists", "p1"))
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("errors.As failed on %T", err)
	}
	if pe.Status != StatusConflict || pe.Msg != `project "p1" exists` || err.Error() != pe.Msg {
		t.Errorf("got %+v, Error() = %q", pe, err.Error())
	}
}
