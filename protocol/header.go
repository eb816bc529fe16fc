package protocol

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/valyala/fastjson"
)

// parseHeader parses the header JSON msg[hoff:hend] into p.msg:
//
//	{"headers":[symDate, contentMD5, signature, cid],"extraKeys":[key, ...]}
//
// The header is exactly one JSON object (no surrounding whitespace) with the key "headers",
// an array of exactly four strings, and the key "extraKeys", an array of strings. extraKeys
// may be empty or absent: SymetryML makes it mandatory on the first message only, and an
// absent extraKeys reads as an empty one. Any other key, a duplicate key, invalid UTF-8, a
// bad escape, or a string holding a control character once unescaped (it would make the
// string to sign ambiguous) is refused.
//
// The header clients send — those keys, plain ASCII strings — is read in one pass by
// parseHeaderFast, its strings aliasing msg; any other header goes to parseHeaderJSON,
// the reference, which accepts every header parseHeaderFast does, with the same strings
// (header_fast_test.go checks it on generated headers and by fuzzing).
func (p *Parser) parseHeader(msg []byte, hoff, hend int) error {
	h := msg[hoff:hend]
	if h[0] != '{' {
		return badRequest(msg, hoff, "header is not a JSON object")
	}
	if p.parseHeaderFast(h) {
		return nil
	}
	return p.parseHeaderJSON(msg, hoff, hend)
}

// parseHeaderJSON is parseHeader by fastjson, for a header h = msg[hoff:hend] that starts
// with '{'. fastjson extracts the values, unescaped into the Parser's buffers. It is
// lenient about string escapes and does not say where an error is, so the strict scanner
// (scanValue) checks the header first when it holds an escape or does not end with '}',
// and locates the error when fastjson refuses it. Raw control characters and invalid
// UTF-8, which fastjson lets through, are refused by headerString.
func (p *Parser) parseHeaderJSON(msg []byte, hoff, hend int) error {
	h := msg[hoff:hend]
	if h[len(h)-1] != '}' || bytes.IndexByte(h, '\\') >= 0 {
		if err := scanHeader(msg, hoff, hend); err != nil {
			return err
		}
	}
	v, err := p.json.ParseBytes(h)
	if err != nil {
		if err := scanHeader(msg, hoff, hend); err != nil {
			return err
		}
		return badRequest(msg, hoff, "header is not valid JSON") // not reached: the scanner is stricter
	}
	o := v.GetObject()
	headers := o.Get("headers")
	extraKeys := o.Get("extraKeys")
	want := 1
	if extraKeys != nil {
		want = 2
	}
	if headers == nil || o.Len() != want {
		return headerKeysError(msg, hoff, o)
	}

	hs, err := headers.Array()
	if err != nil || len(hs) != 4 {
		n := -1
		if err == nil {
			n = len(hs)
		}
		return shapeError(msg, hoff, `"headers" must be an array of exactly 4 strings`, n)
	}
	fields := [4]*[]byte{&p.msg.Date, &p.msg.MD5, &p.msg.Signature, &p.msg.CID}
	for i, hv := range hs {
		s, err := headerString(msg, hoff, hv, "headers", i)
		if err != nil {
			return err
		}
		*fields[i] = s
	}

	p.extra = p.extra[:0]
	if extraKeys != nil {
		ks, err := extraKeys.Array()
		if err != nil {
			return shapeError(msg, hoff, `"extraKeys" must be an array of strings`, -1)
		}
		for i, kv := range ks {
			s, err := headerString(msg, hoff, kv, "extraKeys", i)
			if err != nil {
				return err
			}
			p.extra = append(p.extra, s)
		}
	}
	p.msg.ExtraKeys = p.extra
	return nil
}

// scanHeader checks the header msg[hoff:hend] with the strict scanner: one JSON object and
// nothing after it.
func scanHeader(msg []byte, hoff, hend int) error {
	end, ok, what := scanValue(msg[hoff:hend], 0)
	if !ok {
		return badRequest(msg, hoff+end, "header is not valid JSON: "+what)
	}
	if hoff+end != hend {
		return badRequest(msg, hoff+end, "unexpected bytes after the header object")
	}
	return nil
}

// headerString returns the unescaped string value v, element i of the array named name.
func headerString(msg []byte, hoff int, v *fastjson.Value, name string, i int) ([]byte, error) {
	if v.Type() != fastjson.TypeString {
		return nil, Errorf(StatusBadRequest, "header at byte %d: %s[%d] is %s, not a string: %s",
			hoff, name, i, v.Type(), quote(msg, hoff))
	}
	s := v.GetStringBytes()
	ascii := true
	for _, c := range s {
		if c < 0x20 || c == 0x7f {
			return nil, Errorf(StatusBadRequest, "header at byte %d: %s[%d] holds a control character: %s",
				hoff, name, i, quote(s, 0))
		}
		ascii = ascii && c < 0x80
	}
	if !ascii && !utf8.Valid(s) {
		return nil, Errorf(StatusBadRequest, "header at byte %d: %s[%d] is not valid UTF-8: %s",
			hoff, name, i, quote(s, 0))
	}
	return s, nil
}

// headerKeysError explains why the header object does not have exactly the keys "headers"
// and, optionally, "extraKeys". Error path only.
func headerKeysError(msg []byte, hoff int, o *fastjson.Object) error {
	var err error
	seenHeaders, seenExtra := false, false
	o.Visit(func(key []byte, _ *fastjson.Value) {
		if err != nil {
			return
		}
		switch string(key) {
		case "headers":
			if seenHeaders {
				err = Errorf(StatusBadRequest, `header at byte %d: duplicate key "headers": %s`, hoff, quote(msg, hoff))
			}
			seenHeaders = true
		case "extraKeys":
			if seenExtra {
				err = Errorf(StatusBadRequest, `header at byte %d: duplicate key "extraKeys": %s`, hoff, quote(msg, hoff))
			}
			seenExtra = true
		default:
			err = Errorf(StatusBadRequest, "header at byte %d: unknown key %s", hoff, quote(key, 0))
		}
	})
	if err == nil && !seenHeaders {
		err = Errorf(StatusBadRequest, `header at byte %d: missing key "headers": %s`, hoff, quote(msg, hoff))
	}
	return err
}

// shapeError reports an array of the wrong shape; n is its length, or -1 if not an array.
func shapeError(msg []byte, hoff int, want string, n int) error {
	found := "not an array"
	if n >= 0 {
		found = strconv.Itoa(n) + " elements"
	}
	return Errorf(StatusBadRequest, "header at byte %d: %s, found %s: %s", hoff, want, found, quote(msg, hoff))
}
