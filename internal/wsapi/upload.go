package wsapi

import (
	"bytes"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/reply"
	"github.com/symscore/symscore/protocol"
)

// /symetry/ws/upload (docs/uploads.md): the first message is framed and signed, with
// extraKeys [uploadId] and the payload {}; it binds the upload and is answered with its
// size and the bytes received. Every later message is a binary chunk (protocol.ParseChunk),
// answered in order once durable; a text message after the first is refused.

var (
	errUploadPayload = protocol.Errorf(protocol.StatusBadRequest,
		"the first message on /symetry/ws/upload has the payload {} (the upload is named by extraKeys [uploadId])")
	errUploadText = protocol.Errorf(protocol.StatusBadRequest,
		"after the first message, /symetry/ws/upload takes binary chunks only: an 8-byte big-endian position, then the bytes")
)

// bind handles the first message (verified): it binds the upload of the extra key.
func (s *session) bind(msg *protocol.Message, out []byte) ([]byte, protocol.Status, ws.StatusCode) {
	svc := s.e.svc
	if !bytes.Equal(bytes.TrimSpace(msg.Payload), []byte("{}")) {
		return s.refuse(out, svc.Refuse(errUploadPayload))
	}
	t, st, err := svc.BindUpload(s.cust, s.keys[0])
	if err != nil {
		return s.refuse(out, svc.Refuse(err))
	}
	s.target, s.bound = t, true
	return reply.AppendUploadBound(out, st), protocol.StatusOK, 0
}

// chunk handles a message after the first: a binary chunk, written and answered once
// durable. Before an upload is bound, a binary message is a missing signature (the
// connection closes, 1008).
func (s *session) chunk(op ws.OpCode, payload, out []byte) ([]byte, protocol.Status, ws.StatusCode) {
	svc := s.e.svc
	switch {
	case !s.bound:
		return s.refuse(out, svc.RefuseAuth(ops.ReasonMalformed, errUnsignedFirst))
	case op != ws.OpBinary:
		return s.refuse(out, svc.Refuse(errUploadText))
	}
	pos, data, err := protocol.ParseChunk(payload)
	if err != nil {
		return s.refuse(out, svc.Refuse(err))
	}
	res, err := svc.WriteChunk(s.target, pos, data)
	if err != nil {
		return s.refuse(out, svc.Refuse(err))
	}
	return reply.AppendChunk(out, res), protocol.StatusOK, 0
}
