package wsapi

import (
	"bytes"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/reply"
	"github.com/symscore/symscore/protocol"
)

// /symetry/ws/upload (docs/uploads.md): the first message is framed and signed, with
// extraKeys [uploadId] and the payload {}; it binds the upload and is answered with its
// size and the bytes received. Every later message is a binary chunk (protocol.ParseChunk),
// answered in order once durable, the next chunks read meanwhile (up to chunkQueueLen
// replies wait); a text message after the first is refused.

var (
	errUploadPayload = protocol.Errorf(protocol.StatusBadRequest,
		"the first message on /symetry/ws/upload has the payload {} (the upload is named by extraKeys [uploadId])")
	errUploadText = protocol.Errorf(protocol.StatusBadRequest,
		"after the first message, /symetry/ws/upload takes binary chunks only: an 8-byte big-endian position, then the bytes")
)

// bind handles the first message (verified): it binds the upload of the extra key and
// starts the goroutine that sends the replies of chunks awaiting durability.
func (s *session) bind(msg *protocol.Message, out []byte) ([]byte, protocol.Status, ws.StatusCode) {
	svc := s.e.svc
	if !bytes.Equal(bytes.TrimSpace(msg.Payload), []byte("{}")) {
		return s.refuse(out, svc.Refuse(errUploadPayload))
	}
	t, st, err := svc.BindUpload(s.b.cust, s.b.keys[0])
	if err != nil {
		return s.refuse(out, svc.Refuse(err))
	}
	s.target, s.bound = t, true
	s.replies = make(chan queuedReply, chunkQueueLen)
	s.peer.Go(s.sendReplies)
	return reply.AppendUploadBound(out, st), protocol.StatusOK, 0
}

// chunkQueueLen is how many chunk replies may wait for durability at once; the next chunk
// is not read before one is sent.
const chunkQueueLen = 16

// queuedReply is the reply of a chunk handed to sendReplies: a chunk awaiting
// durability, or a refusal that must come after the replies queued before it.
type queuedReply struct {
	tk      ops.ChunkTicket
	refusal *ops.Refusal
	start   time.Time
}

// chunk handles a message after the first: a binary chunk. It is written at once and
// answered once durable; its reply is sent here when nothing waits before it and it is
// durable already, else queued for sendReplies, which keeps the order of the chunks:
// meanwhile the next chunks are read and written, and share the fsyncs. Before an upload
// is bound, a binary message is a missing signature (the connection closes, 1008).
func (s *session) chunk(op ws.OpCode, payload, out []byte) ([]byte, protocol.Status, ws.StatusCode) {
	svc := s.e.svc
	switch {
	case !s.bound:
		return s.refuse(out, svc.RefuseAuth(ops.ReasonMalformed, errUnsignedFirst))
	case op != ws.OpBinary:
		return s.answer(out, svc.Refuse(errUploadText))
	}
	pos, data, err := protocol.ParseChunk(payload)
	if err != nil {
		return s.answer(out, svc.Refuse(err))
	}
	tk, err := svc.WriteChunkAsync(s.target, pos, data)
	if err != nil {
		return s.answer(out, svc.Refuse(err))
	}
	if tk.Durable() && s.queued.Load() == 0 {
		res, err := svc.AwaitChunk(s.target, tk) // returns at once
		if err != nil {
			return s.refuse(out, svc.Refuse(err))
		}
		return reply.AppendChunk(out, res), protocol.StatusOK, 0
	}
	s.queue(queuedReply{tk: tk, start: s.start})
	return out, 0, 0
}

// answer answers a refused chunk: here when no reply waits before it, else in its turn.
func (s *session) answer(out []byte, r *ops.Refusal) ([]byte, protocol.Status, ws.StatusCode) {
	if s.queued.Load() == 0 {
		return s.refuse(out, r)
	}
	s.queue(queuedReply{refusal: r, start: s.start})
	return out, 0, 0
}

// queue hands a reply to sendReplies; the message gets no reply of its own.
func (s *session) queue(r queuedReply) {
	s.queued.Add(1)
	s.deferred = true
	s.replies <- r
}

// sendReplies sends the queued replies in order, each once its chunk is durable, until
// the session closes (the queue is closed).
func (s *session) sendReplies() {
	svc := s.e.svc
	var out []byte
	broken := false
	for r := range s.replies {
		st := protocol.StatusOK
		if r.refusal == nil {
			res, err := svc.AwaitChunk(s.target, r.tk)
			if err != nil {
				r.refusal = svc.Refuse(err)
			} else {
				out = reply.AppendChunk(out[:0], res)
			}
		}
		if r.refusal != nil {
			st = r.refusal.Status
			out = reply.AppendRefusal(out[:0], r.refusal)
		}
		if !broken && s.peer.Send(ws.OpText, out) != nil {
			broken = true // the connection is ending: the rest is drained unsent
		}
		s.done(st, time.Since(r.start))
		s.queued.Add(-1)
	}
}
