package server

import (
	"errors"
	"log/slog"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
	"github.com/symscore/symscore/store"
)

// Auth failure reasons, the label of symscore_auth_failures_total.
const (
	reasonMalformed   = "malformed_header"
	reasonDateFormat  = "date_format"
	reasonDateWindow  = "date_window"
	reasonMD5         = "md5_mismatch"
	reasonCustomer    = "unknown_customer"
	reasonSignature   = "bad_signature"
	reasonSHA1        = "sha1_not_allowed"
	reasonReplay      = "replay"
	reasonReplayFull  = "replay_full"
	reasonCrossTenant = "other_customer"
)

var authReasons = []string{reasonMalformed, reasonDateFormat, reasonDateWindow, reasonMD5,
	reasonCustomer, reasonSignature, reasonSHA1, reasonReplay, reasonReplayFull, reasonCrossTenant}

// authFailure classifies a verification error: its wire status, its metric reason, and
// whether it is an authentication failure (a WebSocket connection is then closed with
// 1008; replay refusals are not: the message was authentic, only not new).
func authFailure(err error) (st protocol.Status, reason string, closes bool) {
	switch {
	case errors.Is(err, auth.ErrMalformedHeader):
		return protocol.StatusBadRequest, reasonMalformed, true
	case errors.Is(err, auth.ErrDateFormat):
		return protocol.StatusBadRequest, reasonDateFormat, true
	case errors.Is(err, auth.ErrDateWindow):
		return protocol.StatusBadRequest, reasonDateWindow, true
	case errors.Is(err, auth.ErrMD5Mismatch):
		return protocol.StatusBadRequest, reasonMD5, true
	case errors.Is(err, auth.ErrUnknownCustomer):
		return protocol.StatusUnauthorized, reasonCustomer, true
	case errors.Is(err, auth.ErrBadSignature):
		return protocol.StatusUnauthorized, reasonSignature, true
	case errors.Is(err, auth.ErrSHA1NotAllowed):
		return protocol.StatusUnauthorized, reasonSHA1, true
	case errors.Is(err, auth.ErrReplay):
		return protocol.StatusConflict, reasonReplay, false
	case errors.Is(err, auth.ErrReplayFull):
		return protocol.StatusServiceUnavailable, reasonReplayFull, false
	}
	return protocol.StatusUnauthorized, reasonSignature, true
}

// statusOf maps an error of handling a request to its wire status and the statusString
// the client gets. Errors are the packages' sentinels and typed errors, whose messages are
// written for clients (they quote at most 40 bytes of input and never a secret). Anything
// else is an internal error: logged, and answered without detail.
func statusOf(err error, log *slog.Logger) (protocol.Status, string) {
	var pe *protocol.Error
	var de *dataframe.Error
	var me *model.Error
	var nf *model.NotFoundError
	switch {
	case errors.As(err, &pe):
		return pe.Status, pe.Msg
	case errors.As(err, &nf):
		return protocol.StatusBadRequest, nf.Error()
	case errors.Is(err, auth.ErrReplay):
		return protocol.StatusConflict, "replayed request"
	case errors.Is(err, auth.ErrReplayFull):
		return protocol.StatusServiceUnavailable, "replay memory full: this customer's signed messages are refused for now"
	case errors.As(err, &de):
		return protocol.StatusBadRequest, de.Msg
	case errors.Is(err, model.ErrProjectNotFound):
		return protocol.StatusBadRequest, "cannot find project"
	case errors.Is(err, model.ErrModelNotFound):
		return protocol.StatusBadRequest, "cannot find model"
	case errors.Is(err, model.ErrProjectExists):
		return protocol.StatusConflict, "project already exists"
	case errors.Is(err, model.ErrFrozen):
		return protocol.StatusConflict, "project is frozen: learn, forget and merge are refused until unfreeze"
	case errors.As(err, &me):
		return protocol.StatusBadRequest, me.Msg
	case errors.Is(err, store.ErrUnavailable):
		log.Error("durability unavailable", "err", err)
		return protocol.StatusServiceUnavailable, "durability unavailable: the change was not acknowledged; everything acknowledged before is safe"
	}
	st, _, _ := authFailure(err)
	if isAuthError(err) {
		return st, err.Error()
	}
	log.Error("internal error", "err", err)
	return protocol.StatusInternalServerError, "internal error"
}

func isAuthError(err error) bool {
	for _, s := range []error{auth.ErrMalformedHeader, auth.ErrDateFormat, auth.ErrDateWindow,
		auth.ErrMD5Mismatch, auth.ErrUnknownCustomer, auth.ErrBadSignature, auth.ErrSHA1NotAllowed} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
