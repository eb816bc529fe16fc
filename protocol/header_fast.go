package protocol

// headerPlain[c] is true for the bytes a header string may hold for parseHeaderFast:
// printable ASCII (0x20–0x7e) but '"' and '\\', so that the string needs no unescaping
// and holds neither a control character nor invalid UTF-8.
var headerPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// Keys seen by parseHeaderFast.
const (
	seenHeaders = 1 << iota
	seenExtraKeys
)

// parseHeaderFast reads the header h, which starts with '{', in one pass when it has the
// shape clients send:
//
//	{"headers":[date,md5,signature,cid],"extraKeys":[key,...]}
//
// either key first or extraKeys absent, JSON whitespace between tokens, nothing after the
// object, and every string plain printable ASCII (headerPlain: no escape, no control
// character). It then sets p.msg's header strings and ExtraKeys, aliasing h, and reports
// true; such a header is one the fastjson path accepts with the same strings. Anything
// else reports false, and the fastjson path (parseHeaderJSON) reads and judges it from the
// start. It never allocates once p.extra has grown to the number of extra keys.
func (p *Parser) parseHeaderFast(h []byte) bool {
	i := skipSpace(h, 1)
	seen := 0
	for {
		key, j, ok := plainString(h, i)
		if !ok {
			return false
		}
		if i = skipSpace(h, j); i >= len(h) || h[i] != ':' {
			return false
		}
		i = skipSpace(h, i+1)
		switch string(key) {
		case "headers":
			if seen&seenHeaders != 0 {
				return false
			}
			seen |= seenHeaders
			if i, ok = p.fastHeaders(h, i); !ok {
				return false
			}
		case "extraKeys":
			if seen&seenExtraKeys != 0 {
				return false
			}
			seen |= seenExtraKeys
			if i, ok = p.fastExtraKeys(h, i); !ok {
				return false
			}
		default:
			return false
		}
		if i = skipSpace(h, i); i >= len(h) {
			return false
		}
		switch h[i] {
		case ',':
			i = skipSpace(h, i+1)
			continue
		case '}':
			if i+1 != len(h) || seen&seenHeaders == 0 {
				return false
			}
			if seen&seenExtraKeys == 0 {
				p.extra = p.extra[:0]
			}
			p.msg.ExtraKeys = p.extra
			return true
		}
		return false
	}
}

// fastHeaders reads the array of exactly four plain strings at h[i] into p.msg and
// returns its end.
func (p *Parser) fastHeaders(h []byte, i int) (int, bool) {
	if i >= len(h) || h[i] != '[' {
		return 0, false
	}
	fields := [4]*[]byte{&p.msg.Date, &p.msg.MD5, &p.msg.Signature, &p.msg.CID}
	for n, f := range fields {
		var s []byte
		var ok bool
		if s, i, ok = plainString(h, skipSpace(h, i+1)); !ok {
			return 0, false
		}
		*f = s
		if i = skipSpace(h, i); i >= len(h) {
			return 0, false
		}
		if n < len(fields)-1 && h[i] != ',' || n == len(fields)-1 && h[i] != ']' {
			return 0, false
		}
	}
	return i + 1, true
}

// fastExtraKeys reads the array of plain strings at h[i] into p.extra and returns its
// end.
func (p *Parser) fastExtraKeys(h []byte, i int) (int, bool) {
	if i >= len(h) || h[i] != '[' {
		return 0, false
	}
	p.extra = p.extra[:0]
	if i = skipSpace(h, i+1); i < len(h) && h[i] == ']' {
		return i + 1, true
	}
	for {
		s, j, ok := plainString(h, i)
		if !ok {
			return 0, false
		}
		p.extra = append(p.extra, s)
		if i = skipSpace(h, j); i >= len(h) {
			return 0, false
		}
		switch h[i] {
		case ',':
			i = skipSpace(h, i+1)
		case ']':
			return i + 1, true
		default:
			return 0, false
		}
	}
}

// plainString reads the string at h[i] if all its bytes are headerPlain, and returns its
// content (aliasing h) and the index after its closing quote.
func plainString(h []byte, i int) (s []byte, end int, ok bool) {
	if i >= len(h) || h[i] != '"' {
		return nil, 0, false
	}
	j := i + 1
	for j < len(h) && headerPlain[h[j]] {
		j++
	}
	if j >= len(h) || h[j] != '"' {
		return nil, 0, false
	}
	return h[i+1 : j : j], j + 1, true
}

// skipSpace returns the index of the first byte at or after i that is not JSON
// whitespace.
func skipSpace(h []byte, i int) int {
	for i < len(h) {
		switch h[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}
