package protocol

import (
	"encoding/binary"
	"math"
)

// ChunkHeaderBytes is the length of an upload chunk's header: its position.
const ChunkHeaderBytes = 8

// An upload chunk is the payload of one binary WebSocket message on /symetry/ws/upload
// (docs/uploads.md):
//
//	+------------------------------+------------------------------------------+
//	| position: uint64 big-endian  | the bytes of the file from position on   |
//	| 8 bytes                      | 1 or more bytes                          |
//	+------------------------------+------------------------------------------+
//
// The position is where the bytes go in the file, counted from 0; positions past
// math.MaxInt64 are refused here, positions past the file's size by the upload.

var (
	errChunkShort = &Error{Status: StatusBadRequest,
		Msg: "an upload chunk is an 8-byte big-endian position followed by the bytes; this binary message is shorter than 8 bytes"}
	errChunkEmpty = &Error{Status: StatusBadRequest,
		Msg: "an upload chunk holds no bytes after its 8-byte position"}
	errChunkPosition = &Error{Status: StatusBadRequest,
		Msg: "an upload chunk's position is past 2^63-1 bytes"}
)

// ParseChunk reads an upload chunk: its position and its bytes, which alias b. A message
// shorter than 9 bytes, or whose position and length pass math.MaxInt64, is refused with
// a BAD_REQUEST *Error. It allocates nothing.
func ParseChunk(b []byte) (pos int64, data []byte, err error) {
	switch {
	case len(b) < ChunkHeaderBytes:
		return 0, nil, errChunkShort
	case len(b) == ChunkHeaderBytes:
		return 0, nil, errChunkEmpty
	}
	p := binary.BigEndian.Uint64(b)
	data = b[ChunkHeaderBytes:]
	if p > math.MaxInt64-uint64(len(data)) {
		return 0, nil, errChunkPosition
	}
	return int64(p), data, nil
}

// AppendChunk appends the upload chunk of data at position pos (pos ≥ 0) to dst.
func AppendChunk(dst []byte, pos int64, data []byte) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uint64(pos))
	return append(dst, data...)
}
