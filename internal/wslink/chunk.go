package wslink

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ChunkHeaderLen is the length of the header that starts every binary frame of wslink 2.x:
// the message id, the chunk's offset in the message and the message's size, each a
// little-endian uint32.
const ChunkHeaderLen = 12

// ChunkHeader is the header of one chunk.
type ChunkHeader struct {
	// ID identifies the message the chunk belongs to (random per message).
	ID uint32
	// Offset is where the chunk's bytes go in the message.
	Offset uint32
	// Size is the message's total size.
	Size uint32
}

// Errors of chunks and their reassembly. A stream that yields one cannot be read further.
var (
	// ErrChunk: a chunk is malformed (short header, bytes past the message's size, a size
	// that differs from the message's first chunk, bytes sent twice) or the chunks of a
	// message are too scattered.
	ErrChunk = errors.New("wslink: malformed chunk")
	// ErrTooBig: a message, or the messages being reassembled together, would pass the
	// bound on message bytes.
	ErrTooBig = errors.New("wslink: message too big")
	// ErrBusy: the budget of bytes held before authentication has no room for the message.
	ErrBusy = errors.New("wslink: too many unverified bytes in flight")
)

// ParseChunk splits a binary frame into its header and its bytes (aliasing frame), checking
// that the bytes fit in the message (Offset + len ≤ Size) and that the message is not empty.
func ParseChunk(frame []byte) (ChunkHeader, []byte, error) {
	if len(frame) < ChunkHeaderLen {
		return ChunkHeader{}, nil, fmt.Errorf("%w: a binary frame of %d bytes, shorter than the %d-byte chunk header", ErrChunk, len(frame), ChunkHeaderLen)
	}
	h := ChunkHeader{
		ID:     binary.LittleEndian.Uint32(frame),
		Offset: binary.LittleEndian.Uint32(frame[4:]),
		Size:   binary.LittleEndian.Uint32(frame[8:]),
	}
	body := frame[ChunkHeaderLen:]
	switch {
	case h.Size == 0:
		return h, nil, fmt.Errorf("%w: message %d has size 0", ErrChunk, h.ID)
	case uint64(h.Offset)+uint64(len(body)) > uint64(h.Size):
		return h, nil, fmt.Errorf("%w: message %d: %d bytes at offset %d pass its size %d", ErrChunk, h.ID, len(body), h.Offset, h.Size)
	case len(body) == 0:
		return h, nil, fmt.Errorf("%w: message %d: a chunk with no bytes", ErrChunk, h.ID)
	}
	return h, body, nil
}

// AppendChunkHeader appends the header of a chunk.
func AppendChunkHeader(dst []byte, h ChunkHeader) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, h.ID)
	dst = binary.LittleEndian.AppendUint32(dst, h.Offset)
	return binary.LittleEndian.AppendUint32(dst, h.Size)
}

// PutChunkHeader writes the header of a one-chunk message of size bytes into
// dst[:ChunkHeaderLen].
func PutChunkHeader(dst []byte, id uint32, size int) {
	binary.LittleEndian.PutUint32(dst, id)
	binary.LittleEndian.PutUint32(dst[4:], 0)
	binary.LittleEndian.PutUint32(dst[8:], uint32(size))
}
