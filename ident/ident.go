package ident

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// DefaultMaxBytes is the longest name or id when no other bound is given.
const DefaultMaxBytes = 256

// Errors wrapped by every refusal.
var (
	// ErrTooLong: the name or id is longer than the limit (limits.max_name_bytes).
	ErrTooLong = errors.New("ident: name too long")
	// ErrInvalid: the name or id is empty or holds a character the rule refuses.
	ErrInvalid = errors.New("ident: invalid name")
)

// Error is a refused name or id. Reason says what is wrong without quoting the input
// (callers quote at most 40 bytes of it next to the reason), e.g. "holds a newline
// (U+000A) at byte 3".
type Error struct {
	Reason string
	// Err is ErrTooLong or ErrInvalid.
	Err error
}

func (e *Error) Error() string { return e.Reason }

// Unwrap returns ErrTooLong or ErrInvalid.
func (e *Error) Unwrap() error { return e.Err }

// text is the type set of what is checked.
type text interface{ string | []byte }

// CheckName checks an attribute name or a partition value against the rule for names
// (package documentation) and the length max (≤ 0: DefaultMaxBytes). The error is an
// *Error.
func CheckName[T text](s T, max int) error { return check(s, max, false) }

// CheckID checks a project or model id against the rule for ids (package documentation)
// and the length max (≤ 0: DefaultMaxBytes). The error is an *Error.
func CheckID[T text](s T, max int) error { return check(s, max, true) }

func check[T text](s T, max int, id bool) error {
	if max <= 0 {
		max = DefaultMaxBytes
	}
	switch {
	case len(s) == 0:
		return &Error{Reason: "is empty", Err: ErrInvalid}
	case len(s) > max:
		return &Error{Reason: fmt.Sprintf("is %d bytes long; the limit is %d", len(s), max), Err: ErrTooLong}
	case id && (string(s) == "." || string(s) == ".."):
		return &Error{Reason: "is a relative path segment, not an id", Err: ErrInvalid}
	}
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			switch {
			case c < 0x20 || c == 0x7f:
				return refuse(rune(c), i)
			case c == '\\' && loneSurrogateEscape(s, i):
				return &Error{Reason: fmt.Sprintf("holds a lone surrogate escape (%s) at byte %d", s[i:i+6], i), Err: ErrInvalid}
			case id && c == ' ':
				return refuse(' ', i)
			case id && c == '/':
				return refuse('/', i)
			}
			i++
			continue
		}
		r, size := decodeRune(s, i)
		switch {
		case r == utf8.RuneError && size <= 1:
			return &Error{Reason: fmt.Sprintf("is not valid UTF-8 (byte %d is 0x%02x)", i, s[i]), Err: ErrInvalid}
		case refusedInNames(r):
			return refuse(r, i)
		case id && (unicode.IsSpace(r) || !unicode.IsPrint(r)):
			return refuse(r, i)
		}
		i += size
	}
	return nil
}

// refusedInNames reports whether r, a non-ASCII rune, is refused in every name.
func refusedInNames(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1 controls
		return true
	case r == 0x2028 || r == 0x2029: // line and paragraph separators
		return true
	case r >= 0x202a && r <= 0x202e: // bidi embeddings and overrides
		return true
	case r >= 0x2066 && r <= 0x2069: // bidi isolates
		return true
	case r == utf8.RuneError: // U+FFFD, the mark of input that was not valid
		return true
	}
	return false
}

// refuse describes the character r found at byte i.
func refuse(r rune, i int) error {
	what := "the character"
	switch {
	case r == ' ':
		what = "a space"
	case r == '/':
		what = "a '/'"
	case r == 0:
		what = "a NUL"
	case r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029 || r == 0x85:
		what = "a line break"
	case r == '\t':
		what = "a tab"
	case r < 0x20 || r >= 0x7f && r <= 0x9f:
		what = "a control character"
	case r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
		what = "a bidirectional control"
	case r == utf8.RuneError:
		what = "the replacement character"
	case unicode.IsSpace(r):
		what = "a space character"
	case !unicode.IsPrint(r):
		what = "the non-printable character"
	}
	return &Error{Reason: fmt.Sprintf("holds %s (%U) at byte %d", what, r, i), Err: ErrInvalid}
}

// loneSurrogateEscape reports whether s[i:] starts with the text of a surrogate escape,
// `\u` and four hex digits from D800 to DFFF (any case). s[i] is a backslash.
func loneSurrogateEscape[T text](s T, i int) bool {
	if len(s)-i < 6 || s[i+1] != 'u' || s[i+2]|0x20 != 'd' {
		return false
	}
	c := s[i+3] | 0x20
	return (c >= '8' && c <= '9' || c >= 'a' && c <= 'f') && isHex(s[i+4]) && isHex(s[i+5])
}

func isHex(c byte) bool {
	c |= 0x20
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f'
}

// decodeRune is utf8.DecodeRune for a string or a byte slice at s[i:], without
// converting either (which could allocate).
func decodeRune[T text](s T, i int) (rune, int) {
	n := len(s) - i
	c0 := s[i]
	switch {
	case c0 < utf8.RuneSelf:
		return rune(c0), 1
	case c0 < 0xc2 || c0 > 0xf4:
		return utf8.RuneError, 1
	case c0 < 0xe0:
		if n < 2 || !cont(s[i+1]) {
			return utf8.RuneError, 1
		}
		return rune(c0&0x1f)<<6 | rune(s[i+1]&0x3f), 2
	case c0 < 0xf0:
		lo, hi := byte(0x80), byte(0xbf)
		switch c0 {
		case 0xe0:
			lo = 0xa0 // no overlong forms
		case 0xed:
			hi = 0x9f // no surrogates
		}
		if n < 3 || s[i+1] < lo || s[i+1] > hi || !cont(s[i+2]) {
			return utf8.RuneError, 1
		}
		return rune(c0&0x0f)<<12 | rune(s[i+1]&0x3f)<<6 | rune(s[i+2]&0x3f), 3
	default:
		lo, hi := byte(0x80), byte(0xbf)
		switch c0 {
		case 0xf0:
			lo = 0x90 // no overlong forms
		case 0xf4:
			hi = 0x8f // nothing past U+10FFFF
		}
		if n < 4 || s[i+1] < lo || s[i+1] > hi || !cont(s[i+2]) || !cont(s[i+3]) {
			return utf8.RuneError, 1
		}
		return rune(c0&0x07)<<18 | rune(s[i+1]&0x3f)<<12 | rune(s[i+2]&0x3f)<<6 | rune(s[i+3]&0x3f), 4
	}
}

func cont(c byte) bool { return c&0xc0 == 0x80 }
