package ops

import (
	"errors"
	"fmt"
	"testing"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/cluster"
	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/internal/upload"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
	"github.com/symscore/symscore/store"
)

// TestRefusalTable pins the one table from errors to wire statuses and messages, and
// which are authentication failures (with their metric reason).
func TestRefusalTable(t *testing.T) {
	wrapped := func(e error) error { return fmt.Errorf("context: %w", e) }
	for _, c := range []struct {
		err    error
		status protocol.Status
		msg    string
		reason string
		failed bool
	}{
		{protocol.Errorf(protocol.StatusConflict, "custom"), protocol.StatusConflict, "custom", "", false},
		{auth.ErrReplay, protocol.StatusConflict, "replayed request", ReasonReplay, false},
		{auth.ErrReplayFull, protocol.StatusServiceUnavailable, "replay memory full: this customer's signed messages are refused for now", ReasonReplayFull, false},
		{&dataframe.Error{Msg: `row 3, column "x": "abc" is not a number`}, protocol.StatusBadRequest, `row 3, column "x": "abc" is not a number`, "", false},
		{&model.NotFoundError{Project: "p", Model: "m"}, protocol.StatusBadRequest, `cannot find model "m" in project "p"`, "", false},
		{model.ErrProjectNotFound, protocol.StatusBadRequest, "cannot find project", "", false},
		{wrapped(model.ErrModelNotFound), protocol.StatusBadRequest, "cannot find model", "", false},
		{model.ErrProjectExists, protocol.StatusConflict, "project already exists", "", false},
		{model.ErrFrozen, protocol.StatusConflict, "project is frozen: learn, forget and merge are refused until unfreeze", "", false},
		{&model.Error{Msg: "singular"}, protocol.StatusBadRequest, "singular", "", false},
		{wrapped(store.ErrUnavailable), protocol.StatusServiceUnavailable, "durability unavailable: the change was not acknowledged; everything acknowledged before is safe", "", false},
		{wrapped(store.ErrReplayed), protocol.StatusConflict, "replayed request", ReasonReplay, false},
		{fmt.Errorf("%w: %w", store.ErrUnavailable, cluster.ErrBusUnreachable), protocol.StatusServiceUnavailable, "the cluster's bus is unreachable: the change was not acknowledged; everything acknowledged before is safe", "", false},
		{fmt.Errorf("%w: %w", store.ErrUnavailable, cluster.ErrNotApplied), protocol.StatusServiceUnavailable, "the change is stored on the cluster's bus but was not applied here in time; every node will apply it", "", false},
		{fmt.Errorf("%w: %w", store.ErrUnavailable, cluster.ErrGap), protocol.StatusServiceUnavailable, "durability unavailable: the change was not acknowledged; everything acknowledged before is safe", "", false},
		{auth.ErrMalformedHeader, protocol.StatusBadRequest, auth.ErrMalformedHeader.Error(), ReasonMalformed, true},
		{auth.ErrDateFormat, protocol.StatusBadRequest, auth.ErrDateFormat.Error(), ReasonDateFormat, true},
		{wrapped(auth.ErrDateWindow), protocol.StatusBadRequest, "context: " + auth.ErrDateWindow.Error(), ReasonDateWindow, true},
		{auth.ErrMD5Mismatch, protocol.StatusBadRequest, auth.ErrMD5Mismatch.Error(), ReasonMD5, true},
		{auth.ErrUnknownCustomer, protocol.StatusUnauthorized, auth.ErrUnknownCustomer.Error(), ReasonCustomer, true},
		{auth.ErrBadSignature, protocol.StatusUnauthorized, auth.ErrBadSignature.Error(), ReasonSignature, true},
		{auth.ErrSHA1NotAllowed, protocol.StatusUnauthorized, auth.ErrSHA1NotAllowed.Error(), ReasonSHA1, true},
		{&upload.Error{Err: upload.ErrNotFound, Msg: "cannot find upload"}, protocol.StatusBadRequest, "cannot find upload", "", false},
		{&upload.Error{Err: upload.ErrBadRequest, Msg: "past the size"}, protocol.StatusBadRequest, "past the size", "", false},
		{&upload.Error{Err: upload.ErrTooLarge, Msg: "too large"}, protocol.StatusBadRequest, "too large", "", false},
		{&upload.Error{Err: upload.ErrConflict, Msg: "differs"}, protocol.StatusConflict, "differs", "", false},
		{&upload.Error{Err: upload.ErrIncomplete, Msg: "incomplete"}, protocol.StatusConflict, "incomplete", "", false},
		{&upload.Error{Err: upload.ErrTooMany, Msg: "too many"}, protocol.StatusServiceUnavailable, "too many", "", false},
		{&upload.Error{Err: upload.ErrDiskBudget, Msg: "no room"}, protocol.StatusServiceUnavailable, "no room", "", false},
		{&upload.Error{Err: upload.ErrNoSpace, Msg: "disk full"}, protocol.StatusServiceUnavailable, "disk full", "", false},
		{&upload.Error{Err: upload.ErrIO, Msg: "cannot write"}, protocol.StatusServiceUnavailable, "cannot write", "", false},
		{&upload.Error{Err: upload.ErrClosed, Msg: "shutting down"}, protocol.StatusServiceUnavailable, "shutting down", "", false},
		{errors.New("disk on fire"), protocol.StatusInternalServerError, "internal error", "", false},
	} {
		r, _ := classify(c.err)
		if r.Status != c.status || r.Msg != c.msg || r.Reason != c.reason || r.AuthFailed != c.failed {
			t.Errorf("%v: got %v %q reason %q failed %v; want %v %q %q %v", c.err, r.Status, r.Msg, r.Reason, r.AuthFailed, c.status, c.msg, c.reason, c.failed)
		}
		if !errors.Is(r, c.err) {
			t.Errorf("%v: the refusal does not wrap its cause", c.err)
		}
	}
}

