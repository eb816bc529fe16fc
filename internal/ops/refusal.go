package ops

import (
	"errors"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/cluster"
	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/internal/live"
	"github.com/symscore/symscore/internal/metrics"
	"github.com/symscore/symscore/internal/upload"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
	"github.com/symscore/symscore/store"
)

// Reasons of authentication refusals: the label of symscore_auth_failures_total.
const (
	ReasonMalformed   = "malformed_header"
	ReasonDateFormat  = "date_format"
	ReasonDateWindow  = "date_window"
	ReasonMD5         = "md5_mismatch"
	ReasonCustomer    = "unknown_customer"
	ReasonSignature   = "bad_signature"
	ReasonSHA1        = "sha1_not_allowed"
	ReasonReplay      = "replay"
	ReasonReplayFull  = "replay_full"
	ReasonCrossTenant = "other_customer"
)

var authReasons = []string{ReasonMalformed, ReasonDateFormat, ReasonDateWindow, ReasonMD5,
	ReasonCustomer, ReasonSignature, ReasonSHA1, ReasonReplay, ReasonReplayFull, ReasonCrossTenant}

// Refusal is what every operation returns when it does not do what was asked: the wire
// status and the message the client gets. A refused operation changed nothing.
//
// Transports map it to their own form: the status names the reply envelope's statusCode
// and, on REST, the HTTP code (protocol.Status.HTTPCode); AuthFailed ends a WebSocket
// session with close 1008.
type Refusal struct {
	// Status is the wire status.
	Status protocol.Status
	// Msg is the statusString: written for the client, it says what was wrong and where,
	// quotes at most 40 bytes of input and never holds a secret or a string to sign.
	Msg string
	// Reason is the authentication reason (a Reason constant) when authentication refused
	// the request, replays included; empty otherwise.
	Reason string
	// AuthFailed reports an authentication failure (not a replay): the request's identity
	// is not established, and a session that had one must not keep it.
	AuthFailed bool
	// StringToSign is set for a bad signature only: the string the server signed, with the
	// secret replaced by SECRETKEY and the payload cut to 1 KiB, for client authors.
	StringToSign []byte
	// Missing is set for the finalize of an incomplete upload only: the first byte ranges
	// still missing, [from, to) each (values.missing).
	Missing [][2]int64

	err error // the cause, for errors.Is
}

// Error returns Msg.
func (r *Refusal) Error() string { return r.Msg }

// Unwrap returns the cause.
func (r *Refusal) Unwrap() error { return r.err }

// refusalRow is one row of the refusal table: the errors it matches and what they become.
type refusalRow struct {
	match  func(error) (msg string, ok bool) // ok when err is this row's; msg "" keeps the row's
	status protocol.Status
	msg    string
	reason string // authentication reason, "" for other refusals
	failed bool   // an authentication failure (not a replay)
	log    bool   // logged at error level (the server's trouble, not the client's)
}

// is matches a sentinel.
func is(sentinel error) func(error) (string, bool) {
	return func(err error) (string, bool) { return "", errors.Is(err, sentinel) }
}

// own matches a sentinel whose error text is the client message.
func own(sentinel error) func(error) (string, bool) {
	return func(err error) (string, bool) {
		if errors.Is(err, sentinel) {
			return err.Error(), true
		}
		return "", false
	}
}

