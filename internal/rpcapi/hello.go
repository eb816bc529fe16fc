package rpcapi

import (
	"encoding/hex"
	"math/rand/v2"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/wsframe"
	"github.com/symscore/symscore/internal/wslink"
	"github.com/symscore/symscore/protocol"
)

// The hello's refusals that are not the verifier's.
var (
	errHelloArgs = protocol.Errorf(protocol.StatusBadRequest,
		`wslink.hello takes one argument, {"secret":"<a signed SymetryML message>"}`)
	errHelloUnsigned = protocol.Errorf(protocol.StatusBadRequest,
		"the secret must be a framed, signed SymetryML message: <N>,<header><payload>")
	errHelloPayload = protocol.Errorf(protocol.StatusBadRequest,
		"the secret's signed payload must be {} and its extraKeys []")
)

// hello authenticates the connection (docs/rpc.md 3): the secret is a SymetryML framed,
// signed message with payload {} and no extraKeys, signed for this endpoint's URL; it is
// verified like the first message of any WebSocket endpoint, and its signature remembered
// like a change's (logged, so that a restart still refuses its replay). Any refusal is
// -32000 and closes the connection with 1008. A second hello on a connection verifies
// anew: it may rebind the customer, and a failure ends the connection.
func (s *session) hello(env *wslink.Envelope, reply []byte, busy bool) ([]byte, ws.OpCode, ws.StatusCode) {
	if busy {
		s.e.m[""].Done(statusUnavailable, 0)
		out, op, _ := s.replyRefusal(reply, env.ID, busyRefusal)
		return out, op, wsframe.StatusTryAgainLater
	}
	cid, r := s.verifyHello(env)
	if r != nil {
		s.e.m[""].Done(r.Status, 0)
		s.e.svc.LogRefusal(r, ops.Caller{Remote: s.info.RemoteAddr, Endpoint: "rpc", CID: cid})
		s.authed = false
		out, op, _ := s.replyError(reply, env.ID, CodeAuth, "Authentication failed", r.Msg)
		return out, op, ws.StatusPolicyViolation
	}
	if !s.authed {
		s.authed = true
		s.client = newClientID()
		s.reasm.SetMax(s.e.o.MaxMessageBytes)
	}
	s.e.m[""].Done(protocol.StatusOK, 0)
	return s.replyValue(reply, env.ID, func(e *wslink.Encoder) {
		e.Map(2)
		e.Key("clientID")
		e.Str(s.client)
		e.Key("maxMsgSize")
		e.Int(s.e.o.MaxChunkBytes)
		e.End()
	})
}

// verifyHello checks the hello's argument and secret and binds the customer; it returns
// the customer id the secret names ("" when it cannot be read) and the refusal of a hello
// that does not verify.
func (s *session) verifyHello(env *wslink.Envelope) (string, *ops.Refusal) {
	svc := s.e.svc
	secret, ok := helloSecret(env.Args)
	if !ok {
		return "", svc.RefuseAuth(ops.ReasonMalformed, errHelloArgs)
	}
	sc := svc.Scratch()
	defer svc.Release(sc)
	msg, err := sc.ParseMessage(secret)
	if err != nil {
		return "", svc.RefuseAuth(ops.ReasonMalformed, err)
	}
	cid := string(msg.CID)
	if msg.Form == protocol.FormSession {
		return cid, svc.RefuseAuth(ops.ReasonMalformed, errHelloUnsigned)
	}
	if string(msg.Payload) != "{}" || len(msg.ExtraKeys) != 0 {
		return cid, svc.RefuseAuth(ops.ReasonMalformed, errHelloPayload)
	}
	c, err := sc.VerifyWS(&auth.WSRequest{
		Date: msg.Date, MD5: msg.MD5, Signature: msg.Signature, CID: msg.CID, Payload: msg.Payload,
		Scheme: s.info.Scheme, Host: s.info.Host, Path: s.info.Path,
		Change: true, // a hello opens a session that may change state: never twice
	})
	if err != nil {
		return cid, svc.Refuse(err)
	}
	s.cust = c
	return cid, nil
}

// helloSecret is the secret of wslink.hello's one argument, {"secret":"..."}.
func helloSecret(args []wslink.Value) ([]byte, bool) {
	if len(args) != 1 || args[0].Kind() != wslink.KindMap || args[0].Len() != 1 {
		return nil, false
	}
	ms, _ := args[0].AppendMembers(nil)
	if string(ms[0].Key) != "secret" {
		return nil, false
	}
	return ms[0].Val.Str()
}

// newClientID is "c" and 16 random hex digits: letters and digits, as wslink's client
// requires of ids.
func newClientID() string {
	var b [8]byte
	for i := range b {
		b[i] = byte(rand.Uint32())
	}
	return "c" + hex.EncodeToString(b[:])
}
