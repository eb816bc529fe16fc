package dataframe

import (
	"unicode/utf8"

	"github.com/symscore/symscore/jsonstrict"
)

// JSON scanning for the fast path (parse_fast.go). Every function here accepts a subset of
// what fastjson accepts, reads it as fastjson reads it, and reports false on anything else;
// Parse then hands the payload to fastjson (parseReference). Positions are indexes into
// the payload.
//
// What fastjson accepts and these functions follow:
//   - whitespace is ' ', '\t', '\n', '\r';
//   - a string runs to the first '"' not escaped by a backslash; its bytes are not checked
//     (control characters and invalid UTF-8 pass: names are judged by package ident);
//     its escapes must be those jsonstrict.EscapeLen accepts, which parseReference checks
//     too (fastjson itself keeps unknown escapes and lone surrogates as text);
//   - a number is a run of [0-9.eE+-] other than a lone sign, checked only by whoever
//     reads it (fastjson also takes "inf" and "nan" here: not handled, so refused);
//   - true, false and null are exact;
//   - objects and arrays have no trailing commas; nesting is limited (maxScanDepth, well
//     inside fastjson's 300).

// maxScanDepth bounds the nesting the scanner follows; deeper values go to fastjson, whose
// limit (fastjson.MaxDepth = 300) then decides. Depth counts as fastjson counts it: the
// DataFrame object is 1, its values 2, rows 3, cells 4.
const maxScanDepth = 64

// isNumByte marks the bytes of a JSON number as fastjson delimits one.
var isNumByte = [256]bool{
	'0': true, '1': true, '2': true, '3': true, '4': true, '5': true, '6': true, '7': true,
	'8': true, '9': true, '.': true, '-': true, '+': true, 'e': true, 'E': true,
}

// skipWS returns the index of the first non-whitespace byte at or after i.
func skipWS(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// stringEnd returns the index of the closing quote of the string whose body starts at i
// (just past the opening quote), and whether the body holds a backslash. A bad escape is
// not ok.
func stringEnd(b []byte, i int) (end int, esc, ok bool) {
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			return i, esc, true
		case '\\':
			n := jsonstrict.EscapeLen(b, i)
			if n == 0 {
				return 0, false, false
			}
			esc = true
			i += n - 1 // an escape cannot end the string
		}
	}
	return 0, false, false
}

// numberEnd returns the end of the number that starts at i, or false if there is none
// (no number byte, or a lone sign, which fastjson refuses or reads as inf/nan).
func numberEnd(b []byte, i int) (int, bool) {
	j := i
	for j < len(b) && isNumByte[b[j]] {
		j++
	}
	if j == i || j == i+1 && (b[i] == '-' || b[i] == '+') {
		return 0, false
	}
	return j, true
}

// literalEnd returns the end of lit (true, false or null) if b holds it at i.
func literalEnd(b []byte, i int, lit string) (int, bool) {
	if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
		return i + len(lit), true
	}
	return 0, false
}

// skipValue returns the end of the JSON value that starts at i, at nesting depth depth.
func skipValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		end, _, ok := stringEnd(b, i+1)
		return end + 1, ok
	case '[':
		return skipArray(b, i, depth)
	case '{':
		return skipObject(b, i, depth)
	case 't':
		return literalEnd(b, i, "true")
	case 'f':
		return literalEnd(b, i, "false")
	case 'n':
		return literalEnd(b, i, "null")
	}
	return numberEnd(b, i)
}

func skipArray(b []byte, i, depth int) (int, bool) {
	if depth >= maxScanDepth {
		return 0, false
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, true
	}
	for {
		var ok bool
		if i, ok = skipValue(b, i, depth+1); !ok {
			return 0, false
		}
		if i = skipWS(b, i); i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
		case ']':
			return i + 1, true
		default:
			return 0, false
		}
	}
}

func skipObject(b []byte, i, depth int) (int, bool) {
	if depth >= maxScanDepth {
		return 0, false
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, false
		}
		end, _, ok := stringEnd(b, i+1)
		if !ok {
			return 0, false
		}
		if i = skipWS(b, end+1); i >= len(b) || b[i] != ':' {
			return 0, false
		}
		if i, ok = skipValue(b, skipWS(b, i+1), depth+1); !ok {
			return 0, false
		}
		if i = skipWS(b, i); i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
		case '}':
			return i + 1, true
		default:
			return 0, false
		}
	}
}

// appendUnescaped appends the string body s (the bytes between the quotes) with its
// escapes decoded, as fastjson decodes them. It reports false for the escapes
// jsonstrict.Escape refuses (unknown escapes, bad \u digits, unpaired or misordered
// surrogates), where fastjson's best-effort decoding keeps the text as is or guesses.
func appendUnescaped(dst, s []byte) ([]byte, bool) {
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			dst = append(dst, s[i])
			i++
			continue
		}
		r, n := jsonstrict.Escape(s, i)
		if n == 0 {
			return dst, false
		}
		dst = utf8.AppendRune(dst, r)
		i += n
	}
	return dst, true
}
