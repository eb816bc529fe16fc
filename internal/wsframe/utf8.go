package wsframe

import "unicode/utf8"

// UTF8Validator checks the text of a message as it arrives, chunk by chunk, so that
// invalid UTF-8 is refused at the chunk that makes it invalid rather than at the end of the
// message (RFC 6455 section 8.1: fail fast). A sequence cut by a chunk or fragment boundary
// is carried to the next chunk (at most 3 bytes) and refused as soon as its first bytes
// cannot begin any valid sequence. The zero value is ready; one per connection, not safe
// for concurrent use.
type UTF8Validator struct {
	carry [utf8.UTFMax]byte
	n     int // bytes in carry
}

// Reset forgets any carried bytes (start of a new message).
func (v *UTF8Validator) Reset() { v.n = 0 }

// Complete reports whether the text fed so far ends on a sequence boundary.
func (v *UTF8Validator) Complete() bool { return v.n == 0 }

// Feed reports whether the text fed so far, followed by p, is valid UTF-8 or a prefix of
// valid UTF-8.
func (v *UTF8Validator) Feed(p []byte) bool {
	if v.n > 0 {
		need := seqLen(v.carry[0])
		for v.n < need && len(p) > 0 {
			v.carry[v.n] = p[0]
			v.n++
			p = p[1:]
		}
		if v.n < need {
			return validPrefix(v.carry[:v.n])
		}
		if !utf8.Valid(v.carry[:need]) {
			return false
		}
		v.n = 0
	}
	k := incompleteTail(p)
	if !utf8.Valid(p[:len(p)-k]) {
		return false
	}
	if k > 0 {
		tail := p[len(p)-k:]
		if !validPrefix(tail) {
			return false
		}
		v.n = copy(v.carry[:], tail)
	}
	return true
}

// seqLen is the length of the sequence that lead byte b starts, or 0 when b cannot start a
// multi-byte sequence (ASCII, continuation byte, C0, C1, F5–FF).
func seqLen(b byte) int {
	switch {
	case b >= 0xC2 && b <= 0xDF:
		return 2
	case b >= 0xE0 && b <= 0xEF:
		return 3
	case b >= 0xF0 && b <= 0xF4:
		return 4
	}
	return 0
}

// incompleteTail returns the length of the multi-byte sequence that p ends inside of (its
// lead byte is among the last 3 bytes and it needs more bytes than p has left), or 0.
func incompleteTail(p []byte) int {
	for i := len(p) - 1; i >= 0 && i >= len(p)-3; i-- {
		b := p[i]
		if b < 0x80 {
			return 0
		}
		if b >= 0xC0 {
			if n := seqLen(b); n > len(p)-i {
				return len(p) - i
			}
			return 0
		}
	}
	return 0
}

// validPrefix reports whether b, shorter than the sequence its lead byte starts, can be
// completed into a valid sequence (Unicode Table 3-7: no overlong forms, no surrogates,
// nothing above U+10FFFF).
func validPrefix(b []byte) bool {
	if len(b) == 0 || len(b) >= seqLen(b[0]) {
		return false
	}
	for i := 1; i < len(b); i++ {
		lo, hi := byte(0x80), byte(0xBF)
		if i == 1 {
			switch b[0] {
			case 0xE0:
				lo = 0xA0
			case 0xED:
				hi = 0x9F
			case 0xF0:
				lo = 0x90
			case 0xF4:
				hi = 0x8F
			}
		}
		if b[i] < lo || b[i] > hi {
			return false
		}
	}
	return true
}
