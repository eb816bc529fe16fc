package jsonstrict

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/valyala/fastjson"
)

// maxQuote is the most bytes of input an error quotes.
const maxQuote = 40

// EscapeLen returns the length of the string escape at b[i] (a backslash): 2 for \" \\ \/
// \b \f \n \r \t, 6 for \uXXXX outside the surrogates, 12 for a high surrogate escape
// followed by a low one; 0 for anything else (an unknown escape, bad hex digits, a
// surrogate escape alone or in the wrong order, the end of b).
func EscapeLen(b []byte, i int) int {
	_, n := Escape(b, i)
	return n
}

// Escape decodes the string escape at b[i] (a backslash): the character it stands for and
// its length, as EscapeLen; (0, 0) for an escape EscapeLen refuses.
func Escape(b []byte, i int) (r rune, n int) {
	if i+1 >= len(b) {
		return 0, 0
	}
	switch c := b[i+1]; c {
	case '"', '\\', '/':
		return rune(c), 2
	case 'b':
		return '\b', 2
	case 'f':
		return '\f', 2
	case 'n':
		return '\n', 2
	case 'r':
		return '\r', 2
	case 't':
		return '\t', 2
	case 'u':
	default:
		return 0, 0
	}
	r, ok := hex4(b, i+2)
	switch {
	case !ok:
		return 0, 0
	case r < 0xd800 || r >= 0xe000:
		return r, 6
	case r >= 0xdc00:
		return 0, 0 // a low surrogate first
	}
	if i+12 > len(b) || b[i+6] != '\\' || b[i+7] != 'u' {
		return 0, 0
	}
	lo, ok := hex4(b, i+8)
	if !ok || lo < 0xdc00 || lo >= 0xe000 {
		return 0, 0
	}
	return 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00), 12
}

// hex4 reads the four hex digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// CheckEscapes refuses a JSON text that holds a string escape EscapeLen does not accept,
// saying at which byte. b must be JSON that fastjson parses: every backslash is then inside
// a string, and reading them left to right reads the escapes.
func CheckEscapes(b []byte) error {
	for i := bytes.IndexByte(b, '\\'); i >= 0; {
		n := EscapeLen(b, i)
		if n == 0 {
			return fmt.Errorf("bad string escape at byte %d: %s (escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX, a surrogate only as a pair)", i, quote(b[i:]))
		}
		i += n
		j := bytes.IndexByte(b[i:], '\\')
		if j < 0 {
			break
		}
		i += j
	}
	return nil
}

// CheckKeys refuses an object (what names it in the message, e.g. "MLContext") with a key
// that is not one of known or that appears twice, naming the key.
func CheckKeys(o *fastjson.Object, what string, known ...string) error {
	var err error
	var seen uint64 // bit k: known[k] was seen; past 64 keys, a slower scan
	var many map[string]bool
	o.Visit(func(key []byte, _ *fastjson.Value) {
		if err != nil {
			return
		}
		k := indexOf(known, key)
		switch {
		case k < 0:
			err = fmt.Errorf("%s has unknown key %s; its keys are %s", what, quote(key), strings.Join(known, ", "))
		case k < 64 && seen&(1<<k) != 0, k >= 64 && many[known[k]]:
			err = fmt.Errorf("%s key %s appears twice", what, quote(key))
		case k < 64:
			seen |= 1 << k
		default:
			if many == nil {
				many = make(map[string]bool)
			}
			many[known[k]] = true
		}
	})
	return err
}

func indexOf(known []string, key []byte) int {
	for k, s := range known {
		if s == string(key) {
			return k
		}
	}
	return -1
}

// CheckNoDuplicateKeys refuses an object whose keys are free (a map of parameters) but in
// which a key appears twice.
func CheckNoDuplicateKeys(o *fastjson.Object, what string) error {
	var err error
	seen := make(map[string]struct{}, o.Len())
	o.Visit(func(key []byte, _ *fastjson.Value) {
		if err != nil {
			return
		}
		if _, dup := seen[string(key)]; dup {
			err = fmt.Errorf("%s key %s appears twice", what, quote(key))
			return
		}
		seen[string(key)] = struct{}{}
	})
	return err
}

// quote quotes at most maxQuote bytes of b ("..." marks a cut).
func quote(b []byte) string {
	if len(b) > maxQuote {
		return strconv.Quote(string(b[:maxQuote])) + "..."
	}
	return strconv.Quote(string(b))
}

// ParseObject parses b with p as a JSON object that keeps every rule of the package with
// the keys known alone. what names the object in messages ("announce request"); shape
// says what it must be, for the message refusing another JSON value ("a JSON object",
// `an object {"values":[...]}`). The object lives as long as p's next parse.
func ParseObject(p *fastjson.Parser, b []byte, what, shape string, known ...string) (*fastjson.Object, error) {
	v, err := p.ParseBytes(b)
	if err != nil {
		return nil, fmt.Errorf("%s is not valid JSON: %v", what, err)
	}
	if err := CheckEscapes(b); err != nil {
		return nil, fmt.Errorf("%s is not valid JSON: %v", what, err)
	}
	o, err := v.Object()
	if err != nil {
		return nil, fmt.Errorf("%s must be %s, not %s", what, shape, v.Type())
	}
	if err := CheckKeys(o, what, known...); err != nil {
		return nil, err
	}
	return o, nil
}
