package protocol

import (
	"bytes"
	"strconv"

	"github.com/valyala/fastjson"
)

// Form is how a message was framed.
type Form uint8

// Message forms (see the package documentation for the byte layout of each).
const (
	FormFramed  Form = iota // <N>,<header><payload>
	FormSession             // <payload>: a bare DataFrame on an authenticated connection
	FormLegacy              // <header>-289907289<payload> (SymetryML 5.x)
)

// String returns "framed", "session" or "legacy".
func (f Form) String() string {
	switch f {
	case FormFramed:
		return "framed"
	case FormSession:
		return "session"
	case FormLegacy:
		return "legacy"
	}
	return "Form(" + strconv.Itoa(int(f)) + ")"
}

// LegacyDelimiter separates header and payload in the 5.x framing.
const LegacyDelimiter = "-289907289"

// DefaultMaxHeaderBytes is the largest header accepted when Parser.MaxHeaderBytes is 0.
const DefaultMaxHeaderBytes = 64 << 10

// maxLengthDigits bounds the header length prefix: at most 9 decimal digits.
const maxLengthDigits = 9

// Message is one parsed message. It is borrowed: every slice aliases the input buffer
// (Header, Payload; the header strings and ExtraKeys when they are plain ASCII) or memory
// owned by the Parser (escaped header strings, the ExtraKeys array), and is
// valid until the next call to Parse on the same Parser or until the input buffer is reused,
// whichever comes first. Copy what must live longer.
type Message struct {
	Form Form
	// The four header strings, JSON-unescaped, in wire order. Nil for FormSession.
	Date, MD5, Signature, CID []byte
	// ExtraKeys are the header's extraKeys, JSON-unescaped; empty when the header has none
	// (an empty array or no extraKeys key) and for FormSession.
	ExtraKeys [][]byte
	// Header is the raw header JSON as received (empty for FormSession).
	Header []byte
	// Payload is the DataFrame JSON, exactly the bytes received (it starts with '{').
	Payload []byte
}

// Parser parses messages. Use one per connection: it is not safe for concurrent use. After
// warm-up, Parse allocates nothing for a well-formed message; an error allocates its message.
// The zero value is ready to use and refuses the legacy framing.
type Parser struct {
	// AllowLegacy accepts the 5.x framing "<header>-289907289<payload>". When false such a
	// message is refused with BAD_REQUEST (it is still recognised, to say why).
	AllowLegacy bool
	// MaxHeaderBytes bounds the header JSON. 0 means DefaultMaxHeaderBytes.
	MaxHeaderBytes int

	json  fastjson.Parser // holds the unescaped header strings until the next Parse
	msg   Message
	extra [][]byte // backing array of msg.ExtraKeys, reused
}

// Parse parses one whole message (one reassembled WebSocket text message). Every error is
// an *Error with StatusBadRequest whose Msg says what was wrong, at which byte offset of
// msg, and quotes at most 40 bytes of msg from there. The returned *Message is owned by p;
// see Message for its lifetime.
func (p *Parser) Parse(msg []byte) (*Message, error) {
	if len(msg) == 0 {
		return nil, Errorf(StatusBadRequest, "empty message")
	}
	switch c := msg[0]; {
	case isDigit(c):
		return p.parseFramed(msg)
	case c == '{':
		if hend, ok, err := legacyHeaderEnd(msg); err != nil {
			return nil, err
		} else if ok {
			return p.parseLegacy(msg, hend)
		}
		p.msg = Message{Form: FormSession, Payload: msg}
		return &p.msg, nil
	default:
		return nil, badRequest(msg, 0, "expected a header length or '{'")
	}
}

// parseFramed parses <N>,<header><payload>.
func (p *Parser) parseFramed(msg []byte) (*Message, error) {
	n, i := 0, 0
	for i < len(msg) && isDigit(msg[i]) {
		if i == maxLengthDigits {
			return nil, badRequest(msg, 0, "header length has more than 9 digits")
		}
		n = n*10 + int(msg[i]-'0')
		i++
	}
	if i == len(msg) || msg[i] != ',' {
		return nil, badRequest(msg, i, "header length is not a decimal number followed by ','")
	}
	if msg[0] == '0' {
		if n == 0 {
			return nil, badRequest(msg, 0, "header length is 0")
		}
		return nil, badRequest(msg, 0, "header length has a leading zero")
	}
	hoff := i + 1
	if n > len(msg)-hoff {
		return nil, Errorf(StatusBadRequest, "header length %d at byte 0 runs past the end of the message (%d bytes follow the ',' at byte %d): %s",
			n, len(msg)-hoff, i, quote(msg, 0))
	}
	return p.finish(msg, FormFramed, hoff, hoff+n, hoff+n)
}

// parseLegacy parses <header>-289907289<payload>; the header ends at hend.
func (p *Parser) parseLegacy(msg []byte, hend int) (*Message, error) {
	if !p.AllowLegacy {
		return nil, badRequest(msg, hend, "legacy framing is disabled: header followed by "+LegacyDelimiter)
	}
	return p.finish(msg, FormLegacy, 0, hend, hend+len(LegacyDelimiter))
}

// finish parses the header msg[hoff:hend] and checks the payload msg[poff:].
func (p *Parser) finish(msg []byte, form Form, hoff, hend, poff int) (*Message, error) {
	limit := p.MaxHeaderBytes
	if limit <= 0 {
		limit = DefaultMaxHeaderBytes
	}
	if hend-hoff > limit {
		return nil, Errorf(StatusBadRequest, "header at byte %d is %d bytes, more than the limit of %d: %s",
			hoff, hend-hoff, limit, quote(msg, hoff))
	}
	p.msg = Message{Form: form, Header: msg[hoff:hend], Payload: msg[poff:]}
	err := p.parseHeader(msg, hoff, hend)
	if err == nil && poff == len(msg) {
		err = badRequest(msg, poff, "no payload after the header")
	}
	if err == nil && msg[poff] != '{' {
		err = badRequest(msg, poff, "payload does not start with '{'")
	}
	if err != nil {
		p.msg = Message{}
		return nil, err
	}
	return &p.msg, nil
}

// legacyHeaderEnd reports whether msg, which starts with '{', is in the legacy framing:
// the JSON object at byte 0 is a header (its first key is "headers" or "extraKeys", as the
// 5.x client writes it) and is followed immediately by LegacyDelimiter. It returns the end
// of that object. A DataFrame never starts with those keys, so a session payload costs one
// prefix comparison here. A header-like prefix that is not valid JSON is an error.
func legacyHeaderEnd(msg []byte) (hend int, ok bool, err error) {
	if !bytes.HasPrefix(msg, []byte(`{"headers"`)) && !bytes.HasPrefix(msg, []byte(`{"extraKeys"`)) {
		return 0, false, nil
	}
	end, valid, what := scanValue(msg, 0)
	if !valid {
		return 0, false, badRequest(msg, end, "header is not valid JSON: "+what)
	}
	return end, bytes.HasPrefix(msg[end:], []byte(LegacyDelimiter)), nil
}
