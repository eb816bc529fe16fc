package wsapi

import (
	"time"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/wsconn"
	"github.com/symscore/symscore/protocol"
)

// replayRule is how a signature already accepted is treated (docs/protocol.md 1.3).
type replayRule uint8

const (
	replayRead      replayRule = iota // refused with auth.replay_predict (predict)
	replayChange                      // always refused (learn, forget)
	replaySubscribe                   // never refused: a subscription only reads
)

// binding is what a session knows of its connection's identity (docs/protocol.md 1.1):
// the customer and extraKeys bound by a framed message that verified. Bare session
// frames act for them; a later framed message verifies anew and rebinds (empty extraKeys
// keep the bound ones), unless the binding is fixed. One per session; used by the
// connection's reader goroutine only.
type binding struct {
	info       *wsconn.Info
	signedOnly bool  // auth.signed_frames_only: bare session frames are refused
	wantKeys   int   // extraKeys: [pid] or [pid, modelId]
	keysErr    error // the refusal of missing or wrong extraKeys, saying what to send
	replay     replayRule

	authed bool         // a framed message has verified on this connection
	fixed  bool         // the customer and keys may no longer change (fix)
	cust   ops.Customer // bound customer
	keys   []string     // bound extraKeys; nil until bound
}

// Messages refused before authentication (a bare frame where a signed one is required), and
// a rebinding a fixed binding refuses.
var (
	errUnsignedFirst = protocol.Errorf(protocol.StatusBadRequest,
		"missing authentication header: the first message of a connection must be framed and signed (<N>,<header><payload>)")
	errUnsignedFrame = protocol.Errorf(protocol.StatusBadRequest,
		"missing authentication header: this server requires every message to be signed (auth.signed_frames_only)")
	errRebind = protocol.Errorf(protocol.StatusBadRequest,
		"this connection is bound to its customer and extraKeys: a later framed message must carry the same, or empty extraKeys")
)

// admit checks a parsed message's framing and, for a framed one, its signature, binding
// the session: the signature's date window at arrived, the time the message arrived (the
// caller's reading, so that verification reads no clock). It returns the refusal of a
// message that may not act (an authentication failure unbinds), or nil: the message acts
// for b.cust (and b.keys, when bound).
func (b *binding) admit(svc *ops.Service, sc *ops.Scratch, msg *protocol.Message, arrived time.Time) *ops.Refusal {
	if msg.Form == protocol.FormSession {
		switch {
		case !b.authed:
			return svc.RefuseAuth(ops.ReasonMalformed, errUnsignedFirst)
		case b.signedOnly:
			return svc.RefuseAuth(ops.ReasonMalformed, errUnsignedFrame)
		}
		return nil
	}
	req := auth.WSRequest{
		Date: msg.Date, MD5: msg.MD5, Signature: msg.Signature, CID: msg.CID,
		Payload: msg.Payload, ExtraKeys: msg.ExtraKeys,
		Scheme: b.info.Scheme, Host: b.info.Host, Path: b.info.Path,
		Change: b.replay == replayChange, Subscribe: b.replay == replaySubscribe,
	}
	c, err := sc.VerifyWSAt(&req, arrived)
	if err != nil {
		r := svc.Refuse(err)
		if r.AuthFailed {
			b.authed, b.keys = false, nil
		}
		return r
	}
	if b.fixed && (c != b.cust || len(msg.ExtraKeys) > 0 && !sameKeys(b.keys, msg.ExtraKeys)) {
		return svc.Refuse(errRebind)
	}
	b.authed, b.cust = true, c
	if len(msg.ExtraKeys) == 0 {
		return nil // keep the bound keys, if any
	}
	if len(msg.ExtraKeys) != b.wantKeys {
		b.keys = nil
		return svc.Refuse(b.keysErr)
	}
	if !sameKeys(b.keys, msg.ExtraKeys) {
		keys := make([]string, len(msg.ExtraKeys))
		for i, k := range msg.ExtraKeys {
			keys[i] = string(k)
		}
		b.keys = keys
	}
	return nil
}

// fix forbids any later change of the bound customer and keys.
func (b *binding) fix() { b.fixed = true }

func sameKeys(bound []string, keys [][]byte) bool {
	if len(bound) != len(keys) {
		return false
	}
	for i, k := range keys {
		if bound[i] != string(k) {
			return false
		}
	}
	return true
}

// framedCID is the customer id a framed message names (nil for a session frame): the
// customer a refusal of its verification is logged for.
func framedCID(msg *protocol.Message) []byte {
	if msg.Form == protocol.FormSession {
		return nil
	}
	return msg.CID
}

// caller describes the connection for the logs: its remote address, the endpoint's label
// and the customer — cid when not nil (the one a message named), else the bound one.
func (b *binding) caller(label string, cid []byte) ops.Caller {
	name := b.cust.ID()
	if cid != nil {
		name = string(cid)
	}
	return ops.Caller{Remote: b.info.RemoteAddr, Endpoint: label, CID: name}
}

// logRefusal logs a refusal by authentication (ops.LogRefusal) for the customer cid names
// (nil: the bound one); other refusals are not logged here.
func (b *binding) logRefusal(svc *ops.Service, label string, r *ops.Refusal, cid []byte) {
	if r.Reason != "" {
		svc.LogRefusal(r, b.caller(label, cid))
	}
}
