package ops

import (
	"errors"
	"time"

	"github.com/valyala/fastjson"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// Scratch is the scratch of one request: the SymetryML message parser, the DataFrame
// parser, the signature verifier and the prediction buffers. Take one with Service.Scratch
// for a request and give it back with Service.Release: an idle connection holds none.
// Used by one goroutine at a time; what it returns (messages, predictions) is valid until
// it is released or used again for the same kind of call.
type Scratch struct {
	svc  *Service
	msgs protocol.Parser
	df   dataframe.Parser
	ver  *auth.Verifier
	cust Customer        // the customer VerifyWSAt found last (the customers never change)
	json fastjson.Parser // subscription messages

	plan   model.Plan  // the plan of a Predict that brings none
	outs   []float64   // predictions, rows × outputs
	at     []int       // DataFrame row → scored row, or -1 when skipped
	row    []float64   // one matrix row being scored (PredictMatrix)
	preds  Predictions // the result of the last Predict
	matrix Matrix      // the result of the last PredictMatrix
}

func (s *Service) newScratch() *Scratch {
	return &Scratch{
		svc:  s,
		msgs: protocol.Parser{AllowLegacy: s.legacyFraming},
		ver:  auth.NewVerifier(s.keys, s.authOpt, s.replay),
	}
}

// maxKeptOutputs bounds the prediction buffer a released Scratch keeps (in floats): a rare
// huge predict frame's buffer is left to the garbage collector.
const maxKeptOutputs = 1 << 16

// Scratch takes a scratch from the service's pool.
func (s *Service) Scratch() *Scratch { return s.scratch.Get().(*Scratch) }

// Release gives sc back; neither it nor anything it returned may be used afterwards.
func (s *Service) Release(sc *Scratch) {
	if cap(sc.outs) > maxKeptOutputs {
		sc.outs, sc.at = nil, nil
	}
	sc.preds, sc.matrix = Predictions{}, Matrix{}
	s.scratch.Put(sc)
}

// ParseMessage parses a SymetryML WebSocket message: framed (header and payload) or a bare
// session frame. The message is valid until the next ParseMessage or the release of sc.
// Its error is a *protocol.Error (BAD_REQUEST with the byte offset); a transport that
// cannot read a client's first message refuses it with Service.RefuseAuth.
func (sc *Scratch) ParseMessage(b []byte) (*protocol.Message, error) { return sc.msgs.Parse(b) }

// VerifyWS checks a framed WebSocket message's signature (date window, MD5, HMAC, and the
// replay memory when req.Change, or for reads with auth.replay_predict) and returns the
// customer it acts for. An accepted signature is logged (accepted), so that a restart
// still refuses its replay.
// Errors are *Refusal: AuthFailed for a failed authentication, a replay's CONFLICT or a
// full replay memory's SERVICE_UNAVAILABLE otherwise; a bad signature carries the string
// to sign for debugging.
func (sc *Scratch) VerifyWS(req *auth.WSRequest) (Customer, error) {
	return sc.VerifyWSAt(req, sc.svc.now())
}

// VerifyWSAt is VerifyWS with the date window checked at arrived, a reading of time.Now
// the caller made when the message arrived (a transport that times its requests reads the
// clock anyway): the verification reads no clock of its own. A service given Options.Now
// checks at that clock's time instead.
func (sc *Scratch) VerifyWSAt(req *auth.WSRequest, arrived time.Time) (Customer, error) {
	if sc.svc.clock {
		arrived = sc.svc.now()
	}
	if err := sc.ver.VerifyWSAt(req, arrived); err != nil {
		r := sc.svc.refuseVerify(err)
		if errors.Is(err, auth.ErrBadSignature) {
			r.StringToSign = sc.ver.AppendStringToSignDebug(nil, req)
		}
		return Customer{}, r
	}
	c := sc.cust
	if c.id == "" || string(req.CID) != c.id {
		var ok bool
		c, ok = sc.svc.customers[string(req.CID)] // no allocation: a map index by converted key
		if !ok {
			return Customer{}, sc.svc.refuseVerify(auth.ErrUnknownCustomer)
		}
		sc.cust = c
	}
	if err := sc.accepted(c, req.Change); err != nil {
		return Customer{}, err
	}
	return c, nil
}

// CheckRESTHeaders checks what can be checked of a REST request before its body is read:
// the headers' presence and form, the date window, the customer. Errors are *Refusal.
func (sc *Scratch) CheckRESTHeaders(req *auth.RESTRequest) error {
	if err := sc.ver.CheckRESTHeaders(req); err != nil {
		return sc.svc.refuseVerify(err)
	}
	return nil
}

// VerifyREST checks a REST request's signature over its exact bytes (and the replay memory
// when req.Change) and returns the customer of its path, as VerifyWS does.
func (sc *Scratch) VerifyREST(req *auth.RESTRequest) (Customer, error) {
	if err := sc.ver.VerifyREST(req); err != nil {
		r := sc.svc.refuseVerify(err)
		if errors.Is(err, auth.ErrBadSignature) {
			r.StringToSign = sc.ver.AppendRESTStringToSignDebug(nil, req)
		}
		return Customer{}, r
	}
	c, ok := sc.svc.customers[req.CID]
	if !ok {
		return Customer{}, sc.svc.refuseVerify(auth.ErrUnknownCustomer)
	}
	if err := sc.accepted(c, req.Change); err != nil {
		return Customer{}, err
	}
	return c, nil
}

// accepted finishes a verification of customer c that passed: the signature of a change
// is logged with the change, and with auth.replay_predict that of a read on its own, with
// the customer, so that a restart still refuses their replays in the customer's share.
// When the log cannot take a change's, the request is refused (SERVICE_UNAVAILABLE):
// nothing is acknowledged that a restart would forget the signature of. A read's is kept
// when the log can take it (a failed log refuses every change until a restart; reads go
// on, and those answered meanwhile are remembered in memory only).
func (sc *Scratch) accepted(c Customer, change bool) error {
	switch {
	case change:
		key, date := sc.ver.Accepted()
		if err := sc.svc.recordSeen(c.id, key, date, false); err != nil {
			return sc.svc.Refuse(err)
		}
	case sc.svc.authOpt.ReplayReads:
		key, date := sc.ver.Accepted()
		sc.svc.recordSeen(c.id, key, date, true) // best effort: see above
	}
	return nil
}

// refuseVerify is the refusal of a failed verification: the table's, and an error the
// table does not know is a bad signature (an authentication failure, never a pass).
func (s *Service) refuseVerify(err error) *Refusal {
	r, _ := classify(err)
	if r.Reason == "" {
		s.log.Error("internal error in verification", "err", err)
		r = &Refusal{Status: protocol.StatusUnauthorized, Msg: "internal error", Reason: ReasonSignature, AuthFailed: true, err: err}
	}
	s.count(r, false)
	return r
}