// TestRefuseCounts: a refusal by a limit is counted once by its limit, an authentication
// refusal once by its reason, and a refusal is returned as it is when refused again.
func TestRefuseCounts(t *testing.T) {
	s, m := open(t, testConfig(t), nil)
	r := s.Refuse(&dataframe.Error{Msg: "too many rows", Err: dataframe.ErrTooManyRows})
	if s.Refuse(r) != r {
		t.Fatal("a refusal refused again is a new one")
	}
	s.Refuse(&model.Error{Msg: "limit", Err: model.ErrTooManyModels})
	s.Refuse(auth.ErrReplay)
	ra := s.RefuseAuth(ReasonCrossTenant, protocol.Errorf(protocol.StatusUnauthorized, "other customer"))
	if !ra.AuthFailed || ra.Status != protocol.StatusUnauthorized || ra.Msg != "other customer" {
		t.Fatalf("RefuseAuth: %+v", ra)
	}
	for _, c := range []struct {
		name, label string
		want        float64
	}{
		{"symscore_refusals_total", "max_rows", 1},
		{"symscore_refusals_total", "max_models", 1},
		{"symscore_auth_failures_total", ReasonReplay, 1},
		{"symscore_auth_failures_total", ReasonCrossTenant, 1},
	} {
		if got := metric(t, m, c.name, c.label); got != c.want {
			t.Errorf("%s{%s} = %v, want %v", c.name, c.label, got, c.want)
		}
	}
}

// TestNoCustomerRefused: the zero Customer (no verification) is refused by every
// operation, and no project is made.
func TestNoCustomerRefused(t *testing.T) {
	s, _ := open(t, testConfig(t), nil)
	sc := s.Scratch()
	defer s.Release(sc)
	var none Customer
	errs := []error{s.Create(none, "p", "", nil), s.Delete(none, "p"), s.Merge(none, "p", "q"), s.SetFrozen(none, "p", true)}
	_, err := s.Learn(sc, none, "p", []byte(`{}`))
	errs = append(errs, err)
	_, err = s.List(none)
	errs = append(errs, err)
	_, err = s.Predict(sc, none, &PredictArgs{PID: "p", ModelID: "m"})
	errs = append(errs, err)
	_, err = s.Build(none, &BuildArgs{PID: "p", Algo: "mlr", ModelID: "m"})
	errs = append(errs, err)
	_, err = s.Announce(none, AnnounceArgs{PID: "p", Name: "f.csv", Format: "csv", Size: 10})
	errs = append(errs, err)
	_, err = s.Upload(none, "u")
	errs = append(errs, err)
	_, err = s.Uploads(none)
	errs = append(errs, err)
	_, _, err = s.BindUpload(none, "u")
	errs = append(errs, err)
	_, err = s.Finalize(none, "u", FinalizeArgs{})
	errs = append(errs, err)
	errs = append(errs, s.DeleteUpload(none, "u"))
	for i, err := range errs {
		var r *Refusal
		if !errors.As(err, &r) || r.Status != protocol.StatusUnauthorized {
			t.Errorf("operation %d: %v, want UNAUTHORIZED", i, err)
		}
	}
	if ids, _ := s.List(c1); len(ids) != 0 {
		t.Fatalf("projects %v", ids)
	}
}
