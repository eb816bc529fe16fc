package server

import (
	"encoding/binary"

	"github.com/gobwas/ws"
)

// frameHeadroom is the room kept before a payload in message and reply buffers for the
// header of the server frame that carries it: 2, 4 or 10 bytes (server frames are never
// masked), written in place so that header and payload go out in one write.
const frameHeadroom = 10

// serverHeaderSize is the header length of an unmasked frame of n payload bytes.
func serverHeaderSize(n int) int {
	switch {
	case n <= 125:
		return 2
	case n <= 0xFFFF:
		return 4
	}
	return 10
}

// putServerHeader writes the header of a final, unmasked frame with opcode op and n payload
// bytes just before buf[at:] (at ≥ serverHeaderSize(n)) and returns the frame,
// buf[start : at+n].
func putServerHeader(buf []byte, at int, op ws.OpCode, n int) []byte {
	hs := serverHeaderSize(n)
	h := buf[at-hs : at]
	h[0] = 0x80 | byte(op)
	switch hs {
	case 2:
		h[1] = byte(n)
	case 4:
		h[1] = 126
		binary.BigEndian.PutUint16(h[2:], uint16(n))
	default:
		h[1] = 127
		binary.BigEndian.PutUint64(h[2:], uint64(n))
	}
	return buf[at-hs : at+n]
}
