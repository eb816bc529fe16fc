package bench

import (
	"encoding/binary"

	"github.com/gobwas/ws"
)

// frameHeaderSize is the size of a frame header for a payload of n bytes.
func frameHeaderSize(n int, masked bool) int {
	size := 2
	switch {
	case n > 0xffff:
		size = 10
	case n > 125:
		size = 4
	}
	if masked {
		size += 4
	}
	return size
}

// appendFrameHeader appends a frame header to dst: final or not, opcode op, payload length
// n, and the masking key when mask is not nil (client frames). No extension bits are set.
func appendFrameHeader(dst []byte, fin bool, op ws.OpCode, n int, mask *[4]byte) []byte {
	b0 := byte(op)
	if fin {
		b0 |= 0x80
	}
	var maskBit byte
	if mask != nil {
		maskBit = 0x80
	}
	switch {
	case n > 0xffff:
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

// AppendClientFrame appends one final, masked text frame carrying payload to dst, as a
// WebSocket client sends it (RFC 6455 section 5.3). The load generator compiles every
// message once with it and then writes the same bytes repeatedly, one write per frame.
func AppendClientFrame(dst []byte, payload []byte, mask [4]byte) []byte {
	dst = appendFrameHeader(dst, true, ws.OpText, len(payload), &mask)
	start := len(dst)
	dst = append(dst, payload...)
	ws.Cipher(dst[start:], mask, 0)
	return dst
}
