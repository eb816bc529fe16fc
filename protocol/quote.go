package protocol

import "unicode/utf8"

// maxQuote is the most bytes of client input an error message quotes.
const maxQuote = 40

// quote returns at most maxQuote bytes of b starting at off, in double quotes, followed by
// "..." when b goes on. The quote is safe to embed anywhere: '"' and '\\' are escaped,
// control characters (C0, DEL, C1, U+2028/U+2029) are written as \u00XX / \u2028, and a byte
// that is not valid UTF-8 as \ufffd. The result is itself a valid JSON string literal.
// Error paths only: it allocates.
func quote(b []byte, off int) string {
	if off < 0 || off > len(b) {
		off = len(b)
	}
	s := b[off:]
	more := len(s) > maxQuote
	if more {
		s = s[:maxQuote]
	}
	out := make([]byte, 0, len(s)+8)
	out = append(out, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			if c == '"' || c == '\\' {
				out = append(out, '\\')
			}
			out = append(out, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			out = append(out, `\ufffd`...)
		case r < 0xa0: // C0, DEL and C1 controls
			out = append(out, '\\', 'u', '0', '0', hexDigits[r>>4], hexDigits[r&0xf])
		case r == '\u2028' || r == '\u2029':
			out = append(out, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			out = append(out, s[i:i+size]...)
		}
		i += size
	}
	out = append(out, '"')
	if more {
		out = append(out, "..."...)
	}
	return string(out)
}

// badRequest returns a BAD_REQUEST *Error: what went wrong at byte off of msg, quoting msg
// from there.
func badRequest(msg []byte, off int, what string) *Error {
	return Errorf(StatusBadRequest, "%s at byte %d: %s", what, off, quote(msg, off))
}
