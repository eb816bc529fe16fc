package protocol

import "unicode/utf8"

// maxScanDepth bounds the nesting the scanner follows; deeper input is refused.
const maxScanDepth = 64

// scanner is a strict JSON (RFC 8259) syntax checker that knows where it stopped. It finds
// the end of a JSON value and, on bad input, the byte offset and a description of the first
// error — which fastjson does not report. It never allocates and never recurses deeper than
// maxScanDepth.
type scanner struct {
	b    []byte
	pos  int
	what string // first error, "" if none
}

// scanValue checks the JSON value that starts exactly at b[off] (no leading whitespace) and
// returns the offset just after it. On error it returns ok == false, the offset of the
// error and what was wrong.
func scanValue(b []byte, off int) (end int, ok bool, what string) {
	s := scanner{b: b, pos: off}
	if !s.value(0) {
		return s.pos, false, s.what
	}
	return s.pos, true, ""
}

func (s *scanner) fail(what string) bool {
	s.what = what
	return false
}

func (s *scanner) skipWS() {
	for s.pos < len(s.b) {
		switch s.b[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *scanner) value(depth int) bool {
	if s.pos >= len(s.b) {
		return s.fail("unexpected end, expected a JSON value")
	}
	switch c := s.b[s.pos]; {
	case c == '{':
		return s.object(depth + 1)
	case c == '[':
		return s.array(depth + 1)
	case c == '"':
		return s.string()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	default:
		return s.fail("expected a JSON value")
	}
}

func (s *scanner) object(depth int) bool {
	if depth > maxScanDepth {
		return s.fail("JSON nested too deep")
	}
	s.pos++ // '{'
	s.skipWS()
	if s.pos < len(s.b) && s.b[s.pos] == '}' {
		s.pos++
		return true
	}
	for {
		if s.pos >= len(s.b) || s.b[s.pos] != '"' {
			return s.fail(`expected '"' starting an object key`)
		}
		if !s.string() {
			return false
		}
		s.skipWS()
		if s.pos >= len(s.b) || s.b[s.pos] != ':' {
			return s.fail("expected ':' after an object key")
		}
		s.pos++
		s.skipWS()
		if !s.value(depth) {
			return false
		}
		s.skipWS()
		if s.pos >= len(s.b) {
			return s.fail("unexpected end, expected ',' or '}'")
		}
		switch s.b[s.pos] {
		case ',':
			s.pos++
			s.skipWS()
		case '}':
			s.pos++
			return true
		default:
			return s.fail("expected ',' or '}' in an object")
		}
	}
}

func (s *scanner) array(depth int) bool {
	if depth > maxScanDepth {
		return s.fail("JSON nested too deep")
	}
	s.pos++ // '['
	s.skipWS()
	if s.pos < len(s.b) && s.b[s.pos] == ']' {
		s.pos++
		return true
	}
	for {
		if !s.value(depth) {
			return false
		}
		s.skipWS()
		if s.pos >= len(s.b) {
			return s.fail("unexpected end, expected ',' or ']'")
		}
		switch s.b[s.pos] {
		case ',':
			s.pos++
			s.skipWS()
		case ']':
			s.pos++
			return true
		default:
			return s.fail("expected ',' or ']' in an array")
		}
	}
}

// strPlain[c] is true for the bytes a string holds as they are: printable ASCII but '"'
// and '\\'.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// string checks a string starting at its opening quote: escapes, no raw control
// characters, valid UTF-8.
func (s *scanner) string() bool {
	b := s.b
	i := s.pos + 1 // after '"'
	for {
		for i < len(b) && strPlain[b[i]] {
			i++
		}
		if i >= len(b) {
			s.pos = i
			return s.fail("unexpected end, unterminated string")
		}
		switch c := b[i]; {
		case c == '"':
			s.pos = i + 1
			return true
		case c == '\\':
			if i+1 >= len(b) {
				s.pos = i
				return s.fail("unexpected end in a string escape")
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					s.pos = i
					return s.fail(`bad \u escape, expected 4 hex digits`)
				}
				i += 6
			default:
				s.pos = i
				return s.fail("bad escape in a string")
			}
		case c < 0x20:
			s.pos = i
			return s.fail("raw control character in a string")
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size <= 1 {
				s.pos = i
				return s.fail("invalid UTF-8 in a string")
			}
			i += size
		}
	}
}

func (s *scanner) literal(lit string) bool {
	if len(s.b)-s.pos < len(lit) || string(s.b[s.pos:s.pos+len(lit)]) != lit {
		return s.fail("expected a JSON value")
	}
	s.pos += len(lit)
	return true
}

func (s *scanner) number() bool {
	if s.b[s.pos] == '-' {
		s.pos++
	}
	if s.pos >= len(s.b) || !isDigit(s.b[s.pos]) {
		return s.fail("expected a digit in a number")
	}
	if s.b[s.pos] == '0' {
		s.pos++
	} else {
		s.digits()
	}
	if s.pos < len(s.b) && s.b[s.pos] == '.' {
		s.pos++
		if s.pos >= len(s.b) || !isDigit(s.b[s.pos]) {
			return s.fail("expected a digit after '.' in a number")
		}
		s.digits()
	}
	if s.pos < len(s.b) && (s.b[s.pos] == 'e' || s.b[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.b) && (s.b[s.pos] == '+' || s.b[s.pos] == '-') {
			s.pos++
		}
		if s.pos >= len(s.b) || !isDigit(s.b[s.pos]) {
			return s.fail("expected a digit in a number's exponent")
		}
		s.digits()
	}
	return true
}

func (s *scanner) digits() {
	for s.pos < len(s.b) && isDigit(s.b[s.pos]) {
		s.pos++
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
