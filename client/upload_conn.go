package client

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/wsframe"
	"github.com/symscore/symscore/protocol"
)

// UploadConn is one WebSocket connection to /symetry/ws/upload, bound to one upload: its
// first message (signed) named the upload, every later one is a binary chunk. Chunks are
// pipelined like a Session's messages, and each Pending resolves when the server has
// made the chunk durable. An upload may have several UploadConns at once. Safe for
// concurrent use; Close it when done.
type UploadConn struct {
	s *Session
	// Size and Received are the upload's size and the bytes the server had received when
	// the connection was opened.
	Size, Received int64
}

// OpenUpload opens a connection to upload id's chunks. ctx bounds the handshake and the
// first message's reply.
func (c *Client) OpenUpload(ctx context.Context, id string) (*UploadConn, error) {
	s, err := c.OpenSession(ctx, pathUpload, id)
	if err != nil {
		return nil, err
	}
	r, err := s.Do(ctx, []byte("{}"))
	if err != nil {
		s.Close()
		return nil, err
	}
	var v struct {
		Size     int64 `json:"size"`
		Received int64 `json:"received"`
	}
	if err := json.Unmarshal(r.Values, &v); err != nil {
		s.Close()
		return nil, fmt.Errorf("upload %s: reply values %s: %v", id, clip(r.Values), err)
	}
	return &UploadConn{s: s, Size: v.Size, Received: v.Received}, nil
}

// ChunkAck is what the server says of a chunk: where it went, its length, and the
// distinct bytes the upload has received so far.
type ChunkAck struct {
	Position, Length, Received int64
}

// Send writes the chunk data at position pos (one binary frame) and returns its Pending
// reply without waiting; data is copied before Send returns. ChunkAckOf reads the reply.
func (u *UploadConn) Send(pos int64, data []byte) *Pending {
	s := u.s
	return s.enqueue(func() error {
		mask := ws.NewMask()
		s.wbuf = wsframe.AppendHeader(s.wbuf[:0], true, ws.OpBinary, protocol.ChunkHeaderBytes+len(data), &mask)
		start := len(s.wbuf)
		s.wbuf = protocol.AppendChunk(s.wbuf, pos, data)
		ws.Cipher(s.wbuf[start:], mask, 0)
		return s.writeLocked()
	})
}

// ChunkAckOf reads the reply of a chunk.
func ChunkAckOf(r *Reply) (ChunkAck, error) {
	var v struct {
		Position int64 `json:"position"`
		Length   int64 `json:"length"`
		Received int64 `json:"received"`
	}
	if err := json.Unmarshal(r.Values, &v); err != nil {
		return ChunkAck{}, fmt.Errorf("chunk reply values %s: %v", clip(r.Values), err)
	}
	return ChunkAck(v), nil
}

// InFlight is the number of chunks sent whose reply has not arrived.
func (u *UploadConn) InFlight() int { return u.s.InFlight() }

// Close waits for the replies in flight and closes the connection (Session.Close).
func (u *UploadConn) Close() error { return u.s.Close() }
