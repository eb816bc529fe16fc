package wsframe

import (
	"encoding/binary"

	"github.com/gobwas/ws"
)

// MaxServerHeader is the longest header of an unmasked (server) frame: the room a buffer
// keeps before a payload so that PutServerHeader can write the header in place and header
// and payload go out in one write.
const MaxServerHeader = 10

// HeaderSize is the length of the header of a frame of n payload bytes, masked (client)
// or not (server).
func HeaderSize(n int, masked bool) int {
	size := 2
	switch {
	case n > 0xFFFF:
		size = 10
	case n > 125:
		size = 4
	}
	if masked {
		size += 4
	}
	return size
}

// AppendHeader appends a frame header to dst: final or not, opcode op, n payload bytes, and
// the masking key when mask is not nil (client frames). No reserved bit is set.
func AppendHeader(dst []byte, fin bool, op ws.OpCode, n int, mask *[4]byte) []byte {
	b0 := byte(op) & 0x0F
	if fin {
		b0 |= 0x80
	}
	var maskBit byte
	if mask != nil {
		maskBit = 0x80
	}
	switch {
	case n > 0xFFFF:
		dst = append(dst, b0, maskBit|127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(n))
	case n > 125:
		dst = append(dst, b0, maskBit|126)
		dst = binary.BigEndian.AppendUint16(dst, uint16(n))
	default:
		dst = append(dst, b0, maskBit|byte(n))
	}
	if mask != nil {
		dst = append(dst, mask[:]...)
	}
	return dst
}

// PutServerHeader writes the header of a final, unmasked frame with opcode op and n payload
// bytes just before buf[at:] (at ≥ HeaderSize(n, false); MaxServerHeader always fits) and
// returns the whole frame, buf[start : at+n]. buf's payload bytes are not touched.
func PutServerHeader(buf []byte, at int, op ws.OpCode, n int) []byte {
	start := at - HeaderSize(n, false)
	AppendHeader(buf[start:start], true, op, n, nil)
	return buf[start : at+n]
}

// AppendClientFrame appends one final frame with opcode op carrying payload, masked with
// mask, as a client sends it (RFC 6455 section 5.3).
func AppendClientFrame(dst []byte, op ws.OpCode, payload []byte, mask [4]byte) []byte {
	dst = AppendHeader(dst, true, op, len(payload), &mask)
	start := len(dst)
	dst = append(dst, payload...)
	ws.Cipher(dst[start:], mask, 0)
	return dst
}