// refusalTable is the one table from the errors of every package to wire statuses and
// messages. The first row that matches wins. refusal_test.go pins it.
var refusalTable = []refusalRow{
	{match: func(err error) (string, bool) {
		var pe *protocol.Error
		if errors.As(err, &pe) {
			return pe.Msg, true
		}
		return "", false
	}, status: 0}, // status from the error itself (see classify)
	{match: func(err error) (string, bool) {
		var nf *model.NotFoundError
		if errors.As(err, &nf) {
			return nf.Error(), true
		}
		return "", false
	}, status: protocol.StatusBadRequest},
	{match: is(auth.ErrReplay), status: protocol.StatusConflict, msg: "replayed request", reason: ReasonReplay},
	{match: is(auth.ErrReplayFull), status: protocol.StatusServiceUnavailable,
		msg: "replay memory full: this customer's signed messages are refused for now", reason: ReasonReplayFull},
	{match: func(err error) (string, bool) {
		var de *dataframe.Error
		if errors.As(err, &de) {
			return de.Msg, true
		}
		return "", false
	}, status: protocol.StatusBadRequest},
	{match: is(model.ErrProjectNotFound), status: protocol.StatusBadRequest, msg: "cannot find project"},
	{match: is(model.ErrModelNotFound), status: protocol.StatusBadRequest, msg: "cannot find model"},
	{match: is(model.ErrProjectExists), status: protocol.StatusConflict, msg: "project already exists"},
	{match: is(model.ErrFrozen), status: protocol.StatusConflict,
		msg: "project is frozen: learn, forget and merge are refused until unfreeze"},
	{match: func(err error) (string, bool) {
		var me *model.Error
		if errors.As(err, &me) {
			return me.Msg, true
		}
		return "", false
	}, status: protocol.StatusBadRequest},
	{match: is(store.ErrReplayed), status: protocol.StatusConflict, msg: "replayed request", reason: ReasonReplay},
	// A cluster node whose bus is away (logged once by the node, not per refusal).
	{match: is(cluster.ErrBusUnreachable), status: protocol.StatusServiceUnavailable,
		msg: "the cluster's bus is unreachable: the change was not acknowledged; everything acknowledged before is safe"},
	{match: is(cluster.ErrNotApplied), status: protocol.StatusServiceUnavailable, log: true,
		msg: "the change is stored on the cluster's bus but was not applied here in time; every node will apply it"},
	{match: is(store.ErrUnavailable), status: protocol.StatusServiceUnavailable, log: true,
		msg: "durability unavailable: the change was not acknowledged; everything acknowledged before is safe"},
	{match: own(upload.ErrNotFound), status: protocol.StatusBadRequest},
	{match: own(upload.ErrBadRequest), status: protocol.StatusBadRequest},
	{match: own(upload.ErrTooLarge), status: protocol.StatusBadRequest},
	{match: own(upload.ErrConflict), status: protocol.StatusConflict},
	{match: own(upload.ErrIncomplete), status: protocol.StatusConflict},
	{match: own(upload.ErrTooMany), status: protocol.StatusServiceUnavailable},
	{match: own(upload.ErrDiskBudget), status: protocol.StatusServiceUnavailable},
	{match: own(upload.ErrNoSpace), status: protocol.StatusServiceUnavailable},
	{match: own(upload.ErrIO), status: protocol.StatusServiceUnavailable}, // logged by package upload
	{match: own(upload.ErrClosed), status: protocol.StatusServiceUnavailable},
	{match: own(auth.ErrMalformedHeader), status: protocol.StatusBadRequest, reason: ReasonMalformed, failed: true},
	{match: own(auth.ErrDateFormat), status: protocol.StatusBadRequest, reason: ReasonDateFormat, failed: true},
	{match: own(auth.ErrDateWindow), status: protocol.StatusBadRequest, reason: ReasonDateWindow, failed: true},
	{match: own(auth.ErrMD5Mismatch), status: protocol.StatusBadRequest, reason: ReasonMD5, failed: true},
	{match: own(auth.ErrUnknownCustomer), status: protocol.StatusUnauthorized, reason: ReasonCustomer, failed: true},
	{match: own(auth.ErrBadSignature), status: protocol.StatusUnauthorized, reason: ReasonSignature, failed: true},
	{match: own(auth.ErrSHA1NotAllowed), status: protocol.StatusUnauthorized, reason: ReasonSHA1, failed: true},
	{match: func(err error) (string, bool) {
		if live.IsBadRequest(err) {
			return live.RequestMessage(err), true
		}
		return "", false
	}, status: protocol.StatusBadRequest},
	{match: is(live.ErrTooManySubscriptions), status: protocol.StatusBadRequest,
		msg: "too many subscriptions on this connection (limits.max_subscriptions); nothing was subscribed"},
	{match: is(live.ErrClosed), status: protocol.StatusConflict,
		msg: "the subscriptions have ended: the project was deleted or the connection is closing"},
}

