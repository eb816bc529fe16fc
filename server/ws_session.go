package server

import (
	"errors"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/protocol"
)

// symEndpoint serves /symetry/ws/learn, /forget or /predict (ep says which).
type symEndpoint struct {
	svc *service
	ep  int
}

func (e *symEndpoint) newSession(info *upgradeInfo) wsSession {
	return &symSession{svc: e.svc, ep: e.ep, info: info}
}

// wsEndpoints returns the WebSocket endpoints of the main listener by path.
func (s *Server) wsEndpoints() map[string]wsEndpoint {
	if s.svc == nil {
		return map[string]wsEndpoint{}
	}
	return map[string]wsEndpoint{
		"/symetry/ws/learn":   &symEndpoint{svc: s.svc, ep: epWSLearn},
		"/symetry/ws/forget":  &symEndpoint{svc: s.svc, ep: epWSForget},
		"/symetry/ws/predict": &symEndpoint{svc: s.svc, ep: epWSPredict},
	}
}

// symSession is one connection's session (PROTOCOL.md 1.1): the first framed message that
// verifies binds the customer and the extraKeys; bare session frames then act for them. A
// later framed message verifies anew and rebinds (empty extraKeys keep the bound ones). It
// holds no buffer between messages: the scratch of a message comes from the service's pool.
type symSession struct {
	svc  *service
	ep   int
	info *upgradeInfo

	authed bool        // a framed message has verified on this connection
	cid    string      // bound customer
	keys   []string    // bound extraKeys: [pid] or [pid, modelId]; nil until bound
	pl     predictPlan // predict: the last message's plan, reused while its model and columns stay
}

// wantKeys is the number of extraKeys of each endpoint.
var wantKeys = [numWSEndpoints]int{epWSLearn: 1, epWSForget: 1, epWSPredict: 2}

func (s *symSession) handleMessage(op ws.OpCode, payload, reply []byte) ([]byte, ws.OpCode, ws.StatusCode) {
	start := time.Now()
	out, st, closeCode := s.handle(op, payload, reply)
	s.svc.metrics.wsDone(s.ep, st, time.Since(start))
	return out, ws.OpText, closeCode
}

func (s *symSession) handle(op ws.OpCode, payload, reply []byte) ([]byte, protocol.Status, ws.StatusCode) {
	if op != ws.OpText {
		return s.fail(reply, protocol.StatusBadRequest, "messages are text frames; a binary frame is not a SymetryML message", 0)
	}
	w := s.svc.getWorker()
	defer s.svc.putWorker(w)
	msg, err := w.msgs.Parse(payload)
	if err != nil {
		// The header cannot be read: authentication fails.
		s.svc.metrics.authFailure(reasonMalformed)
		st, text := s.svc.status(err)
		return s.fail(reply, st, text, ws.StatusPolicyViolation)
	}
	if msg.Form == protocol.FormSession {
		switch {
		case !s.authed:
			s.svc.metrics.authFailure(reasonMalformed)
			return s.fail(reply, protocol.StatusBadRequest, "missing authentication header: the first message of a connection must be framed and signed (<N>,<header><payload>)", ws.StatusPolicyViolation)
		case s.svc.cfg.Auth.SignedFramesOnly:
			s.svc.metrics.authFailure(reasonMalformed)
			return s.fail(reply, protocol.StatusBadRequest, "missing authentication header: this server requires every message to be signed (auth.signed_frames_only)", ws.StatusPolicyViolation)
		}
	} else if out, st, closeCode, ok := s.verify(w, msg, reply); !ok {
		return out, st, closeCode
	}
	if s.keys == nil {
		return s.fail(reply, protocol.StatusBadRequest, s.keysHelp(), 0)
	}
	switch s.ep {
	case epWSPredict:
		return s.predict(w, msg.Payload, reply)
	default:
		return s.learn(w, msg.Payload, reply)
	}
}

// verify checks a framed message's signature and binds the session. ok is false when the
// message was refused; out, st and closeCode are then the reply.
func (s *symSession) verify(w *worker, msg *protocol.Message, reply []byte) (out []byte, st protocol.Status, closeCode ws.StatusCode, ok bool) {
	req := auth.WSRequest{
		Date: msg.Date, MD5: msg.MD5, Signature: msg.Signature, CID: msg.CID,
		Payload: msg.Payload, ExtraKeys: msg.ExtraKeys,
		Scheme: s.info.scheme, Host: s.info.host, Path: s.info.path,
		Change: s.ep != epWSPredict,
	}
	if err := w.ver.VerifyWS(&req); err != nil {
		st, reason, closes := authFailure(err)
		s.svc.metrics.authFailure(reason)
		_, text := s.svc.status(err)
		if closes {
			closeCode = ws.StatusPolicyViolation
			s.authed, s.keys = false, nil
		}
		if errors.Is(err, auth.ErrBadSignature) {
			out = protocol.AppendEnvelopeOpen(reply, st, text)
			out = protocol.AppendStringToSignValue(out, w.ver.AppendStringToSignDebug(nil, &req))
			return protocol.AppendEnvelopeClose(out), st, closeCode, false
		}
		out, st, closeCode = s.fail(reply, st, text, closeCode)
		return out, st, closeCode, false
	}
	if req.Change {
		// Kept with the change that follows, so that a restart still refuses a replay.
		s.svc.store.RecordSeen(w.ver.Accepted())
	}
	s.authed = true
	if s.cid != string(msg.CID) {
		s.cid = string(msg.CID)
	}
	if len(msg.ExtraKeys) == 0 {
		return nil, 0, 0, true // keep the bound keys, if any
	}
	if len(msg.ExtraKeys) != wantKeys[s.ep] {
		s.keys = nil
		out, st, closeCode = s.fail(reply, protocol.StatusBadRequest, s.keysHelp(), 0)
		return out, st, closeCode, false
	}
	if !sameKeys(s.keys, msg.ExtraKeys) {
		keys := make([]string, len(msg.ExtraKeys))
		for i, k := range msg.ExtraKeys {
			keys[i] = string(k)
		}
		s.keys = keys
	}
	return nil, 0, 0, true
}

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

// keysHelp says which extraKeys the endpoint needs.
func (s *symSession) keysHelp() string {
	if s.ep == epWSPredict {
		return `extraKeys must be [projectId, modelId] on /symetry/ws/predict (once per connection; empty later)`
	}
	return `extraKeys must be [projectId] on /symetry/ws/learn and /symetry/ws/forget (once per connection; empty later)`
}

// fail appends an error reply.
func (s *symSession) fail(reply []byte, st protocol.Status, text string, closeCode ws.StatusCode) ([]byte, protocol.Status, ws.StatusCode) {
	return protocol.AppendReply(reply, st, text), st, closeCode
}

// refuse answers a message the server had no capacity for.
func (s *symSession) refuse(_ ws.OpCode, _, reply []byte) ([]byte, ws.OpCode, ws.StatusCode) {
	s.svc.metrics.wsDone(s.ep, protocol.StatusServiceUnavailable, 0)
	return protocol.AppendReply(reply, protocol.StatusServiceUnavailable, "server busy: too many requests in flight (limits.max_inflight); retry"), ws.OpText, 0
}

// trusted reports whether a framed message has verified on this connection.
func (s *symSession) trusted() bool { return s.authed }

func (s *symSession) close() {}