// limitErrors are the refusals counted in symscore_refusals_total, by limit.
var limitErrors = []struct {
	err   error
	limit string
}{
	{dataframe.ErrTooManyRows, metrics.LimitMaxRows},
	{dataframe.ErrTooManyColumns, metrics.LimitMaxColumns},
	{model.ErrTooManyAttributes, metrics.LimitMaxAttributes},
	{model.ErrTooManyPartitions, metrics.LimitMaxPartitions},
	{model.ErrStateTooLarge, metrics.LimitMaxProjectMem},
	{model.ErrTooManyProjects, metrics.LimitMaxProjects},
	{model.ErrTooManyModels, metrics.LimitMaxModels},
	{model.ErrTooManyNewAttributes, metrics.LimitMaxNewAttributes},
	{model.ErrNameTooLong, metrics.LimitMaxNameBytes}, // also dataframe's: the same sentinel
	{model.ErrCustomerTooLarge, metrics.LimitMaxCustomerBytes},
	{model.ErrExploreTooCostly, metrics.LimitMaxExploreWork},
	{errTooManyBuilds, metrics.LimitRunningBuilds},
	{live.ErrTooManySubscriptions, metrics.LimitMaxSubscriptions},
	{upload.ErrTooLarge, metrics.LimitMaxUploadBytes},
	{upload.ErrTooMany, metrics.LimitMaxUploads},
	{upload.ErrDiskBudget, metrics.LimitMaxUploadDiskBytes},
}

// classify maps err through the refusal table; an error no row matches is internal.
func classify(err error) (r *Refusal, log bool) {
	for i := range refusalTable {
		row := &refusalTable[i]
		msg, ok := row.match(err)
		if !ok {
			continue
		}
		if msg == "" {
			msg = row.msg
		}
		st := row.status
		if i == 0 {
			var pe *protocol.Error
			errors.As(err, &pe)
			st = pe.Status
		}
		r := &Refusal{Status: st, Msg: msg, Reason: row.reason, AuthFailed: row.failed, err: err}
		var ue *upload.Error
		if errors.As(err, &ue) && len(ue.Missing) > 0 {
			r.Missing = make([][2]int64, len(ue.Missing))
			for i, m := range ue.Missing {
				r.Missing[i] = [2]int64{m.From, m.To}
			}
		}
		return r, row.log
	}
	return &Refusal{Status: protocol.StatusInternalServerError, Msg: "internal error", err: err}, true
}

// Refuse turns err into its *Refusal (an err that is one already is returned as it is):
// the table's status and message, counted by limit and authentication reason, logged when
// it is the server's trouble. Transports call it for the errors of their own decoding
// (a *protocol.Error says its status); operations return refusals already.
func (s *Service) Refuse(err error) *Refusal {
	var r *Refusal
	if errors.As(err, &r) {
		return r
	}
	r, log := classify(err)
	s.count(r, log)
	return r
}

// RefuseAuth is the refusal of a request whose identity could not be established by
// reason (a Reason constant) — a message that cannot be read or should have been signed,
// a Customer-ID that names another customer: err's status and message (a *protocol.Error,
// usually), counted as an authentication failure.
func (s *Service) RefuseAuth(reason string, err error) *Refusal {
	r, _ := classify(err)
	r.Reason, r.AuthFailed = reason, true
	s.count(r, false)
	return r
}

// count counts r by limit and reason, and logs it when log.
func (s *Service) count(r *Refusal, log bool) {
	if r.Reason != "" {
		s.metrics.authFailure(r.Reason)
	}
	for _, l := range limitErrors {
		if errors.Is(r.err, l.err) {
			s.metrics.refused(l.limit)
			break
		}
	}
	if log {
		if r.Status == protocol.StatusInternalServerError {
			s.log.Error("internal error", "err", r.err)
		} else {
			s.log.Error("durability unavailable", "err", r.err)
		}
	}
}
